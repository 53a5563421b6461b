"""crm.services.contracts without HTTP: rules other callers (pages, admin) rely on, and the
row lock that makes concurrent signatures and renewals take turns."""
from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from core.exceptions import ConflictError, ValidationFailed
from crm.models import Contract, ContractRenewal
from crm.services import contracts as services
from tenancy.actors import Actor
from tenancy.tests.factories import CompanyFactory

from .factories import ContractFactory, ContractTypeFactory, CustomerFactory
from .test_contracts_api import activities

pytestmark = pytest.mark.django_db


def test_create_refuses_another_companys_customer_and_type(company, other_company):
    ours = CustomerFactory(company=company)
    fields = dict(company=company, subject="X", date_start=datetime.date(2026, 1, 1))

    with pytest.raises(ValidationFailed) as by_customer:
        services.contract_create(customer=CustomerFactory(company=other_company), **fields)
    with pytest.raises(ValidationFailed) as by_type:
        services.contract_create(
            customer=ours, contract_type=ContractTypeFactory(company=other_company), **fields
        )

    assert by_customer.value.details == {"customer": ["Unknown customer."]}
    assert by_type.value.details == {"contract_type": ["Unknown contract type."]}
    assert not Contract.objects.exists()


def test_create_refuses_a_customer_or_type_deleted_meanwhile(company):
    """The instances in hand are stale: their rows went away before the contract was made."""
    gone_customer, kept = CustomerFactory(company=company), CustomerFactory(company=company)
    gone_type = ContractTypeFactory(company=company)
    type(gone_customer).objects.filter(pk=gone_customer.pk).delete()
    type(gone_type).objects.filter(pk=gone_type.pk).delete()
    fields = dict(company=company, subject="X", date_start=datetime.date(2026, 1, 1))

    with pytest.raises(ValidationFailed) as by_customer:
        services.contract_create(customer=gone_customer, **fields)
    with pytest.raises(ValidationFailed) as by_type:
        services.contract_create(customer=kept, contract_type=gone_type, **fields)

    assert by_customer.value.details == {"customer": ["Unknown customer."]}
    assert by_type.value.details == {"contract_type": ["Unknown contract type."]}
    assert not Contract.objects.exists()


def test_create_checks_the_dates_and_value_with_model_field_names(company):
    with pytest.raises(ValidationFailed) as caught:
        services.contract_create(
            company=company,
            customer=CustomerFactory(company=company),
            subject="X",
            date_start=datetime.date(2026, 2, 1),
            date_end=datetime.date(2026, 1, 31),
            value=Decimal("-0.01"),
        )

    assert caught.value.details == {
        "date_end": [services.ENDS_BEFORE_START_MESSAGE],
        "value": [services.NEGATIVE_VALUE_MESSAGE],
    }


def test_update_leaves_out_what_is_not_given_and_logs_the_system(company):
    contract = ContractFactory(company=company, description="old", date_end=None)

    services.contract_update(contract=contract, description="new")

    contract.refresh_from_db()
    assert (contract.description, contract.date_end) == ("new", None)
    [log] = activities(contract)
    assert (log.actor_id, log.api_key_id, log.actor_name) == (None, None, "system")


def test_update_sanitises_content(company):
    contract = ContractFactory(company=company)

    services.contract_update(
        contract=contract, content='<a href="javascript:x()">x</a><img src=x onerror=y>'
    )

    contract.refresh_from_db()
    assert contract.content == '<a rel="noopener noreferrer">x</a><img src="x">'


def test_the_system_must_name_the_signer_too(company):
    contract = ContractFactory(company=company)

    with pytest.raises(ValidationFailed) as caught:
        services.contract_sign(contract=contract, by=Actor())

    assert list(caught.value.details) == ["signer_name"]


def _race(work) -> dict[str, str]:
    """Run `work(name)` in two threads at once; each holds its transaction for a moment."""
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str, delay: float) -> None:
        try:
            start.wait()
            time.sleep(delay)
            with transaction.atomic():
                work(name)
                time.sleep(0.3)  # hold the lock while the other one tries
            outcomes[name] = "done"
        except (ConflictError, ValidationFailed) as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", 0)),
        threading.Thread(target=run, args=("second", 0.1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return outcomes


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_signatures_at_once_sign_once():
    """The second waits for the first's lock, then sees the signature. Without the lock both
    would read an unsigned contract and the second would overwrite the first."""
    _needs_postgresql()
    contract = ContractFactory(company=CompanyFactory())

    def sign(name: str) -> None:
        stale = Contract.objects.get(pk=contract.pk)
        services.contract_sign(contract=stale, signer_name=name)

    outcomes = _race(sign)

    assert outcomes == {"first": "done", "second": "already_signed"}
    assert Contract.objects.get(pk=contract.pk).signer_name == "first"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_renewals_at_once_take_turns():
    """Both ask for 2027-12-31; the second, after waiting, must compare with the first's new
    end, not with the end it read before."""
    _needs_postgresql()
    contract = ContractFactory(company=CompanyFactory(), date_end=datetime.date(2026, 12, 31))

    def renew(name: str) -> None:
        stale = Contract.objects.get(pk=contract.pk)
        services.contract_renew(contract=stale, date_end=datetime.date(2027, 12, 31))

    outcomes = _race(renew)

    assert outcomes == {"first": "done", "second": "invalid"}
    assert ContractRenewal.objects.filter(contract_id=contract.pk).count() == 1
