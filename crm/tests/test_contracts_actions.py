"""v1 contract actions: sign, renew, and the expiring and expired lists (with a frozen clock)."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from crm.models import Contract, ContractRenewal
from crm.services.contracts import ALREADY_SIGNED_MESSAGE

from .factories import ContractFactory, ContractRenewalFactory, CustomerFactory
from .test_contracts_api import URL, activities, iso

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 5, 10, 8, 0, tzinfo=datetime.UTC)
AFTER_CURRENT = "The new end date must be after the current one (2026-12-31)."
NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."
DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."


@pytest.fixture
def freeze(monkeypatch):
    """Set the clock every `timezone.now()` caller reads (services, selectors, auto_now)."""

    def freeze_at(moment: datetime.datetime) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    freeze_at(NOW)
    return freeze_at


@pytest.fixture
def contract(company):
    return ContractFactory(
        company=company,
        subject="Annual Support",
        date_start=datetime.date(2026, 1, 1),
        date_end=datetime.date(2026, 12, 31),
        value=Decimal("12000.00"),
    )


# --- sign -----------------------------------------------------------------------------------


def test_sign_defaults_to_the_acting_staff_member(
    freeze, admin_client_api, admin_membership, contract
):
    user = admin_membership.user
    user.first_name, user.last_name, user.email = "Alice", "Admin", "alice@acme.hu"
    user.save()

    response = admin_client_api.post(f"{URL}/{contract.pk}/sign")

    assert response.status_code == 200, response.content
    data = response.json()
    assert {key: data[key] for key in ("signed", "signed_at", "signer_name", "signer_email")} == {
        "signed": True,
        "signed_at": iso(NOW),
        "signer_name": "Alice Admin",
        "signer_email": "alice@acme.hu",
    }
    assert data["signed_by"] == admin_membership.pk
    contract.refresh_from_db()
    assert (contract.signed_at, contract.signed_by_id) == (NOW, admin_membership.pk)
    [log] = activities(contract)
    assert (log.action, log.actor_id, log.description) == (
        "signed",
        admin_membership.pk,
        "Signed by Alice Admin",
    )
    assert log.changes["signer_name"] == ["", "Alice Admin"]


def test_sign_with_a_named_signer(user_client_api, user_membership, contract):
    body = {"signer_name": "Jane Client", "signer_email": "jane@client.example"}

    response = user_client_api.post(f"{URL}/{contract.pk}/sign", body, format="json")

    assert response.status_code == 200
    assert (response.json()["signer_name"], response.json()["signer_email"]) == (
        "Jane Client",
        "jane@client.example",
    )
    assert response.json()["signed_by"] == user_membership.pk


def test_signing_twice_is_a_conflict_and_keeps_the_first_signature(
    freeze, user_client_api, contract
):
    first = user_client_api.post(f"{URL}/{contract.pk}/sign", {"signer_name": "First"})
    freeze(NOW + datetime.timedelta(hours=1))

    second = user_client_api.post(f"{URL}/{contract.pk}/sign", {"signer_name": "Second"})

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"detail": ALREADY_SIGNED_MESSAGE, "code": "already_signed"}
    contract.refresh_from_db()
    assert (contract.signer_name, contract.signed_at) == ("First", NOW)
    assert [log.action for log in activities(contract)] == ["signed"]


def test_an_api_key_signs_as_itself_unless_it_names_the_signer(key_client, contract, company):
    # The documented call: an API key and no body.
    signed = key_client.post(f"{URL}/{contract.pk}/sign")

    assert signed.status_code == 200
    assert (signed.json()["signer_name"], signed.json()["signed_by"]) == (
        f"API key {key_client.api_key.name}",
        None,
    )
    other = ContractFactory(company=company)
    named = key_client.post(f"{URL}/{other.pk}/sign", {"signer_name": "Jane Client"})
    assert named.json()["signer_name"] == "Jane Client"


@pytest.mark.parametrize("email", ["nope", "a" * 250 + "@example.com"])
def test_sign_refuses_a_bad_or_too_long_email(user_client_api, contract, email):
    response = user_client_api.post(f"{URL}/{contract.pk}/sign", {"signer_email": email})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["signer_email"]
    contract.refresh_from_db()
    assert contract.signed_at is None


# --- renew ----------------------------------------------------------------------------------


def test_renew_with_the_documented_body(freeze, user_client_api, user_membership, contract):
    response = user_client_api.post(f"{URL}/{contract.pk}/renew", {"dateend": "2027-12-31"})

    assert response.status_code == 200, response.content
    data = response.json()
    renewal = ContractRenewal.objects.get()
    assert (data["dateend"], data["contract_value"]) == ("2027-12-31", "12000.00")
    assert data["renewals"] == [
        {
            "id": renewal.pk,
            "old_dateend": "2026-12-31",
            "new_dateend": "2027-12-31",
            "old_contract_value": "12000.00",
            "new_contract_value": "12000.00",
            "renewed_by": user_membership.pk,
            "renewed_by_name": user_membership.user.get_full_name(),
            "created_at": iso(NOW),
        }
    ]
    contract.refresh_from_db()
    assert contract.date_end == datetime.date(2027, 12, 31)
    [log] = activities(contract)
    assert (log.action, log.changes) == ("renewed", {"date_end": ["2026-12-31", "2027-12-31"]})


def test_renewals_accumulate_newest_first_and_may_change_the_value(user_client_api, contract):
    user_client_api.post(f"{URL}/{contract.pk}/renew", {"dateend": "2027-12-31"})

    response = user_client_api.post(
        f"{URL}/{contract.pk}/renew", {"dateend": "2028-12-31", "contract_value": "13500.50"}
    )

    assert response.status_code == 200
    data = response.json()
    assert data["contract_value"] == "13500.50"
    assert [
        (r["old_dateend"], r["new_dateend"], r["old_contract_value"], r["new_contract_value"])
        for r in data["renewals"]
    ] == [
        ("2027-12-31", "2028-12-31", "12000.00", "13500.50"),
        ("2026-12-31", "2027-12-31", "12000.00", "12000.00"),
    ]
    assert user_client_api.get(f"{URL}/{contract.pk}").json()["renewals"] == data["renewals"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"dateend": "2026-12-31"}, {"dateend": [AFTER_CURRENT]}),
        ({"dateend": "2026-06-30"}, {"dateend": [AFTER_CURRENT]}),
        ({"dateend": "2027-12-31", "contract_value": "-5"}, {"contract_value": [NOT_NEGATIVE]}),
        ({}, {"dateend": ["This field is required."]}),
        ({"dateend": "tomorrow"}, {"dateend": [DATE_FORMAT]}),
    ],
    ids=["same-end", "earlier-end", "negative-value", "missing", "bad-date"],
)
def test_renew_refuses_bad_input_and_changes_nothing(user_client_api, contract, body, errors):
    response = user_client_api.post(f"{URL}/{contract.pk}/renew", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not ContractRenewal.objects.exists()
    contract.refresh_from_db()
    assert (contract.date_end, contract.value) == (
        datetime.date(2026, 12, 31),
        Decimal("12000.00"),
    )


def test_a_contract_without_an_end_renews_past_its_start(user_client_api, company):
    open_ended = ContractFactory(
        company=company, date_start=datetime.date(2026, 3, 1), date_end=None
    )

    refused = user_client_api.post(f"{URL}/{open_ended.pk}/renew", {"dateend": "2026-03-01"})
    renewed = user_client_api.post(f"{URL}/{open_ended.pk}/renew", {"dateend": "2026-03-02"})

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "dateend": ["The new end date must be after the start date (2026-03-01)."]
    }
    assert renewed.status_code == 200
    assert renewed.json()["renewals"][0]["old_dateend"] is None


def test_a_signed_contract_may_be_renewed(user_client_api, contract):
    user_client_api.post(f"{URL}/{contract.pk}/sign", {"signer_name": "Jane"})

    response = user_client_api.post(
        f"{URL}/{contract.pk}/renew", {"dateend": "2027-12-31", "contract_value": "15000"}
    )

    assert response.status_code == 200
    assert (response.json()["signed"], response.json()["dateend"]) == (True, "2027-12-31")
    assert [log.action for log in activities(contract)] == ["signed", "renewed"]


# --- expiring and expired -------------------------------------------------------------------


@pytest.fixture
def calendar(company):
    """Contracts around today (2026-05-10 in Budapest), by how their end relates to it."""
    customer = CustomerFactory(company=company)

    def ending(day: datetime.date | None, subject: str) -> Contract:
        return ContractFactory(
            company=company, customer=customer, subject=subject,
            date_start=datetime.date(2025, 1, 1), date_end=day,
        )

    today = datetime.date(2026, 5, 10)
    return {
        "long-ago": ending(datetime.date(2025, 6, 30), "long-ago"),
        "yesterday": ending(today - datetime.timedelta(days=1), "yesterday"),
        "today": ending(today, "today"),
        "in-1": ending(today + datetime.timedelta(days=1), "in-1"),
        "in-30": ending(today + datetime.timedelta(days=30), "in-30"),
        "in-31": ending(today + datetime.timedelta(days=31), "in-31"),
        "in-365": ending(today + datetime.timedelta(days=365), "in-365"),
        "no-end": ending(None, "no-end"),
    }


def _subjects(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["subject"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "subjects"),
    [
        ("", ["today", "in-1", "in-30"]),
        ("?days=1", ["today", "in-1"]),
        ("?days=31", ["today", "in-1", "in-30", "in-31"]),
        ("?days=365", ["today", "in-1", "in-30", "in-31", "in-365"]),
        ("?days=30&ordering=-dateend", ["in-30", "in-1", "today"]),
        ("?days=30&search=in-", ["in-1", "in-30"]),
    ],
)
def test_expiring_lists_contracts_ending_within_the_days(
    freeze, user_client_api, calendar, query, subjects
):
    assert _subjects(user_client_api.get(f"{URL}/expiring{query}")) == subjects


@pytest.mark.parametrize("days", ["0", "366", "-1", "soon"])
def test_expiring_days_out_of_range_is_a_400(user_client_api, days):
    response = user_client_api.get(f"{URL}/expiring?days={days}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["days"]


def test_expired_lists_contracts_that_ended_before_today(freeze, user_client_api, calendar):
    response = user_client_api.get(f"{URL}/expired")

    assert _subjects(response) == ["yesterday", "long-ago"]
    assert response.json()["count"] == 2


def test_the_expired_filter_of_the_list_agrees(freeze, user_client_api, calendar):
    expired = _subjects(user_client_api.get(f"{URL}?expired=true&ordering=id"))
    current = _subjects(user_client_api.get(f"{URL}?expired=false&ordering=id"))

    assert expired == ["long-ago", "yesterday"]
    assert current == ["today", "in-1", "in-30", "in-31", "in-365", "no-end"]


def test_expiring_and_expired_are_paginated(freeze, user_client_api, calendar):
    response = user_client_api.get(f"{URL}/expiring?days=365&page_size=2")

    body = response.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (5, 2, None)
    assert body["next"].endswith("/api/v1/contracts/expiring?days=365&page=2&page_size=2")


def test_today_is_the_companys_date(freeze, user_client_api, company):
    # 22:30 UTC on 31 March is 00:30 on 1 April in Budapest (UTC+2 in summer time).
    freeze(datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC))
    ContractFactory(
        company=company, subject="March", date_start=datetime.date(2026, 1, 1),
        date_end=datetime.date(2026, 3, 31),
    )

    in_budapest = (
        _subjects(user_client_api.get(f"{URL}/expired")),
        _subjects(user_client_api.get(f"{URL}/expiring")),
    )
    company.time_zone = "UTC"
    company.save()
    in_utc = (
        _subjects(user_client_api.get(f"{URL}/expired")),
        _subjects(user_client_api.get(f"{URL}/expiring")),
    )

    assert in_budapest == (["March"], [])
    assert in_utc == ([], ["March"])


def test_renewing_an_expiring_contract_takes_it_off_the_list(freeze, user_client_api, calendar):
    user_client_api.post(f"{URL}/{calendar['in-1'].pk}/renew", {"dateend": "2027-05-10"})

    assert _subjects(user_client_api.get(f"{URL}/expiring")) == ["today", "in-30"]


def test_deleting_a_contract_deletes_its_renewals(user_client_api, contract):
    ContractRenewalFactory(contract=contract)

    assert user_client_api.delete(f"{URL}/{contract.pk}").status_code == 204
    assert not ContractRenewal.objects.exists()
