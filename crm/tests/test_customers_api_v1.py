"""v1 customers through HTTP: the Perfex-style shape, lists, writes and their errors."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ActivityLog, Contact, Customer
from tenancy.tests.factories import MembershipFactory

from .factories import ContactFactory, ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def expected(customer: Customer) -> dict:
    customer = Customer.objects.get(pk=customer.pk)
    return {
        "id": customer.pk,
        "company": customer.name,
        "vat": customer.vat,
        "phonenumber": customer.phone,
        "email": customer.email,
        "website": customer.website,
        "address": customer.address,
        "city": customer.city,
        "state": customer.state,
        "zip": customer.zip,
        "country": str(customer.country or ""),
        "shipping_street": customer.shipping_address,
        "shipping_city": customer.shipping_city,
        "shipping_state": customer.shipping_state,
        "shipping_zip": customer.shipping_zip,
        "shipping_country": str(customer.shipping_country or ""),
        "default_currency": customer.default_currency,
        "active": customer.is_active,
        "assigned": customer.assigned_to_id,
        "contacts_count": customer.contacts.count(),
        "created_at": _iso(customer.created_at),
        "updated_at": _iso(customer.updated_at),
    }


def _sql_count(queries) -> int:
    return sum(
        1 for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
    )


# --- read -----------------------------------------------------------------------------------


def test_list_shows_the_companys_customers_with_their_contact_counts(
    key_client, company, other_company
):
    acme = CustomerFactory(company=company, name="ACME")
    ContactFactory(customer=acme, is_primary=True)
    ContactFactory(customer=acme)
    zeta = CustomerFactory(company=company, name="Zeta")
    CustomerFactory(company=other_company, name="Neighbour")

    response = key_client.get("/api/v1/customers")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert body["results"] == [expected(acme), expected(zeta)]
    assert [row["contacts_count"] for row in body["results"]] == [2, 0]


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/customers/"])
def test_list_answers_with_and_without_the_trailing_slash(user_client_api, path):
    assert user_client_api.get(path).status_code == 200


def test_get_one(user_client_api, company):
    customer = CustomerFactory(company=company, vat="HU123", shipping_country="AT")

    response = user_client_api.get(f"/api/v1/customers/{customer.pk}")

    assert response.status_code == 200
    assert response.json() == expected(customer)


@pytest.fixture
def book(company):
    alice = MembershipFactory(company=company)
    rows = {
        "acme": CustomerFactory(
            company=company, name="ACME Corp", email="info@acme.com", vat="HU111",
            country="HU", assigned_to=alice,
        ),
        "globex": CustomerFactory(
            company=company, name="Globex", email="sales@globex.com", phone="+1 555 0100",
            country="US",
        ),
        "initech": CustomerFactory(
            company=company, name="Initech", email="billing@acme-partner.com", country="US",
            is_active=False, assigned_to=alice,
        ),
    }
    # Created on three days: the 1st, 2nd and 3rd of March 2026 (UTC).
    for day, key in enumerate(["acme", "globex", "initech"], start=1):
        Customer.objects.filter(pk=rows[key].pk).update(
            created_at=datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC)
        )
    return {**rows, "alice": alice}


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["company"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("search=acme", ["ACME Corp", "Initech"]),
        ("search=ACME%20corp", ["ACME Corp"]),
        ("search=hu111", ["ACME Corp"]),
        ("search=555", ["Globex"]),
        ("active=false", ["Initech"]),
        ("active=true", ["ACME Corp", "Globex"]),
        ("active=FALSE", ["Initech"]),
        ("active=1", ["ACME Corp", "Globex"]),
        ("country=us", ["Globex", "Initech"]),
        ("assigned={alice}", ["ACME Corp", "Initech"]),
        ("created_from=2026-03-02", ["Globex", "Initech"]),
        ("created_to=2026-03-02", ["ACME Corp", "Globex"]),
        ("created_from=2026-03-02&created_to=2026-03-02", ["Globex"]),
        ("ordering=-company", ["Initech", "Globex", "ACME Corp"]),
        ("ordering=-name", ["Initech", "Globex", "ACME Corp"]),
        ("ordering=-created_at", ["Initech", "Globex", "ACME Corp"]),
        ("ordering=-id", ["Initech", "Globex", "ACME Corp"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_list_filters_and_ordering(user_client_api, book, query, names):
    url = "/api/v1/customers?" + query.format(alice=book["alice"].pk)

    assert _names(user_client_api.get(url)) == names


@pytest.mark.parametrize(
    "query", ["active=maybe", "created_from=yesterday", "ordering=vat", "assigned=x"]
)
def test_bad_list_parameters_are_a_400(user_client_api, query):
    response = user_client_api.get(f"/api/v1/customers?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_list_query_count_does_not_grow_with_the_page(company, user_client_api):
    assignee = MembershipFactory(company=company)
    for _ in range(25):
        customer = CustomerFactory(company=company, assigned_to=assignee)
        ContactFactory(customer=customer, is_primary=True)
    user_client_api.get("/api/v1/customers?page_size=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = user_client_api.get(f"/api/v1/customers?page_size={size}")
        assert [row["contacts_count"] for row in response.json()["results"]] == [1] * size
        counts[size] = _sql_count(queries)

    assert counts[2] == counts[20]
    assert counts[20] <= 3  # membership + company, count, page


# --- create ---------------------------------------------------------------------------------


def test_create_the_documented_example(key_client, company):
    response = key_client.post(
        "/api/v1/customers", {"company": "ACME Corp", "email": "contact@acme.com"}, format="json"
    )

    assert response.status_code == 201, response.content
    customer = Customer.objects.get(company=company)
    assert (customer.name, customer.email, customer.is_active) == (
        "ACME Corp", "contact@acme.com", True
    )
    assert response.json() == expected(customer)
    log = ActivityLog.objects.get(object_id=customer.pk, action="created")
    assert (log.api_key, log.actor_name) == (
        key_client.api_key, f"API key {key_client.api_key.name}"
    )


def test_create_with_every_field(user_client_api, company):
    staff = MembershipFactory(company=company)
    body = {
        "company": "ACME Corp",
        "vat": "HU12345678",
        "phonenumber": "+36 1 234 5678",
        "email": "contact@acme.com",
        "website": "https://acme.example",
        "address": "Fő utca 1.",
        "city": "Budapest",
        "state": "Pest",
        "zip": "1011",
        "country": "hu",
        "shipping_street": "Raktár u. 2.",
        "shipping_city": "Győr",
        "shipping_state": "Győr-Moson-Sopron",
        "shipping_zip": "9021",
        "shipping_country": "Hu",
        "default_currency": "huf",
        "active": False,
        "assigned": staff.pk,
    }

    response = user_client_api.post("/api/v1/customers", body, format="json")

    assert response.status_code == 201, response.content
    answer = response.json()
    customer = Customer.objects.get(pk=answer["id"])
    assert answer == expected(customer)
    sent = {**body, "country": "HU", "shipping_country": "HU", "default_currency": "HUF"}
    assert {name: answer[name] for name in sent} == sent
    assert customer.assigned_to == staff


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@b.com"}, "company"),
        ({"company": ""}, "company"),
        ({"company": "x" * 201}, "company"),
        ({"company": "ACME", "email": "not-an-email"}, "email"),
        ({"company": "ACME", "website": "acme"}, "website"),
        ({"company": "ACME", "country": "XX"}, "country"),
        ({"company": "ACME", "country": "HUN"}, "country"),
        ({"company": "ACME", "shipping_country": "zz"}, "shipping_country"),
        ({"company": "ACME", "default_currency": "XYZ"}, "default_currency"),
        ({"company": "ACME", "assigned": 999999}, "assigned"),
        ({"company": "ACME", "active": "perhaps"}, "active"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_create_refuses_bad_fields_with_a_400_on_the_field(user_client_api, body, field):
    response = user_client_api.post("/api/v1/customers", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert not Customer.objects.exists()


def test_staff_of_another_company_cannot_be_assigned(user_client_api, other_admin_membership):
    response = user_client_api.post(
        "/api/v1/customers",
        {"company": "ACME", "assigned": other_admin_membership.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "assigned": [f'Invalid pk "{other_admin_membership.pk}" - object does not exist.']
    }
    assert not Customer.objects.exists()


def test_an_inactive_staff_member_cannot_be_assigned(user_client_api, company):
    gone = MembershipFactory(company=company, is_active=False)

    response = user_client_api.post(
        "/api/v1/customers", {"company": "ACME", "assigned": gone.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["assigned"]


# --- update ---------------------------------------------------------------------------------


def test_update_is_partial_and_logged(user_client_api, user_membership, company):
    customer = CustomerFactory(company=company, name="ACME", email="old@acme.com", city="Pécs")

    response = user_client_api.put(
        f"/api/v1/customers/{customer.pk}",
        {"company": "ACME Corporation", "country": "at"},
        format="json",
    )

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.city, customer.country.code) == (
        "ACME Corporation", "old@acme.com", "Pécs", "AT"
    )
    assert response.json() == expected(customer)
    log = ActivityLog.objects.get(object_id=customer.pk, action="updated")
    assert log.actor == user_membership
    assert log.changes == {"name": ["ACME", "ACME Corporation"], "country": ["HU", "AT"]}


def test_update_can_unassign_and_refuses_another_companys_staff(
    user_client_api, company, other_admin_membership
):
    staff = MembershipFactory(company=company)
    customer = CustomerFactory(company=company, assigned_to=staff)

    refused = user_client_api.put(
        f"/api/v1/customers/{customer.pk}",
        {"assigned": other_admin_membership.pk},
        format="json",
    )
    cleared = user_client_api.put(
        f"/api/v1/customers/{customer.pk}", {"assigned": None}, format="json"
    )

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["assigned"]
    assert cleared.status_code == 200
    assert cleared.json()["assigned"] is None
    customer.refresh_from_db()
    assert customer.assigned_to is None


def test_patch_is_not_offered(user_client_api, company):
    customer = CustomerFactory(company=company)

    response = user_client_api.patch(f"/api/v1/customers/{customer.pk}", {}, format="json")

    assert response.status_code == 405


# --- delete ---------------------------------------------------------------------------------


def test_delete_removes_the_customer_and_its_contacts(user_client_api, company):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, is_primary=True)

    response = user_client_api.delete(f"/api/v1/customers/{customer.pk}")

    assert response.status_code == 204
    assert not Customer.objects.exists()
    assert not Contact.objects.exists()


def test_delete_is_refused_while_a_contract_exists(user_client_api, company):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, is_primary=True)
    ContractFactory(company=company, customer=customer)

    response = user_client_api.delete(f"/api/v1/customers/{customer.pk}")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Customer has 1 contract; delete or reassign them first.",
        "code": "customer_has_dependents",
        "blocked_by": {"contracts": 1},
    }
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert Contact.objects.filter(customer=customer).count() == 1


# --- another company's ids ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_another_companys_customer_is_not_found(other_key_client, company, method):
    customer = CustomerFactory(company=company, name="ACME")

    response = getattr(other_key_client, method)(
        f"/api/v1/customers/{customer.pk}", {"company": "Taken"}, format="json"
    )

    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.name == "ACME"


def test_anonymous_callers_are_refused(anon_client):
    assert anon_client.get("/api/v1/customers").status_code == 401


def test_an_inactive_staff_member_is_kept_but_cannot_be_newly_assigned(key_client, company):
    staff = MembershipFactory(company=company)
    customer = CustomerFactory(company=company, assigned_to=staff)
    other = CustomerFactory(company=company)
    staff.is_active = False
    staff.save()

    put_back = key_client.put(
        f"/api/v1/customers/{customer.pk}",
        key_client.get(f"/api/v1/customers/{customer.pk}").json(),
        format="json",
    )
    newly = key_client.put(f"/api/v1/customers/{other.pk}", {"assigned": staff.pk}, format="json")

    assert put_back.status_code == 200, put_back.content
    assert put_back.json()["assigned"] == staff.pk
    assert newly.status_code == 400
    assert newly.json()["errors"] == {"assigned": ["Not an active staff member of this company."]}


@pytest.mark.parametrize(
    "path, param",
    [("/api/v1/customers", "assigned"), ("/api/v1/contacts", "customer_id")],
)
@pytest.mark.parametrize("value", ["1e30", str(2**63), "0", "x"])
def test_an_id_filter_out_of_range_is_a_400(key_client, path, param, value):
    response = key_client.get(path, {param: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [param]
