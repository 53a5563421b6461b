"""v1 contacts and `customers/{id}/contacts` through HTTP."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ActivityLog, Contact
from crm.services.contacts import (
    EMAIL_TAKEN_MESSAGE,
    PRIMARY_DELETE_MESSAGE,
    PRIMARY_DEMOTE_MESSAGE,
)

from .factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

NEW_CONTACT = {
    "firstname": "Jane",
    "lastname": "Smith",
    "email": "jane@acme.com",
    "phonenumber": "+1234567890",
}


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def expected(contact: Contact) -> dict:
    contact = Contact.objects.get(pk=contact.pk)
    return {
        "id": contact.pk,
        "userid": contact.customer_id,
        "firstname": contact.first_name,
        "lastname": contact.last_name,
        "email": contact.email,
        "phonenumber": contact.phone,
        "title": contact.title,
        "is_primary": contact.is_primary,
        "active": contact.is_active,
        "created_at": _iso(contact.created_at),
        "updated_at": _iso(contact.updated_at),
    }


def _sql_count(queries) -> int:
    return sum(
        1 for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
    )


@pytest.fixture
def customer(company):
    return CustomerFactory(company=company, name="ACME")


# --- create ---------------------------------------------------------------------------------


def test_create_the_documented_example_makes_the_first_contact_primary(
    key_client, customer
):
    response = key_client.post(
        "/api/v1/contacts", {"userid": customer.pk, **NEW_CONTACT}, format="json"
    )

    assert response.status_code == 201, response.content
    contact = Contact.objects.get(customer=customer)
    assert response.json() == expected(contact)
    assert response.json()["is_primary"] is True
    assert (contact.first_name, contact.last_name, contact.phone, contact.company) == (
        "Jane", "Smith", "+1234567890", customer.company
    )
    assert ActivityLog.objects.filter(object_id=contact.pk, action="created").count() == 1


def test_a_second_contact_is_not_primary_unless_asked(user_client_api, customer):
    ContactFactory(customer=customer, is_primary=True, email="first@acme.com")

    plain = user_client_api.post(
        "/api/v1/contacts", {"userid": customer.pk, **NEW_CONTACT}, format="json"
    )
    primary = user_client_api.post(
        "/api/v1/contacts",
        {**NEW_CONTACT, "userid": customer.pk, "email": "boss@acme.com", "is_primary": True},
        format="json",
    )

    assert (plain.status_code, primary.status_code) == (201, 201)
    assert plain.json()["is_primary"] is False
    assert list(
        Contact.objects.filter(customer=customer, is_primary=True).values_list("email", flat=True)
    ) == ["boss@acme.com"]


@pytest.mark.parametrize("email", ["jane@acme.com", "JANE@ACME.COM", "Jane@Acme.com"])
def test_a_duplicate_email_in_any_case_is_a_400_on_email(user_client_api, customer, email):
    ContactFactory(customer=customer, email="jane@acme.com", is_primary=True)

    response = user_client_api.post(
        "/api/v1/contacts", {**NEW_CONTACT, "userid": customer.pk, "email": email}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [EMAIL_TAKEN_MESSAGE]}
    assert Contact.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("missing", ["userid", "firstname", "lastname", "email"])
def test_the_documented_fields_are_required(user_client_api, customer, missing):
    body = {"userid": customer.pk, **NEW_CONTACT}
    del body[missing]

    response = user_client_api.post("/api/v1/contacts", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {missing: ["This field is required."]}
    assert not Contact.objects.exists()


def test_a_customer_of_another_company_is_a_400_on_userid(user_client_api, other_company):
    foreign = CustomerFactory(company=other_company)

    response = user_client_api.post(
        "/api/v1/contacts", {"userid": foreign.pk, **NEW_CONTACT}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "userid": [f'Invalid pk "{foreign.pk}" - object does not exist.']
    }
    assert not Contact.objects.exists()


def test_an_invalid_email_is_a_400(user_client_api, customer):
    response = user_client_api.post(
        "/api/v1/contacts",
        {**NEW_CONTACT, "userid": customer.pk, "email": "jane"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]


# --- update ---------------------------------------------------------------------------------


def test_update_the_documented_example(user_client_api, customer):
    contact = ContactFactory(customer=customer, is_primary=True, phone="+1", title="")

    response = user_client_api.put(
        f"/api/v1/contacts/{contact.pk}",
        {"phonenumber": "+0987654321", "title": "CTO"},
        format="json",
    )

    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert (contact.phone, contact.title) == ("+0987654321", "CTO")
    assert response.json() == expected(contact)
    assert ActivityLog.objects.get(object_id=contact.pk, action="updated").changes == {
        "phone": ["+1", "+0987654321"],
        "title": ["", "CTO"],
    }


def test_making_a_contact_primary_unprimaries_the_previous_one(user_client_api, customer):
    first = ContactFactory(customer=customer, is_primary=True)
    second = ContactFactory(customer=customer)

    response = user_client_api.put(
        f"/api/v1/contacts/{second.pk}", {"is_primary": True}, format="json"
    )

    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


def test_the_primary_flag_cannot_be_unset_directly(user_client_api, customer):
    only = ContactFactory(customer=customer, is_primary=True)

    response = user_client_api.put(
        f"/api/v1/contacts/{only.pk}", {"is_primary": False}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"is_primary": [PRIMARY_DEMOTE_MESSAGE]}
    only.refresh_from_db()
    assert only.is_primary is True


def test_a_contact_cannot_move_to_another_customer(user_client_api, company, customer):
    contact = ContactFactory(customer=customer, is_primary=True)
    elsewhere = CustomerFactory(company=company)

    moved = user_client_api.put(
        f"/api/v1/contacts/{contact.pk}", {"userid": elsewhere.pk}, format="json"
    )
    same = user_client_api.put(
        f"/api/v1/contacts/{contact.pk}", {"userid": customer.pk, "title": "CEO"}, format="json"
    )

    assert moved.status_code == 400
    assert moved.json()["errors"] == {"userid": ["A contact cannot move to another customer."]}
    assert same.status_code == 200
    contact.refresh_from_db()
    assert (contact.customer, contact.title) == (customer, "CEO")


def test_update_to_another_contacts_email_in_another_case_is_a_400(user_client_api, customer):
    ContactFactory(customer=customer, is_primary=True, email="jane@acme.com")
    joe = ContactFactory(customer=customer, email="joe@acme.com")

    response = user_client_api.put(
        f"/api/v1/contacts/{joe.pk}", {"email": "JANE@acme.com"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [EMAIL_TAKEN_MESSAGE]}


# --- delete ---------------------------------------------------------------------------------


def test_the_primary_contact_cannot_be_deleted(user_client_api, customer):
    primary = ContactFactory(customer=customer, is_primary=True)

    response = user_client_api.delete(f"/api/v1/contacts/{primary.pk}")

    assert response.status_code == 409
    assert response.json() == {"detail": PRIMARY_DELETE_MESSAGE, "code": "primary_contact"}
    assert Contact.objects.filter(pk=primary.pk).exists()


def test_a_contact_that_is_not_primary_is_deleted(user_client_api, customer):
    ContactFactory(customer=customer, is_primary=True)
    other = ContactFactory(customer=customer)

    response = user_client_api.delete(f"/api/v1/contacts/{other.pk}")

    assert response.status_code == 204
    assert not Contact.objects.filter(pk=other.pk).exists()


# --- lists ----------------------------------------------------------------------------------


@pytest.fixture
def people(company, customer):
    other_customer = CustomerFactory(company=company, name="Globex")
    rows = {
        "jane": ContactFactory(
            customer=customer, first_name="Jane", last_name="Smith", email="jane@acme.com",
            is_primary=True,
        ),
        "joe": ContactFactory(
            customer=customer, first_name="Joe", last_name="Bloggs", email="joe@acme.com",
            title="Buyer", is_active=False,
        ),
        "ann": ContactFactory(
            customer=other_customer, first_name="Ann", last_name="Smith",
            email="ann@globex.com", is_primary=True, phone="+36 30 111",
        ),
    }
    for day, key in enumerate(["jane", "joe", "ann"], start=1):
        Contact.objects.filter(pk=rows[key].pk).update(
            created_at=datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC)
        )
    return {**rows, "acme": customer, "globex": other_customer}


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["firstname"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Jane", "Ann", "Joe"]),
        ("customer_id={acme}", ["Jane", "Joe"]),
        ("customer_id={globex}", ["Ann"]),
        ("active=false", ["Joe"]),
        ("is_primary=true", ["Jane", "Ann"]),
        ("is_primary=false", ["Joe"]),
        ("search=smith", ["Jane", "Ann"]),
        ("search=buyer", ["Joe"]),
        ("search=globex", ["Ann"]),
        ("search=30%20111", ["Ann"]),
        ("created_from=2026-03-02", ["Ann", "Joe"]),
        ("created_to=2026-03-01", ["Jane"]),
        ("ordering=firstname", ["Ann", "Jane", "Joe"]),
        ("ordering=-lastname", ["Jane", "Ann", "Joe"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_list_filters_and_ordering(user_client_api, people, query, names):
    url = "/api/v1/contacts?" + query.format(acme=people["acme"].pk, globex=people["globex"].pk)

    assert _names(user_client_api.get(url)) == names


def test_list_hides_other_companies_contacts(user_client_api, other_company, people):
    foreign = ContactFactory(company=other_company, customer__company=other_company)

    response = user_client_api.get(f"/api/v1/contacts?customer_id={foreign.customer_id}")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_list_query_count_does_not_grow_with_the_page(company, user_client_api):
    for _ in range(25):
        ContactFactory(company=company, customer__company=company, is_primary=True)
    user_client_api.get("/api/v1/contacts?page_size=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = user_client_api.get(f"/api/v1/contacts?page_size={size}")
        assert len(response.json()["results"]) == size
        counts[size] = _sql_count(queries)

    assert counts[2] == counts[20]


# --- customers/{id}/contacts ----------------------------------------------------------------


def test_a_customers_contacts_primary_first_and_paginated(user_client_api, people):
    response = user_client_api.get(f"/api/v1/customers/{people['acme'].pk}/contacts")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert body["results"] == [expected(people["jane"]), expected(people["joe"])]

    paged = user_client_api.get(f"/api/v1/customers/{people['acme'].pk}/contacts?page_size=1")
    assert paged.json()["count"] == 2
    assert [row["firstname"] for row in paged.json()["results"]] == ["Jane"]
    assert paged.json()["next"] is not None


@pytest.mark.parametrize(
    ("query", "names"),
    [("active=false", ["Joe"]), ("search=jane", ["Jane"]), ("is_primary=false", ["Joe"])],
)
def test_a_customers_contacts_take_the_contact_filters(user_client_api, people, query, names):
    response = user_client_api.get(f"/api/v1/customers/{people['acme'].pk}/contacts?{query}")

    assert _names(response) == names


def test_a_customer_without_contacts_has_an_empty_list(user_client_api, company):
    customer = CustomerFactory(company=company)

    response = user_client_api.get(f"/api/v1/customers/{customer.pk}/contacts")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_another_companys_customers_contacts_are_not_found(other_key_client, people):
    response = other_key_client.get(f"/api/v1/customers/{people['acme'].pk}/contacts")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_missing_customers_contacts_are_not_found(user_client_api):
    assert user_client_api.get("/api/v1/customers/999999/contacts").status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_another_companys_contact_is_not_found(other_key_client, customer, method):
    contact = ContactFactory(customer=customer, title="Boss")

    response = getattr(other_key_client, method)(
        f"/api/v1/contacts/{contact.pk}", {"title": "Taken"}, format="json"
    )

    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.title == "Boss"
