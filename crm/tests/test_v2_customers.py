"""v2 customers: the v2 envelope and names over the same rows as v1."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ActivityLog, Contact, Customer

from .factories import ContactFactory, ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db

NEW_CUSTOMER = {
    "account": "Jane Smith",
    "email": "jane@example.com",
    "phone": "1234567890",
    "address": "123 Business St",
    "city": "New York",
    "state": "NY",
    "zip": "10001",
    "country": "US",
}


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def expected(customer: Customer) -> dict:
    customer = Customer.objects.get(pk=customer.pk)
    return {
        "id": customer.pk,
        "account": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address,
        "city": customer.city,
        "state": customer.state,
        "zip": customer.zip,
        "country": str(customer.country or ""),
        "created_at": _iso(customer.created_at),
        "updated_at": _iso(customer.updated_at),
    }


def test_list_in_the_v2_envelope(key_client, company, other_company):
    acme = CustomerFactory(company=company, name="ACME")
    zeta = CustomerFactory(company=company, name="Zeta")
    CustomerFactory(company=other_company)

    response = key_client.get("/api/v2/customers")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": [expected(acme), expected(zeta)],
        "meta": {"current_page": 1, "total_pages": 1, "total_records": 2},
    }


def test_list_pages_with_limit_and_searches(user_client_api, company):
    for index in range(5):
        CustomerFactory(company=company, name=f"Customer {index}", email=f"c{index}@x.example")

    paged = user_client_api.get("/api/v2/customers?page=2&limit=2")
    found = user_client_api.get("/api/v2/customers?search=c3%40x")

    assert paged.json()["meta"] == {"current_page": 2, "total_pages": 3, "total_records": 5}
    assert [row["account"] for row in paged.json()["data"]] == ["Customer 2", "Customer 3"]
    assert [row["account"] for row in found.json()["data"]] == ["Customer 3"]


def test_list_query_count_does_not_grow_with_the_page(user_client_api, company):
    for _ in range(25):
        CustomerFactory(company=company)
    user_client_api.get("/api/v2/customers?limit=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = user_client_api.get(f"/api/v2/customers?limit={size}")
        assert len(response.json()["data"]) == size
        counts[size] = len(queries.captured_queries)

    assert counts[2] == counts[20]


def test_create_the_documented_example(key_client, company):
    response = key_client.post("/api/v2/customers", NEW_CUSTOMER, format="json")

    assert response.status_code == 201, response.content
    customer = Customer.objects.get(company=company)
    assert response.json() == {"success": True, "data": expected(customer)}
    assert {name: response.json()["data"][name] for name in NEW_CUSTOMER} == NEW_CUSTOMER
    assert ActivityLog.objects.filter(object_id=customer.pk, action="created").count() == 1


def test_the_same_row_reads_in_v1_names(key_client, company):
    created = key_client.post(
        "/api/v2/customers", {**NEW_CUSTOMER, "country": "us"}, format="json"
    ).json()["data"]

    v1 = key_client.get(f"/api/v1/customers/{created['id']}").json()

    assert (v1["company"], v1["phonenumber"], v1["zip"], v1["country"]) == (
        "Jane Smith", "1234567890", "10001", "US"
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**NEW_CUSTOMER, "email": "nope"}, {"email": "Invalid email format"}),
        ({"email": "a@b.com"}, {"account": "This field is required."}),
        (
            {**NEW_CUSTOMER, "country": "USA"},
            {"country": '"USA" is not an ISO 3166-1 alpha-2 country code.'},
        ),
        (
            {**NEW_CUSTOMER, "country": "XX"},
            {"country": '"XX" is not an ISO 3166-1 alpha-2 country code.'},
        ),
    ],
    ids=["email", "account", "country_length", "country_code"],
)
def test_validation_errors_in_the_v2_shape(user_client_api, body, errors):
    response = user_client_api.post("/api/v2/customers", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"success": False, "message": "Validation failed", "errors": errors}
    assert not Customer.objects.exists()


def test_get_update_delete(user_client_api, company):
    customer = CustomerFactory(company=company, name="ACME", city="Pécs")
    before = expected(customer)

    got = user_client_api.get(f"/api/v2/customers/{customer.pk}")
    updated = user_client_api.put(
        f"/api/v2/customers/{customer.pk}", {"account": "ACME Corp"}, format="json"
    )
    customer.refresh_from_db()
    after = expected(customer)
    deleted = user_client_api.delete(f"/api/v2/customers/{customer.pk}")

    assert got.json() == {"success": True, "data": before}
    assert updated.status_code == 200
    assert updated.json() == {"success": True, "data": after}
    assert (customer.name, customer.city) == ("ACME Corp", "Pécs")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert not Customer.objects.exists()


def test_update_refuses_a_bad_email_in_the_v2_shape(user_client_api, company):
    customer = CustomerFactory(company=company, email="ok@acme.com")

    response = user_client_api.put(
        f"/api/v2/customers/{customer.pk}", {"email": "bad"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": "Invalid email format"}
    customer.refresh_from_db()
    assert customer.email == "ok@acme.com"


def test_delete_refused_by_a_contract_in_the_v2_shape(user_client_api, company):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, is_primary=True)
    ContractFactory(company=company, customer=customer)

    response = user_client_api.delete(f"/api/v2/customers/{customer.pk}")

    assert response.status_code == 409
    assert response.json() == {
        "success": False,
        "message": "Customer has 1 contract; delete or reassign them first.",
        "blocked_by": {"contracts": 1},
    }
    assert Contact.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_another_companys_customer_is_not_found(other_key_client, company, method):
    customer = CustomerFactory(company=company, name="ACME")

    response = getattr(other_key_client, method)(
        f"/api/v2/customers/{customer.pk}", {"account": "Taken"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["success"] is False
    customer.refresh_from_db()
    assert customer.name == "ACME"


def test_a_bad_api_key_answers_in_the_v2_shape(anon_client):
    anon_client.credentials(HTTP_X_API_KEY="pk_wrong")

    response = anon_client.get("/api/v2/customers")

    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "message": "Invalid API key or unauthorized access",
    }
