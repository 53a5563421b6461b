"""v1 contracts: create, read, update, delete, the lists' filters, and their rules, over HTTP."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from crm.models import ActivityLog, Contract
from crm.services.contracts import (
    ENDS_BEFORE_START_MESSAGE,
    SIGNED_DELETE_MESSAGE,
    SIGNED_READ_ONLY_MESSAGE,
)

from .factories import (
    ContractAttachmentFactory,
    ContractFactory,
    ContractRenewalFactory,
    ContractTypeFactory,
    CustomerFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/contracts"
SIGNED_AT = datetime.datetime(2026, 2, 1, 9, 30, tzinfo=datetime.UTC)
NOT_NEGATIVE = "Ensure this value is greater than or equal to 0."
TWO_PLACES = "Ensure that there are no more than 2 decimal places."
DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
NOT_BLANK = "This field may not be blank."


def iso(value: datetime.datetime | None) -> str | None:
    """A timestamp as DRF writes it."""
    return serializers.DateTimeField().to_representation(value) if value else None


def activities(contract_or_pk, model=Contract) -> list[ActivityLog]:
    pk = getattr(contract_or_pk, "pk", contract_or_pk)
    return list(
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=pk
        ).order_by("id")
    )


@pytest.fixture
def acme(company):
    return CustomerFactory(company=company, name="ACME Corp")


@pytest.fixture
def support(company):
    return ContractTypeFactory(company=company, name="Support")


@pytest.fixture
def contract(company, acme, support):
    return ContractFactory(
        company=company,
        customer=acme,
        contract_type=support,
        subject="Annual Support",
        date_start=datetime.date(2026, 1, 1),
        date_end=datetime.date(2026, 12, 31),
        value=Decimal("12000.00"),
        description="Phone and e-mail support",
        content="<p>Terms</p>",
    )


@pytest.fixture
def signed(contract, admin_membership):
    Contract.objects.filter(pk=contract.pk).update(
        signed_at=SIGNED_AT,
        signed_by=admin_membership,
        signer_name="Alice Admin",
        signer_email="alice@acme.hu",
    )
    contract.refresh_from_db()
    return contract


# --- create ---------------------------------------------------------------------------------


def test_create_with_the_documented_body(admin_client_api, admin_membership, acme, support):
    body = {
        "client": acme.pk,
        "subject": "Annual Support",
        "contract_type": support.pk,
        "datestart": "2026-01-01",
        "dateend": "2026-12-31",
        "contract_value": 12000.00,
    }

    response = admin_client_api.post(URL, body, format="json")

    assert response.status_code == 201, response.content
    contract = Contract.objects.get()
    assert response.json() == {
        "id": contract.pk,
        "client": acme.pk,
        "client_name": "ACME Corp",
        "subject": "Annual Support",
        "contract_type": support.pk,
        "contract_type_name": "Support",
        "datestart": "2026-01-01",
        "dateend": "2026-12-31",
        "contract_value": "12000.00",
        "description": "",
        "content": "",
        "signed": False,
        "signed_at": None,
        "signer_name": "",
        "signer_email": "",
        "signed_by": None,
        "created_by": admin_membership.pk,
        "renewals": [],
        "attachments_count": 0,
        "created_at": iso(contract.created_at),
        "updated_at": iso(contract.updated_at),
    }
    assert contract.company_id == acme.company_id
    assert contract.value == Decimal("12000.00")
    [log] = activities(contract)
    assert (log.action, log.actor_id) == ("created", admin_membership.pk)
    assert log.changes["value"] == "12000.00"
    assert log.changes["date_end"] == "2026-12-31"


def test_create_minimal_names_the_type_by_name_and_has_no_end(key_client, acme, support):
    body = {
        "client": acme.pk, "subject": "NDA", "datestart": "2026-03-01", "contract_type": "SUPPORT"
    }

    response = key_client.post(URL, body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["contract_type"], data["dateend"], data["contract_value"]) == (
        support.pk,
        None,
        "0.00",
    )
    assert data["created_by"] is None  # an API key is nobody's staff id
    [log] = activities(data["id"])
    assert log.actor_name == f"API key {key_client.api_key.name}"


def test_content_is_sanitised(user_client_api, acme):
    body = {
        "client": acme.pk,
        "subject": "Licence",
        "datestart": "2026-01-01",
        "content": '<p onclick="steal()">Terms<script>alert(1)</script> <b>apply</b></p>',
    }

    response = user_client_api.post(URL, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["content"] == "<p>Terms <b>apply</b></p>"
    assert Contract.objects.get().content == "<p>Terms <b>apply</b></p>"


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"dateend": "2025-12-31"}, {"dateend": [ENDS_BEFORE_START_MESSAGE]}),
        ({"contract_value": -1}, {"contract_value": [NOT_NEGATIVE]}),
        ({"contract_value": "12.345"}, {"contract_value": [TWO_PLACES]}),
        ({"contract_value": "lots"}, {"contract_value": ["A valid number is required."]}),
        ({"datestart": "01/01/2026"}, {"datestart": [DATE_FORMAT]}),
        (
            {"client": None, "subject": ""},
            {"client": ["This field may not be null."], "subject": [NOT_BLANK]},
        ),
        ({"client": 999999}, {"client": ['Invalid pk "999999" - object does not exist.']}),
        ({"contract_type": "Leasing"}, {"contract_type": ['No contract type "Leasing".']}),
    ],
    ids=["ends-before-start", "negative", "three-decimals", "not-a-number", "date-format",
         "required", "unknown-client", "unknown-type"],
)
def test_create_refuses_bad_input_naming_the_field(admin_client_api, acme, change, errors):
    body = {"client": acme.pk, "subject": "X", "datestart": "2026-01-01", **change}

    response = admin_client_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Contract.objects.exists()


def test_required_fields(admin_client_api):
    response = admin_client_api.post(URL, {}, format="json")

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["client", "datestart", "subject"]


def test_another_companys_customer_or_type_is_unknown(admin_client_api, acme, other_company):
    theirs = CustomerFactory(company=other_company)
    their_type = ContractTypeFactory(company=other_company, name="Leasing")
    body = {"subject": "X", "datestart": "2026-01-01"}

    by_customer = admin_client_api.post(URL, {**body, "client": theirs.pk}, format="json")
    by_type_id = admin_client_api.post(
        URL, {**body, "client": acme.pk, "contract_type": their_type.pk}, format="json"
    )
    by_type_name = admin_client_api.post(
        URL, {**body, "client": acme.pk, "contract_type": "leasing"}, format="json"
    )

    assert by_customer.status_code == 400
    assert by_customer.json()["errors"] == {
        "client": [f'Invalid pk "{theirs.pk}" - object does not exist.']
    }
    assert by_type_id.json()["errors"] == {
        "contract_type": [f'No contract type "{their_type.pk}".']
    }
    assert by_type_name.json()["errors"] == {"contract_type": ['No contract type "leasing".']}
    assert not Contract.objects.exists()


def test_signature_fields_in_a_body_are_ignored(admin_client_api, acme):
    body = {
        "client": acme.pk,
        "subject": "X",
        "datestart": "2026-01-01",
        "signed": True,
        "signed_at": "2026-01-01T00:00:00Z",
        "signer_name": "Mallory",
    }

    response = admin_client_api.post(URL, body, format="json")

    assert response.status_code == 201
    assert (response.json()["signed"], response.json()["signer_name"]) == (False, "")
    assert Contract.objects.get().signed_at is None


# --- read -----------------------------------------------------------------------------------


def test_retrieve_lists_renewals_newest_first_and_counts_attachments(
    user_client_api, contract, admin_membership
):
    older = ContractRenewalFactory(
        contract=contract,
        old_date_end=datetime.date(2025, 12, 31),
        new_date_end=datetime.date(2026, 6, 30),
        old_value=Decimal("10000.00"),
        new_value=Decimal("11000.00"),
    )
    newer = ContractRenewalFactory(
        contract=contract,
        old_date_end=datetime.date(2026, 6, 30),
        new_date_end=datetime.date(2026, 12, 31),
        old_value=Decimal("11000.00"),
        new_value=Decimal("12000.00"),
        renewed_by=admin_membership,
    )
    ContractAttachmentFactory.create_batch(2, contract=contract)

    response = user_client_api.get(f"{URL}/{contract.pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["attachments_count"] == 2
    user = admin_membership.user
    assert data["renewals"] == [
        {
            "id": newer.pk,
            "old_dateend": "2026-06-30",
            "new_dateend": "2026-12-31",
            "old_contract_value": "11000.00",
            "new_contract_value": "12000.00",
            "renewed_by": admin_membership.pk,
            "renewed_by_name": user.get_full_name() or user.username,
            "created_at": iso(newer.created_at),
        },
        {
            "id": older.pk,
            "old_dateend": "2025-12-31",
            "new_dateend": "2026-06-30",
            "old_contract_value": "10000.00",
            "new_contract_value": "11000.00",
            "renewed_by": None,
            "renewed_by_name": None,
            "created_at": iso(older.created_at),
        },
    ]


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_list_answers_with_and_without_the_trailing_slash(user_client_api, contract, path):
    response = user_client_api.get(path)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [contract.pk]


@pytest.fixture
def book(company, acme, support, signed):
    """Four more contracts beside `signed` (ACME, Support, 2026, 12000, signed)."""
    globex = CustomerFactory(company=company, name="Globex Zrt")
    nda = ContractTypeFactory(company=company, name="NDA")
    rows = {
        "signed": signed,
        "hosting": ContractFactory(
            company=company, customer=globex, contract_type=support, subject="Hosting",
            date_start=datetime.date(2025, 1, 1), date_end=datetime.date(2025, 12, 31),
            value=Decimal("500.00"),
        ),
        "nda": ContractFactory(
            company=company, customer=acme, contract_type=nda, subject="Mutual NDA",
            date_start=datetime.date(2026, 3, 1), date_end=None, value=Decimal("0.00"),
        ),
        "licence": ContractFactory(
            company=company, customer=globex, contract_type=None, subject="Software licence",
            date_start=datetime.date(2024, 6, 1), date_end=datetime.date(2027, 5, 31),
            value=Decimal("99999.99"),
        ),
    }
    return rows


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["nda", "signed", "hosting", "licence"]),  # newest start first
        ("client={acme}", ["nda", "signed"]),
        ("contract_type={support}", ["signed", "hosting"]),
        ("contract_type=nda", ["nda"]),
        ("signed=true", ["signed"]),
        ("signed=false", ["nda", "hosting", "licence"]),
        ("search=acme", ["nda", "signed"]),
        ("search=globex%20host", ["hosting"]),
        ("search=LICENCE", ["licence"]),
        ("datestart_from=2025-01-01&datestart_to=2026-01-01", ["signed", "hosting"]),
        ("dateend_from=2026-01-01&dateend_to=2026-12-31", ["signed"]),
        ("ordering=dateend", ["hosting", "signed", "licence"]),
        ("ordering=-contract_value", ["licence", "signed", "hosting", "nda"]),
        ("ordering=datestart", ["licence", "hosting", "signed", "nda"]),
        ("ordering=-id", ["licence", "nda", "hosting", "signed"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_list_filters_and_ordering(user_client_api, book, acme, support, query, names):
    url = f"{URL}?" + query.format(acme=acme.pk, support=support.pk)

    response = user_client_api.get(url)

    assert response.status_code == 200, response.content
    ids = [row["id"] for row in response.json()["results"]]
    if query == "ordering=dateend":  # where a null end sorts depends on the database
        ids = [pk for pk in ids if pk != book["nda"].pk]
    assert ids == [book[name].pk for name in names]


def test_list_created_date_range_uses_the_companys_day(user_client_api, company, acme):
    # Budapest is UTC+1 in winter: 23:30 UTC on 9 Jan is already 10 Jan there.
    late = ContractFactory(company=company, customer=acme)
    Contract.objects.filter(pk=late.pk).update(
        created_at=datetime.datetime(2026, 1, 9, 23, 30, tzinfo=datetime.UTC)
    )
    early = ContractFactory(company=company, customer=acme)
    Contract.objects.filter(pk=early.pk).update(
        created_at=datetime.datetime(2026, 1, 9, 22, 30, tzinfo=datetime.UTC)
    )

    on_the_10th = user_client_api.get(f"{URL}?created_from=2026-01-10&created_to=2026-01-10")
    on_the_9th = user_client_api.get(f"{URL}?created_to=2026-01-09")

    assert [row["id"] for row in on_the_10th.json()["results"]] == [late.pk]
    assert [row["id"] for row in on_the_9th.json()["results"]] == [early.pk]


@pytest.mark.parametrize("query", ["dateend_from=soon", "created_to=2026-13-01", "client=abc"])
def test_bad_filter_values_are_a_400(user_client_api, query):
    response = user_client_api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_list_query_count_does_not_grow_with_the_page(company, user_client_api, admin_membership):
    for index in range(25):
        contract = ContractFactory(company=company)
        ContractRenewalFactory(contract=contract, renewed_by=admin_membership)
        ContractAttachmentFactory(contract=contract)
    user_client_api.get(f"{URL}?page_size=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = user_client_api.get(f"{URL}?page_size={size}")
        assert len(response.json()["results"]) == size
        assert all(len(row["renewals"]) == 1 for row in response.json()["results"])
        counts[size] = sum(
            1 for q in queries.captured_queries
            if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
        )

    assert counts[2] == counts[20]
    assert counts[20] <= 5  # membership + company, count, page, renewals (with their staff)


# --- update ---------------------------------------------------------------------------------


def test_update_with_the_documented_body_records_the_changed_fields(
    user_client_api, user_membership, contract
):
    response = user_client_api.put(
        f"{URL}/{contract.pk}", {"contract_value": 15000.00, "dateend": "2027-03-31"}, format="json"
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["contract_value"], data["dateend"], data["subject"]) == (
        "15000.00",
        "2027-03-31",
        "Annual Support",
    )
    contract.refresh_from_db()
    assert (contract.value, contract.date_end) == (Decimal("15000.00"), datetime.date(2027, 3, 31))
    [log] = activities(contract)
    assert (log.action, log.actor_id) == ("updated", user_membership.pk)
    assert log.changes == {
        "date_end": ["2026-12-31", "2027-03-31"],
        "value": ["12000.00", "15000.00"],
    }


def test_update_that_changes_nothing_records_nothing(user_client_api, contract):
    response = user_client_api.put(
        f"{URL}/{contract.pk}",
        {"subject": "Annual Support", "contract_value": "12000"},
        format="json",
    )

    assert response.status_code == 200
    assert activities(contract) == []


@pytest.mark.parametrize(
    "body",
    [{"dateend": "2025-06-30"}, {"datestart": "2027-01-01"}],
    ids=["end-before-start", "start-after-end"],
)
def test_update_keeps_the_end_after_the_start(user_client_api, contract, body):
    response = user_client_api.put(f"{URL}/{contract.pk}", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"dateend": [ENDS_BEFORE_START_MESSAGE]}
    contract.refresh_from_db()
    assert (contract.date_start, contract.date_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )


def test_update_can_clear_the_type_and_the_end(user_client_api, contract):
    response = user_client_api.put(
        f"{URL}/{contract.pk}", {"contract_type": None, "dateend": None}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["contract_type"], response.json()["contract_type_name"]) == (None, None)
    contract.refresh_from_db()
    assert (contract.contract_type_id, contract.date_end) == (None, None)


def test_update_refuses_another_companys_customer(user_client_api, contract, other_company):
    theirs = CustomerFactory(company=other_company)

    response = user_client_api.put(f"{URL}/{contract.pk}", {"client": theirs.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["client"]
    contract.refresh_from_db()
    assert contract.customer_id != theirs.pk


@pytest.mark.parametrize(
    ("body", "read_only"),
    [
        ({"dateend": "2027-12-31"}, ["dateend"]),
        ({"contract_value": "1.00", "subject": "Cheaper"}, ["contract_value", "subject"]),
        ({"content": "<p>New terms</p>"}, ["content"]),
        ({"client": "{other_customer}"}, ["client"]),
        ({"contract_type": None, "description": "ok"}, ["contract_type"]),
    ],
    ids=["dateend", "value-and-subject", "content", "client", "type"],
)
def test_a_signed_contracts_terms_are_read_only(
    user_client_api, company, signed, body, read_only
):
    other_customer = CustomerFactory(company=company)
    body = {
        key: (other_customer.pk if value == "{other_customer}" else value)
        for key, value in body.items()
    }
    before = Contract.objects.values().get(pk=signed.pk)

    response = user_client_api.put(f"{URL}/{signed.pk}", body, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": SIGNED_READ_ONLY_MESSAGE,
        "code": "contract_signed",
        "read_only": read_only,
    }
    assert Contract.objects.values().get(pk=signed.pk) == before
    assert activities(signed) == []


def test_a_signed_contracts_description_may_change(user_client_api, signed):
    body = {"description": "Support by phone only", "subject": "Annual Support"}

    response = user_client_api.put(f"{URL}/{signed.pk}", body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Support by phone only"
    assert response.json()["signed"] is True
    [log] = activities(signed)
    assert log.changes == {"description": ["Phone and e-mail support", "Support by phone only"]}


# --- delete ---------------------------------------------------------------------------------


def test_delete_removes_the_contract_and_its_files(
    user_client_api, user_membership, contract, django_capture_on_commit_callbacks
):
    attachment = ContractAttachmentFactory(contract=contract)
    stored = attachment.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client_api.delete(f"{URL}/{contract.pk}")

    assert response.status_code == 204
    assert not Contract.objects.filter(pk=contract.pk).exists()
    assert not default_storage.exists(stored)
    [log] = activities(contract)
    assert (log.action, log.actor_id, log.object_repr) == (
        "deleted",
        user_membership.pk,
        "Annual Support",
    )


def test_a_signed_contract_cannot_be_deleted(user_client_api, signed):
    response = user_client_api.delete(f"{URL}/{signed.pk}")

    assert response.status_code == 409
    assert response.json() == {"detail": SIGNED_DELETE_MESSAGE, "code": "contract_signed"}
    assert Contract.objects.filter(pk=signed.pk).exists()
    assert activities(signed) == []
