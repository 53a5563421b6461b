"""crm.services.contacts: one primary contact per customer, e-mails unique per customer."""
from __future__ import annotations

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction

from core.exceptions import ConflictError, NotFoundError, ValidationFailed
from crm.models import ActivityLog, Contact, Customer
from crm.services.contacts import (
    CUSTOMER_GONE_MESSAGE,
    EMAIL_TAKEN_MESSAGE,
    PRIMARY_DELETE_MESSAGE,
    PRIMARY_DEMOTE_MESSAGE,
    contact_create,
    contact_delete,
    contact_update,
)
from tenancy.actors import Actor

from .factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(company):
    return CustomerFactory(company=company)


def _new(company, customer, email="jane@acme.com", **fields):
    return contact_create(
        company=company,
        customer=customer,
        first_name=fields.pop("first_name", "Jane"),
        last_name=fields.pop("last_name", "Smith"),
        email=email,
        **fields,
    )


def _primaries(customer) -> list[int]:
    primaries = Contact.objects.filter(customer=customer, is_primary=True)
    return list(primaries.values_list("pk", flat=True))


def _logs(contact_id: int) -> list[tuple[str, dict]]:
    return list(
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact), object_id=contact_id
        )
        .order_by("id")
        .values_list("action", "changes")
    )


# --- create ---------------------------------------------------------------------------------


def test_the_first_contact_becomes_primary_even_when_asked_not_to(company, customer):
    first = _new(company, customer, is_primary=False)
    second = _new(company, customer, email="joe@acme.com")

    assert (first.is_primary, second.is_primary) == (True, False)
    assert _primaries(customer) == [first.pk]


def test_create_logs_the_contact_with_its_customer(company, customer, user_membership):
    contact = _new(company, customer, phone="+36 1 111", by=Actor(membership=user_membership))

    [(action, changes)] = _logs(contact.pk)
    assert action == "created"
    assert changes["customer"] == customer.pk
    assert (changes["email"], changes["phone"], changes["is_primary"]) == (
        "jane@acme.com", "+36 1 111", True
    )


def test_a_new_primary_contact_takes_over_from_the_previous_one(company, customer):
    first = _new(company, customer)
    second = _new(company, customer, email="joe@acme.com", is_primary=True)

    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert _primaries(customer) == [second.pk]
    assert _logs(first.pk)[-1] == ("updated", {"is_primary": [True, False]})


@pytest.mark.parametrize("email", ["jane@acme.com", "JANE@Acme.COM", " Jane@acme.com "])
def test_an_email_is_unique_per_customer_whatever_its_case(company, customer, email):
    _new(company, customer)

    with pytest.raises(ValidationFailed) as caught:
        _new(company, customer, email=email)

    assert caught.value.details == {"email": [EMAIL_TAKEN_MESSAGE]}
    assert Contact.objects.filter(customer=customer).count() == 1


def test_the_same_email_may_serve_two_customers(company, customer):
    other_customer = CustomerFactory(company=company)
    _new(company, customer)

    _new(company, other_customer, email="JANE@acme.com")

    assert Contact.objects.filter(email__iexact="jane@acme.com").count() == 2


def test_a_customer_of_another_company_is_refused(company, other_company):
    foreign = CustomerFactory(company=other_company)

    with pytest.raises(ValidationFailed) as caught:
        _new(company, foreign)

    assert list(caught.value.details) == ["customer"]
    assert not Contact.objects.exists()


def test_an_invalid_email_is_refused_before_any_primary_moves(company, customer):
    first = _new(company, customer)

    with pytest.raises(DjangoValidationError):
        _new(company, customer, email="not-an-email", is_primary=True)

    assert _primaries(customer) == [first.pk]


