"""`GET /api/v1/leads/{id}/activities`: the lead's log, newest first, paginated."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.activity import activity_record
from crm.lookups import seed_crm_lookups
from crm.models import ActivityLog, LeadStatus
from crm.tests.factories import LeadFactory
from tenancy.actors import Actor

pytestmark = pytest.mark.django_db


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def expected(log: ActivityLog) -> dict:
    return {
        "id": log.pk,
        "action": log.action,
        "actor": log.actor_name,
        "staff_id": log.actor_id,
        "changes": log.changes,
        "description": log.description,
        "created_at": _iso(log.created_at),
    }


@pytest.fixture
def seeded(company):
    seed_crm_lookups(company=company)
    return company


def test_the_log_of_a_lead_made_through_the_api(
    admin_client_api, key_client, seeded, admin_membership
):
    created = admin_client_api.post(
        "/api/v1/leads", {"name": "John Doe", "company": "ACME"}, format="json"
    ).json()
    key_client.put(f"/api/v1/leads/{created['id']}", {"status": "Contacted"}, format="json")
    key_client.post(f"/api/v1/leads/{created['id']}/convert")

    response = admin_client_api.get(f"/api/v1/leads/{created['id']}/activities")

    assert response.status_code == 200
    body = response.json()
    logs = ActivityLog.objects.filter(content_type__model="lead", object_id=created["id"])
    logs = list(logs.order_by("-created_at", "-id"))
    assert body == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [expected(log) for log in logs],
    }
    assert [row["action"] for row in body["results"]] == ["converted", "status_changed", "created"]
    converted, status_changed, creation = body["results"]
    full_name = admin_membership.user.get_full_name()
    assert (creation["actor"], creation["staff_id"]) == (full_name, admin_membership.pk)
    assert (status_changed["actor"], status_changed["staff_id"]) == ("API key test-admin", None)
    assert status_changed["changes"] == {"status": ["New", "Contacted"]}
    assert converted["changes"]["status"] == ["Contacted", "Customer"]
    assert creation["changes"]["name"] == "John Doe"


def test_only_the_leads_own_entries_are_listed(user_client_api, seeded, other_company):
    status = LeadStatus.objects.for_company(seeded).first()
    lead = LeadFactory(company=seeded, status=status)
    neighbour = LeadFactory(company=seeded, status=status)
    mine = activity_record(company=seeded, obj=lead, action="updated", changes={"name": ["a", "b"]})
    activity_record(company=seeded, obj=neighbour, action="updated")
    # Same object id under another company: never shown.
    foreign_lead = LeadFactory(company=other_company)
    ActivityLog.objects.filter(
        pk=activity_record(company=other_company, obj=foreign_lead, action="updated").pk
    ).update(object_id=lead.pk)

    response = user_client_api.get(f"/api/v1/leads/{lead.pk}/activities")

    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert response.json()["results"][0]["actor"] == "system"


def test_the_log_is_paginated_newest_first(user_client_api, seeded):
    lead = LeadFactory(company=seeded, status=LeadStatus.objects.for_company(seeded).first())
    logs = [
        activity_record(company=seeded, obj=lead, action="updated", description=f"step {n}")
        for n in range(5)
    ]

    first = user_client_api.get(f"/api/v1/leads/{lead.pk}/activities?page_size=2").json()
    last = user_client_api.get(f"/api/v1/leads/{lead.pk}/activities?page_size=2&page=3").json()

    assert first["count"] == 5
    assert [row["description"] for row in first["results"]] == ["step 4", "step 3"]
    assert [row["id"] for row in last["results"]] == [logs[0].pk]
    assert last["next"] is None


def test_the_actors_name_stays_after_they_are_gone(user_client_api, seeded, admin_membership):
    lead = LeadFactory(company=seeded, status=LeadStatus.objects.for_company(seeded).first())
    name = admin_membership.user.get_full_name()
    admin = Actor(membership=admin_membership)
    activity_record(company=seeded, obj=lead, action="updated", by=admin)
    ActivityLog.objects.update(actor=None)  # as SET_NULL leaves it when the member is deleted

    row = user_client_api.get(f"/api/v1/leads/{lead.pk}/activities").json()["results"][0]

    assert (row["actor"], row["staff_id"]) == (name, None)


def test_another_companys_lead_is_404(key_client, other_company):
    foreign = LeadFactory(company=other_company)
    activity_record(company=other_company, obj=foreign, action="created")

    response = key_client.get(f"/api/v1/leads/{foreign.pk}/activities")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_query_count_does_not_grow_with_the_page(key_client, seeded, admin_membership):
    lead = LeadFactory(company=seeded, status=LeadStatus.objects.for_company(seeded).first())
    admin = Actor(membership=admin_membership)
    for _ in range(25):
        activity_record(company=seeded, obj=lead, action="updated", by=admin)
    key_client.get(f"/api/v1/leads/{lead.pk}/activities?page_size=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = key_client.get(f"/api/v1/leads/{lead.pk}/activities?page_size={size}")
        assert len(response.json()["results"]) == size
        counts[size] = sum(
            1 for q in queries.captured_queries
            if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
        )

    assert counts[2] == counts[20]
