"""crm.services.customers: create, update, delete (and what blocks it), bulk create."""
from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import ConflictError, NotFoundError, ValidationFailed
from crm import registry
from crm.models import ActivityLog, Contact, Customer, Note
from crm.services.contracts import contract_delete
from crm.services.customers import (
    customer_bulk_create,
    customer_create,
    customer_delete,
    customer_delete_blocked_by,
    customer_update,
)
from tenancy.actors import Actor
from tenancy.tests.factories import MembershipFactory

from .factories import ContactFactory, ContractFactory, CustomerFactory, NoteFactory

pytestmark = pytest.mark.django_db


def _log(customer_id: int) -> list[ActivityLog]:
    return list(
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Customer), object_id=customer_id
        ).order_by("id")
    )


# --- create ---------------------------------------------------------------------------------


def test_create_saves_the_fields_and_logs_who_created(company, admin_membership):
    customer = customer_create(
        company=company,
        by=Actor(membership=admin_membership),
        name="ACME Corp",
        email=" contact@acme.com ",
        country="hu",
        shipping_country="de",
        default_currency="huf",
        assigned_to=admin_membership,
    )

    customer.refresh_from_db()
    assert (customer.company, customer.name, customer.email) == (
        company, "ACME Corp", "contact@acme.com"
    )
    assert (customer.country.code, customer.shipping_country.code) == ("HU", "DE")
    assert customer.default_currency == "HUF"
    assert customer.assigned_to == admin_membership
    [log] = _log(customer.pk)
    assert (log.company, log.action, log.actor, log.object_repr) == (
        company, "created", admin_membership, "ACME Corp"
    )
    assert log.changes["name"] == "ACME Corp"
    assert log.changes["assigned_to"] == admin_membership.pk


def test_create_without_a_name_is_refused_and_saves_nothing(company):
    with pytest.raises(DjangoValidationError) as caught:
        customer_create(company=company, email="x@example.com")

    assert list(caught.value.message_dict) == ["name"]
    assert not Customer.objects.exists()


def test_create_refuses_staff_of_another_company(company, other_admin_membership):
    with pytest.raises(ValidationFailed) as caught:
        customer_create(company=company, name="ACME", assigned_to=other_admin_membership)

    assert list(caught.value.details) == ["assigned_to"]
    assert not Customer.objects.exists()


def test_create_with_an_unknown_field_is_a_programming_error(company):
    with pytest.raises(TypeError, match="Unknown customer fields: colour"):
        customer_create(company=company, name="ACME", colour="red")


# --- update ---------------------------------------------------------------------------------


def test_update_records_only_the_changed_fields(company, user_membership):
    customer = CustomerFactory(company=company, name="ACME", city="Budapest")

    customer_update(
        customer=customer, by=Actor(membership=user_membership), name="ACME Corp", city="Budapest"
    )

    customer.refresh_from_db()
    assert customer.name == "ACME Corp"
    [log] = _log(customer.pk)
    assert (log.action, log.actor, log.changes) == (
        "updated", user_membership, {"name": ["ACME", "ACME Corp"]}
    )


def test_an_update_that_changes_nothing_writes_nothing(company):
    customer = CustomerFactory(company=company, name="ACME")
    stamp = customer.updated_at

    customer_update(customer=customer, name="ACME")

    customer.refresh_from_db()
    assert customer.updated_at == stamp
    assert _log(customer.pk) == []


def test_update_refuses_an_invalid_email_and_keeps_the_row(company):
    customer = CustomerFactory(company=company, email="old@acme.com")

    with pytest.raises(DjangoValidationError):
        customer_update(customer=customer, email="not-an-email")

    customer.refresh_from_db()
    assert customer.email == "old@acme.com"


@pytest.mark.parametrize("write", ["update", "delete"])
def test_a_customer_deleted_meanwhile_is_not_found(company, write):
    customer = CustomerFactory(company=company)
    Customer.objects.filter(pk=customer.pk).delete()  # another request, before our lock

    with pytest.raises(NotFoundError):
        if write == "update":
            customer_update(customer=customer, name="Renamed")
        else:
            customer_delete(customer=customer)
    assert _log(customer.pk) == []


# --- delete ---------------------------------------------------------------------------------


def test_delete_removes_the_customer_with_its_contacts_and_logs_it(company, admin_membership):
    customer = CustomerFactory(company=company)
    contacts = [
        ContactFactory(customer=customer, is_primary=True),
        ContactFactory(customer=customer),
    ]
    kept = ContactFactory(company=company)  # another customer's contact
    customer_id = customer.pk

    customer_delete(customer=customer, by=Actor(membership=admin_membership))

    assert not Customer.objects.filter(pk=customer_id).exists()
    assert list(Contact.objects.all()) == [kept]
    [log] = _log(customer_id)
    assert (log.action, log.actor, log.description) == (
        "deleted", admin_membership, "Deleted with 2 contacts."
    )
    contact_logs = ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), action="deleted"
    )
    assert sorted(contact_logs.values_list("object_id", flat=True)) == sorted(
        contact.pk for contact in contacts
    )
    assert {log.actor for log in contact_logs} == {admin_membership}


def test_delete_is_refused_while_contracts_need_the_customer(company):
    customer = CustomerFactory(company=company)
    ContractFactory(company=company, customer=customer)
    ContractFactory(company=company, customer=customer)

    with pytest.raises(ConflictError) as caught:
        customer_delete(customer=customer)

    error = caught.value
    assert (error.status_code, error.code) == (409, "customer_has_dependents")
    assert error.message == "Customer has 2 contracts; delete or reassign them first."
    assert error.extra == {"blocked_by": {"contracts": 2}}
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert _log(customer.pk) == []


