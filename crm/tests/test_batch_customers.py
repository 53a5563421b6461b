"""`POST /api/v2/batch/customers`: every customer or none, one insert, at most 1000."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ActivityLog, Customer

pytestmark = pytest.mark.django_db
URL = "/api/v2/batch/customers"

DOCUMENTED = {
    "customers": [
        {"account": "Customer 1", "email": "customer1@example.com"},
        {"account": "Customer 2", "email": "customer2@example.com"},
    ]
}


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def test_the_documented_example_creates_both_and_lists_them(key_client, company):
    response = key_client.post(URL, DOCUMENTED, format="json")

    assert response.status_code == 201, response.content
    stored = list(Customer.objects.for_company(company).order_by("id"))
    assert [(c.name, c.email) for c in stored] == [
        ("Customer 1", "customer1@example.com"),
        ("Customer 2", "customer2@example.com"),
    ]
    assert response.json() == {
        "success": True,
        "data": [
            {
                "id": c.pk,
                "account": c.name,
                "email": c.email,
                "phone": "",
                "address": "",
                "city": "",
                "state": "",
                "zip": "",
                "country": "",
                "created_at": _iso(c.created_at),
                "updated_at": _iso(c.updated_at),
            }
            for c in stored
        ],
    }
    logs = ActivityLog.objects.filter(company=company, action="created").order_by("object_id")
    assert [(log.object_id, log.api_key_id) for log in logs] == [
        (c.pk, key_client.api_key.pk) for c in stored
    ]


def test_one_bad_entry_creates_nothing_and_names_each_entry_and_field(user_client_api):
    body = {
        "customers": [
            {"account": "Good", "email": "good@example.com"},
            {"account": "Bad", "email": "not-an-email"},
            {"email": "nameless@example.com", "country": "xx"},
        ]
    }

    response = user_client_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Validation failed",
        "errors": {
            "customers.1.email": "Invalid email format",
            "customers.2.account": "This field is required.",
            "customers.2.country": '"XX" is not an ISO 3166-1 alpha-2 country code.',
        },
    }
    assert not Customer.objects.exists()
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"customers": []}, {"customers": "Send at least one customer."}),
        ({}, {"customers": "This field is required."}),
        (
            {"customers": {"account": "x"}},
            {"customers": 'Expected a list of items but got type "dict".'},
        ),
        (
            {"customers": ["ACME"]},
            {"customers.0.non_field_errors": "Invalid data. Expected a dictionary, but got str."},
        ),
        (
            {"customers": [{"account": f"C{i}"} for i in range(1001)]},
            {"customers": "At most 1000 customers per batch."},
        ),
    ],
    ids=["empty", "missing", "not_a_list", "not_objects", "too_many"],
)
def test_bad_batches_are_a_clear_400(user_client_api, body, errors):
    response = user_client_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"success": False, "message": "Validation failed", "errors": errors}
    assert not Customer.objects.exists()


def test_a_thousand_customers_are_accepted(user_client_api, company):
    body = {"customers": [{"account": f"C{i}", "email": f"c{i}@x.example"} for i in range(1000)]}

    response = user_client_api.post(URL, body, format="json")

    assert response.status_code == 201
    assert len(response.json()["data"]) == 1000
    assert Customer.objects.for_company(company).count() == 1000
    assert ActivityLog.objects.filter(company=company).count() == 1000


def _writes_and_reads(queries) -> int:
    return sum(
        1 for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
    )


def test_the_query_count_does_not_grow_with_the_batch(user_client_api, company):
    user_client_api.post(URL, {"customers": [{"account": "warm-up"}]}, format="json")

    counts = {}
    inserts = {}
    # 30 rows stay within one INSERT on SQLite too (999 parameters per statement).
    for size in (2, 30):
        body = {"customers": [{"account": f"S{size}-{i}"} for i in range(size)]}
        with CaptureQueriesContext(connection) as queries:
            response = user_client_api.post(URL, body, format="json")
        assert response.status_code == 201
        counts[size] = _writes_and_reads(queries)
        inserts[size] = [
            q["sql"].split('"')[1]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith("INSERT")
        ]

    assert counts[2] == counts[30]
    assert inserts[30] == ["crm_customer", "crm_activitylog"]


def test_another_companys_batch_does_not_touch_ours(other_key_client, company, other_company):
    response = other_key_client.post(URL, DOCUMENTED, format="json")

    assert response.status_code == 201
    assert not Customer.objects.for_company(company).exists()
    assert Customer.objects.for_company(other_company).count() == 2


@pytest.mark.services
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite splits an INSERT at 999 parameters"
)
def test_a_full_batch_is_two_inserts_on_postgresql(user_client_api, company):
    body = {"customers": [{"account": f"C{i}", "email": f"c{i}@x.example"} for i in range(1000)]}

    with CaptureQueriesContext(connection) as queries:
        response = user_client_api.post(URL, body, format="json")

    assert response.status_code == 201
    inserts = [q for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT")]
    assert len(inserts) == 2  # the customers, their log rows
    assert Customer.objects.for_company(company).count() == 1000