def test_the_database_still_refuses_a_duplicate_email(company, customer):
    """The constraint the service's check mirrors: a write that bypasses it fails."""
    ContactFactory(customer=customer, email="jane@acme.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(customer=customer, email="Jane@ACME.com")


# --- update ---------------------------------------------------------------------------------


def test_making_a_contact_primary_demotes_the_previous_one(company, customer):
    first = _new(company, customer)
    second = _new(company, customer, email="joe@acme.com")

    contact_update(contact=second, is_primary=True)

    assert _primaries(customer) == [second.pk]
    assert _logs(second.pk)[-1] == ("updated", {"is_primary": [False, True]})


def test_the_primary_contact_cannot_be_unset_directly(company, customer):
    first = _new(company, customer)

    with pytest.raises(ValidationFailed) as caught:
        contact_update(contact=first, is_primary=False)

    assert caught.value.details == {"is_primary": [PRIMARY_DEMOTE_MESSAGE]}
    assert _primaries(customer) == [first.pk]


def test_a_stale_instance_cannot_unset_the_new_primary(company, customer):
    first = _new(company, customer)
    second = _new(company, customer, email="joe@acme.com")
    stale_second = Contact.objects.get(pk=second.pk)  # loaded while not primary
    contact_update(contact=second, is_primary=True)

    with pytest.raises(ValidationFailed):
        contact_update(contact=stale_second, is_primary=False)

    assert _primaries(customer) == [second.pk]
    first.refresh_from_db()
    assert first.is_primary is False


def test_update_refuses_an_email_another_contact_has(company, customer):
    _new(company, customer)
    joe = _new(company, customer, email="joe@acme.com")

    with pytest.raises(ValidationFailed) as caught:
        contact_update(contact=joe, email="JANE@acme.com")

    assert caught.value.details == {"email": [EMAIL_TAKEN_MESSAGE]}
    joe.refresh_from_db()
    assert joe.email == "joe@acme.com"


def test_update_may_change_the_case_of_its_own_email(company, customer):
    jane = _new(company, customer)

    contact_update(contact=jane, email="Jane@Acme.com", title="CTO")

    jane.refresh_from_db()
    assert (jane.email, jane.title) == ("Jane@Acme.com", "CTO")
    assert _logs(jane.pk)[-1] == (
        "updated", {"email": ["jane@acme.com", "Jane@Acme.com"], "title": ["", "CTO"]}
    )


# --- delete ---------------------------------------------------------------------------------


def test_the_primary_contact_cannot_be_deleted(company, customer):
    only = _new(company, customer)

    with pytest.raises(ConflictError) as caught:
        contact_delete(contact=only)

    assert (caught.value.code, caught.value.message) == ("primary_contact", PRIMARY_DELETE_MESSAGE)
    assert Contact.objects.filter(pk=only.pk).exists()


def test_a_contact_that_is_not_primary_is_deleted_and_logged(company, customer):
    _new(company, customer)
    joe = _new(company, customer, email="joe@acme.com")
    joe_id = joe.pk

    contact_delete(contact=joe)

    assert not Contact.objects.filter(pk=joe_id).exists()
    assert _logs(joe_id)[-1][0] == "deleted"


def test_delete_reads_the_primary_flag_afresh(company, customer):
    first = _new(company, customer)
    second = _new(company, customer, email="joe@acme.com")
    stale_second = Contact.objects.get(pk=second.pk)
    contact_update(contact=second, is_primary=True)

    with pytest.raises(ConflictError):
        contact_delete(contact=stale_second)

    contact_delete(contact=Contact.objects.get(pk=first.pk))
    assert list(Contact.objects.filter(customer=customer)) == [second]


def test_a_customer_deleted_meanwhile_gets_no_contact(company, customer):
    Customer.objects.filter(pk=customer.pk).delete()  # another request, before our lock

    with pytest.raises(ValidationFailed) as caught:
        _new(company, customer)

    assert caught.value.details == {"customer": [CUSTOMER_GONE_MESSAGE]}
    assert not Contact.objects.exists()


@pytest.mark.parametrize("write", ["update", "delete"])
def test_a_contact_deleted_meanwhile_is_not_found(company, customer, write):
    _new(company, customer)
    joe = _new(company, customer, email="joe@acme.com")
    Contact.objects.filter(pk=joe.pk).delete()

    with pytest.raises(NotFoundError):
        if write == "update":
            contact_update(contact=joe, title="CTO")
        else:
            contact_delete(contact=joe)


# --- concurrency (PostgreSQL: SQLite serialises every write anyway) -------------------------


def _race(calls) -> list:
    """Run the calls at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def needs_postgres(test):
    """A `services` test: skipped on SQLite, a failure there under REQUIRE_SERVICES=1 (CI)."""
    skip = pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    )
    return pytest.mark.services(skip(test))


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_contacts_at_once_leave_exactly_one_primary():
    customer = CustomerFactory()
    calls = [
        lambda n=n: _new(customer.company, customer, email=f"p{n}@acme.com") for n in range(4)
    ]

    outcomes = _race(calls)

    assert all(isinstance(outcome, Contact) for outcome in outcomes), outcomes
    assert Contact.objects.filter(customer=customer).count() == 4
    assert len(_primaries(customer)) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_email_twice_at_once_is_one_contact_and_one_400():
    customer = CustomerFactory()
    calls = [
        lambda: _new(customer.company, customer, email="JANE@acme.com"),
        lambda: _new(customer.company, customer, email="jane@ACME.com"),
    ]

    outcomes = _race(calls)

    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["Contact", "ValidationFailed"], outcomes
    failed = next(o for o in outcomes if isinstance(o, ValidationFailed))
    assert failed.details == {"email": [EMAIL_TAKEN_MESSAGE]}
    assert Contact.objects.filter(customer=customer).count() == 1