def test_a_single_blocker_is_named_in_the_singular(company):
    customer = CustomerFactory(company=company)
    ContractFactory(company=company, customer=customer)

    with pytest.raises(ConflictError, match=r"^Customer has 1 contract; delete or reassign"):
        customer_delete(customer=customer)


def test_a_dependant_nobody_counts_still_refuses_the_delete(company, monkeypatch):
    """Contracts PROTECT their customer: without a registered counter the database refuses,
    and the refusal is the same 409, not a 500."""
    monkeypatch.setattr("crm.services.customers.customer_delete_blockers", [])
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, is_primary=True)
    ContractFactory(company=company, customer=customer)

    with pytest.raises(ConflictError) as caught:
        customer_delete(customer=customer)

    assert caught.value.code == "customer_has_dependents"
    assert caught.value.extra == {"blocked_by": {"records": 1}}
    assert Contact.objects.filter(customer=customer).count() == 1
    assert _log(customer.pk) == []


@pytest.fixture
def invoices_blocker():
    """What billing will register: a counter of its own records."""

    def count_invoices(customer):
        return {"invoices": 3 if customer.name.startswith("Billed") else 0}

    registry.register_customer_delete_blocker(count_invoices)
    yield count_invoices
    registry.customer_delete_blockers.remove(count_invoices)


def test_registered_blockers_add_up_and_zero_counts_are_left_out(company, invoices_blocker):
    billed = CustomerFactory(company=company, name="Billed Ltd")
    ContractFactory(company=company, customer=billed)
    unbilled = CustomerFactory(company=company, name="Fresh Ltd")

    assert customer_delete_blocked_by(customer=billed) == {"contracts": 1, "invoices": 3}
    assert customer_delete_blocked_by(customer=unbilled) == {}
    with pytest.raises(ConflictError) as caught:
        customer_delete(customer=billed)
    assert caught.value.message == (
        "Customer has 1 contract and 3 invoices; delete or reassign them first."
    )
    customer_delete(customer=unbilled)
    assert not Customer.objects.filter(pk=unbilled.pk).exists()


def test_registering_a_blocker_twice_counts_it_once(invoices_blocker):
    registry.register_customer_delete_blocker(invoices_blocker)

    assert registry.customer_delete_blockers.count(invoices_blocker) == 1


# --- bulk create ----------------------------------------------------------------------------


def test_bulk_create_creates_every_row_and_a_log_row_each(company, admin_membership):
    rows = [{"name": "One", "email": "one@example.com", "country": "us"}, {"name": "Two"}]

    created = customer_bulk_create(
        company=company, by=Actor(membership=admin_membership), rows=rows
    )

    assert [c.pk is not None for c in created] == [True, True]
    stored = list(Customer.objects.for_company(company).order_by("id"))
    assert [(c.name, c.email, c.country.code) for c in stored] == [
        ("One", "one@example.com", "US"),
        ("Two", "", ""),
    ]
    assert [c.pk for c in created] == [c.pk for c in stored]
    logs = ActivityLog.objects.filter(company=company, action="created").order_by("object_id")
    assert [(log.object_id, log.actor_id) for log in logs] == [
        (c.pk, admin_membership.pk) for c in stored
    ]


def test_bulk_create_with_one_invalid_row_creates_nothing(company):
    rows = [{"name": "One"}, {"name": "Two", "email": "nope"}, {"name": ""}]

    with pytest.raises(ValidationFailed) as caught:
        customer_bulk_create(company=company, rows=rows)

    assert sorted(caught.value.details) == ["customers.1", "customers.2"]
    assert list(caught.value.details["customers.1"]) == ["email"]
    assert not Customer.objects.exists()
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize(
    ("size", "message"),
    [(0, "This list may not be empty."), (1001, "At most 1000 customers per batch.")],
    ids=["empty", "too_many"],
)
def test_bulk_create_limits(company, size, message):
    with pytest.raises(ValidationFailed) as caught:
        customer_bulk_create(company=company, rows=[{"name": f"C{i}"} for i in range(size)])

    assert caught.value.details == {"customers": [message]}
    assert not Customer.objects.exists()


def test_bulk_create_queries_do_not_grow_with_the_rows(company):
    other = MembershipFactory(company=company)
    counts = {}
    for size in (2, 30):
        with CaptureQueriesContext(connection) as queries:
            customer_bulk_create(
                company=company,
                by=Actor(membership=other),
                rows=[{"name": f"C{size}-{i}"} for i in range(size)],
            )
        counts[size] = sum(
            1 for q in queries.captured_queries
            if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
        )

    assert counts[2] == counts[30]
    assert Customer.objects.for_company(company).count() == 32


def test_delete_takes_the_customers_notes_along_and_keeps_others(company):
    customer = CustomerFactory(company=company)
    NoteFactory(company=company, rel_type="customer", rel_id=customer.pk)
    kept = NoteFactory(company=company)  # on another customer
    contract = ContractFactory(company=company)
    NoteFactory(company=company, rel_type="contract", rel_id=contract.pk)

    customer_delete(customer=customer)
    contract_delete(contract=contract)

    assert list(Note.objects.for_company(company)) == [kept]
