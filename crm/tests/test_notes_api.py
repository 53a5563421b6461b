"""v1 notes (`/api/v1/notes`) and a lead's notes (`/api/v1/leads/{id}/notes`)."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ActivityLog, Customer, Note
from crm.registry import note_targets
from crm.tests.factories import ContractFactory, CustomerFactory, LeadFactory, NoteFactory
from tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def expected(note: Note) -> dict:
    note.refresh_from_db()
    return {
        "id": note.pk,
        "rel_type": note.rel_type,
        "rel_id": note.rel_id,
        "description": note.description,
        "staff_id": note.staff_id,
        "created_at": _iso(note.created_at),
        "updated_at": _iso(note.updated_at),
    }


def _note_log(note_id: int, action: str) -> list[ActivityLog]:
    return list(
        ActivityLog.objects.filter(content_type__model="note", object_id=note_id, action=action)
    )


@pytest.fixture
def customer(company):
    return CustomerFactory(company=company)


# --- create ----------------------------------------------------------------------------------


def test_create_with_the_documented_body_by_a_staff_member(
    user_client_api, customer, user_membership
):
    body = {
        "rel_type": "customer",
        "rel_id": customer.pk,
        "description": "Follow up about renewal next week",
    }

    response = user_client_api.post("/api/v1/notes", body, format="json")

    assert response.status_code == 201, response.content
    note = Note.objects.get()
    assert response.json() == expected(note)
    assert (note.company, note.rel_type, note.rel_id, note.staff) == (
        customer.company, "customer", customer.pk, user_membership,
    )
    [log] = _note_log(note.pk, "created")
    assert log.actor == user_membership
    assert log.changes == {
        "rel_type": "customer",
        "rel_id": customer.pk,
        "description": "Follow up about renewal next week",
        "staff": user_membership.pk,
    }


def test_an_api_key_note_has_no_author(key_client, customer):
    response = key_client.post(
        "/api/v1/notes", {"rel_type": "customer", "rel_id": customer.pk, "description": "Hi"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["staff_id"] is None
    assert _note_log(response.json()["id"], "created")[0].actor_name == "API key test-admin"


def test_staff_id_in_the_body_is_ignored(
    user_client_api, customer, user_membership, admin_membership
):
    body = {"rel_type": "customer", "rel_id": customer.pk, "description": "x"}

    response = user_client_api.post(
        "/api/v1/notes", {**body, "staff_id": admin_membership.pk}, format="json"
    )

    assert response.json()["staff_id"] == user_membership.pk


TARGET_FACTORIES = {
    "customer": CustomerFactory,
    "lead": LeadFactory,
    "contract": ContractFactory,
    "staff": MembershipFactory,
}


@pytest.mark.parametrize("rel_type", sorted(TARGET_FACTORIES))
def test_notes_on_each_registered_type(key_client, company, rel_type):
    target = TARGET_FACTORIES[rel_type](company=company)

    response = key_client.post(
        "/api/v1/notes",
        {"rel_type": rel_type, "rel_id": target.pk, "description": "x"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert (response.json()["rel_type"], response.json()["rel_id"]) == (rel_type, target.pk)


def test_a_type_whose_app_does_not_exist_yet_is_a_400(key_client, company, monkeypatch):
    monkeypatch.delitem(note_targets, "invoice", raising=False)

    response = key_client.post(
        "/api/v1/notes", {"rel_type": "invoice", "rel_id": 1, "description": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"rel_type": ["Notes on invoice are not available yet."]}
    assert not Note.objects.exists()


def test_a_type_registered_later_is_accepted(key_client, company, monkeypatch):
    """The registry, not a list in crm, decides: an app registering `invoice` enables it."""
    monkeypatch.setitem(note_targets, "invoice", Customer)
    customer = CustomerFactory(company=company)  # stands in for an invoice model

    response = key_client.post(
        "/api/v1/notes", {"rel_type": "invoice", "rel_id": customer.pk, "description": "x"},
        format="json",
    )

    assert response.status_code == 201


@pytest.mark.parametrize("missing", ["rel_type", "rel_id", "description"])
def test_each_documented_field_is_required(key_client, customer, missing):
    body = {"rel_type": "customer", "rel_id": customer.pk, "description": "x"}
    del body[missing]

    response = key_client.post("/api/v1/notes", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {missing: ["This field is required."]}


@pytest.mark.parametrize(
    "body, errors",
    [
        ({"rel_type": "planet"}, {"rel_type": ['"planet" is not a valid choice.']}),
        ({"rel_type": None}, {"rel_type": ["This field may not be null."]}),
        ({"rel_id": 0}, {"rel_id": ["Ensure this value is greater than or equal to 1."]}),
        ({"rel_id": 2**63}, {"rel_id": [f"Ensure this value is less than or equal to {2**63 - 1}."]}),
        ({"rel_id": "abc"}, {"rel_id": ["A valid integer is required."]}),
        ({"description": "   "}, {"description": ["This field may not be blank."]}),
        ({"rel_id": 999999}, {"rel_id": ["No customer with id 999999."]}),
    ],
)
def test_invalid_bodies_are_400(key_client, company, body, errors):
    customer = CustomerFactory(company=company)
    valid = {"rel_type": "customer", "rel_id": customer.pk, "description": "x"}

    response = key_client.post("/api/v1/notes", {**valid, **body}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Note.objects.exists()


@pytest.mark.parametrize("rel_type", sorted(TARGET_FACTORIES))
def test_another_companys_record_is_refused_like_a_missing_one(key_client, other_company, rel_type):
    foreign = TARGET_FACTORIES[rel_type](company=other_company)

    response = key_client.post(
        "/api/v1/notes",
        {"rel_type": rel_type, "rel_id": foreign.pk, "description": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"rel_id": [f"No {rel_type} with id {foreign.pk}."]}
    assert not Note.objects.exists()


# --- update, delete --------------------------------------------------------------------------


def test_update_the_text_and_log_it(key_client, company):
    note = NoteFactory(company=company, description="Call back next week.")

    response = key_client.put(
        f"/api/v1/notes/{note.pk}",
        {"description": "Updated: Follow up completed, renewal confirmed"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == expected(note)
    assert note.description == "Updated: Follow up completed, renewal confirmed"
    [log] = _note_log(note.pk, "updated")
    assert log.changes == {
        "description": ["Call back next week.", "Updated: Follow up completed, renewal confirmed"]
    }


def test_sending_the_same_relation_back_is_fine(key_client, company):
    note = NoteFactory(company=company)

    response = key_client.put(
        f"/api/v1/notes/{note.pk}",
        {"rel_type": note.rel_type, "rel_id": note.rel_id, "description": "New"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["description"] == "New"


@pytest.mark.parametrize(
    "change, fields",
    [
        ({"rel_type": "lead"}, ["rel_type"]),
        ({"rel_id": "other"}, ["rel_id"]),
        ({"rel_type": "lead", "rel_id": "other"}, ["rel_type", "rel_id"]),
    ],
)
def test_the_relation_cannot_change(key_client, company, change, fields):
    note = NoteFactory(company=company, description="Before")
    other = CustomerFactory(company=company)
    body = {**change, "description": "After"}
    if body.get("rel_id") == "other":
        body["rel_id"] = other.pk

    response = key_client.put(f"/api/v1/notes/{note.pk}", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        field: ["The record a note belongs to cannot change after creation."] for field in fields
    }
    before = (note.rel_type, note.rel_id)
    note.refresh_from_db()
    assert ((note.rel_type, note.rel_id), note.description) == (before, "Before")


def test_delete_is_logged(user_client_api, company):
    note = NoteFactory(company=company)

    response = user_client_api.delete(f"/api/v1/notes/{note.pk}")

    assert response.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()
    assert len(_note_log(note.pk, "deleted")) == 1


def test_another_companys_note_is_404_and_unchanged(key_client, other_company):
    foreign = NoteFactory(company=other_company, description="Theirs")

    for response in (
        key_client.get(f"/api/v1/notes/{foreign.pk}"),
        key_client.put(f"/api/v1/notes/{foreign.pk}", {"description": "Mine"}, format="json"),
        key_client.delete(f"/api/v1/notes/{foreign.pk}"),
    ):
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.description == "Theirs"


# --- lists -----------------------------------------------------------------------------------


@pytest.fixture
def notebook(company, other_company, user_membership, admin_membership):
    customer = CustomerFactory(company=company)
    lead = LeadFactory(company=company)
    notes = {
        "a": NoteFactory(
            company=company, rel_type="customer", rel_id=customer.pk, staff=user_membership,
            description="Renewal call",
        ),
        "b": NoteFactory(
            company=company, rel_type="lead", rel_id=lead.pk, staff=admin_membership,
            description="Sent pricing",
        ),
        "c": NoteFactory(
            company=company, rel_type="lead", rel_id=lead.pk, staff=None, description="Imported"
        ),
    }
    NoteFactory(company=other_company, rel_type="lead", rel_id=lead.pk)  # same ids, other company
    stamps = {"a": "2026-03-01T10:00:00Z", "b": "2026-03-05T23:30:00Z", "c": "2026-03-09T12:00:00Z"}
    for key, stamp in stamps.items():
        created_at = datetime.datetime.fromisoformat(stamp)
        Note.objects.filter(pk=notes[key].pk).update(created_at=created_at)
    return {"notes": notes, "customer": customer, "lead": lead}


@pytest.mark.parametrize(
    "query, keys",
    [
        ("", ["c", "b", "a"]),
        ("rel_type=lead", ["c", "b"]),
        ("rel_type=customer&rel_id={customer}", ["a"]),
        ("rel_id={lead}&rel_type=lead", ["c", "b"]),
        ("staff_id={admin}", ["b"]),
        ("search=PRICING", ["b"]),
        # Budapest is UTC+1: b's 23:30 UTC on 5 March is 6 March there.
        ("date_from=2026-03-06", ["c", "b"]),
        ("date_to=2026-03-05", ["a"]),
        ("date_from=2026-03-02&date_to=2026-03-08", ["b"]),
        ("ordering=created_at", ["a", "b", "c"]),
    ],
)
def test_list_filters(user_client_api, notebook, admin_membership, query, keys):
    url = "/api/v1/notes?" + query.format(
        customer=notebook["customer"].pk, lead=notebook["lead"].pk, admin=admin_membership.pk
    )

    response = user_client_api.get(url)

    assert response.status_code == 200, response.content
    names = {note.pk: key for key, note in notebook["notes"].items()}
    assert [names[row["id"]] for row in response.json()["results"]] == keys


@pytest.mark.parametrize(
    "query, field",
    [
        ("rel_type=planet", "rel_type"),
        ("rel_id=x", "rel_id"),
        ("rel_id=1e30", "rel_id"),
        ("staff_id=99999999999999999999", "staff_id"),
        ("date_to=31-12-2026", "date_to"),
    ],
)
def test_bad_filters_are_400(user_client_api, company, query, field):
    response = user_client_api.get(f"/api/v1/notes?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_list_shape(user_client_api, notebook):
    response = user_client_api.get("/api/v1/notes?page_size=1")

    body = response.json()
    assert (body["count"], body["previous"]) == (3, None)
    assert body["results"] == [expected(notebook["notes"]["c"])]


def test_list_query_count_does_not_grow_with_the_page(key_client, company):
    NoteFactory.create_batch(25, company=company)
    key_client.get("/api/v1/notes?page_size=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = key_client.get(f"/api/v1/notes?page_size={size}")
        assert len(response.json()["results"]) == size
        counts[size] = sum(
            1 for q in queries.captured_queries
            if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
        )

    assert counts[2] == counts[20]
    assert counts[20] <= 4


def test_a_leads_notes(user_client_api, notebook):
    lead = notebook["lead"]

    response = user_client_api.get(f"/api/v1/leads/{lead.pk}/notes")

    assert response.status_code == 200
    notes = notebook["notes"]
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [expected(notes["c"]), expected(notes["b"])],
    }


def test_a_leads_notes_paginate(user_client_api, notebook):
    response = user_client_api.get(f"/api/v1/leads/{notebook['lead'].pk}/notes?page_size=1&page=2")

    body = response.json()
    assert (body["count"], [row["id"] for row in body["results"]]) == (2, [notebook["notes"]["b"].pk])


def test_another_companys_leads_notes_are_404(key_client, other_company):
    foreign = LeadFactory(company=other_company)
    NoteFactory(company=other_company, rel_type="lead", rel_id=foreign.pk)

    response = key_client.get(f"/api/v1/leads/{foreign.pk}/notes")

    assert response.status_code == 404
