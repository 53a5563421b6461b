"""v2 `POST /api/v2/leads`: names in two parts, the source by name (created when new)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from crm.lookups import DEFAULT_LEAD_SOURCES, seed_crm_lookups
from crm.models import ActivityLog, Lead, LeadSource, LeadStatus
from crm.services import lookups as lookup_services
from crm.tests.factories import LeadSourceFactory

pytestmark = pytest.mark.django_db

DOCUMENTED_BODY = {
    "first_name": "John",
    "last_name": "Smith",
    "email": "john@example.com",
    "company": "Acme Corp",
    "phone": "1234567890",
    "source": "Website",
}


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


@pytest.fixture
def seeded(company, other_company):
    seed_crm_lookups(company=company)
    seed_crm_lookups(company=other_company)
    return company


def test_create_with_the_documented_body(key_client, seeded):
    response = key_client.post("/api/v2/leads", DOCUMENTED_BODY, format="json")

    assert response.status_code == 201, response.content
    lead = Lead.objects.get()
    assert response.json() == {
        "success": True,
        "data": {
            "id": lead.pk,
            "first_name": "John",
            "last_name": "Smith",
            "email": "john@example.com",
            "company": "Acme Corp",
            "phone": "1234567890",
            "source": "Website",
            "status": "New",
            "created_at": _iso(lead.created_at),
        },
    }
    assert (lead.company, lead.name, lead.company_name, lead.phone) == (
        seeded, "John Smith", "Acme Corp", "1234567890",
    )
    assert lead.source == LeadSource.objects.for_company(seeded).get(name="Website")
    assert LeadSource.objects.for_company(seeded).count() == len(DEFAULT_LEAD_SOURCES)
    assert ActivityLog.objects.filter(content_type__model="lead", action="created").count() == 1


def test_an_existing_source_is_matched_whatever_its_case(user_client_api, seeded):
    response = user_client_api.post(
        "/api/v2/leads", {**DOCUMENTED_BODY, "source": "  website "}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["data"]["source"] == "Website"
    assert LeadSource.objects.for_company(seeded).count() == len(DEFAULT_LEAD_SOURCES)


def test_a_new_source_is_created_once_whatever_its_case(key_client, seeded, other_company):
    first = key_client.post(
        "/api/v2/leads", {**DOCUMENTED_BODY, "source": "Trade Fair"}, format="json"
    )
    second = key_client.post(
        "/api/v2/leads", {**DOCUMENTED_BODY, "source": "trade fair"}, format="json"
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["data"]["source"] == second.json()["data"]["source"] == "Trade Fair"
    created = LeadSource.objects.for_company(seeded).get(name__iexact="trade fair")
    assert created.order == len(DEFAULT_LEAD_SOURCES)  # last
    assert LeadSource.objects.for_company(seeded).count() == len(DEFAULT_LEAD_SOURCES) + 1
    assert set(Lead.objects.values_list("source", flat=True)) == {created.pk}
    theirs = LeadSource.objects.for_company(other_company)
    assert not theirs.filter(name__iexact="trade fair").exists()
    log = ActivityLog.objects.get(content_type__model="leadsource", object_id=created.pk)
    assert (log.action, log.actor_name) == ("created", "API key test-admin")


def test_another_companys_source_of_that_name_is_not_used(key_client, seeded, other_company):
    foreign = LeadSourceFactory(company=other_company, name="Partner")

    response = key_client.post(
        "/api/v2/leads", {**DOCUMENTED_BODY, "source": "Partner"}, format="json"
    )

    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.source != foreign
    assert lead.source.company == seeded


def test_only_a_first_name_is_required(key_client, seeded):
    response = key_client.post("/api/v2/leads", {"first_name": "Madonna"}, format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    assert (data["first_name"], data["last_name"], data["source"], data["email"]) == (
        "Madonna", "", None, "",
    )
    assert Lead.objects.get().name == "Madonna"


@pytest.mark.parametrize(
    "body, errors",
    [
        ({}, {"first_name": "This field is required."}),
        ({"first_name": "A", "email": "nope"}, {"email": "Invalid email format"}),
        (
            {"first_name": "A", "phone": "1" * 51},
            {"phone": "Ensure this field has no more than 50 characters."},
        ),
        (
            {"first_name": "A", "source": "s" * 101},
            {"source": "Ensure this field has no more than 100 characters."},
        ),
    ],
)
def test_validation_errors_in_the_v2_shape(key_client, seeded, body, errors):
    response = key_client.post("/api/v2/leads", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"success": False, "message": "Validation failed", "errors": errors}
    assert not Lead.objects.exists()
    assert LeadSource.objects.for_company(seeded).count() == len(DEFAULT_LEAD_SOURCES)


def test_a_company_without_statuses_gets_a_400_and_no_new_source(key_client, company):
    response = key_client.post("/api/v2/leads", DOCUMENTED_BODY, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": "The company has no lead statuses; create one first."
    }
    # The request's transaction is rolled back: the source made on the way is gone too.
    assert not LeadSource.objects.exists()
    assert not LeadStatus.objects.exists()


def test_the_v2_lead_is_the_v1_lead(key_client, seeded):
    created = key_client.post("/api/v2/leads", DOCUMENTED_BODY, format="json").json()["data"]

    v1 = key_client.get(f"/api/v1/leads/{created['id']}").json()

    assert (v1["name"], v1["company"], v1["phonenumber"]) == (
        "John Smith", "Acme Corp", "1234567890"
    )


def test_v2_has_no_lead_list_or_detail(key_client, seeded):
    assert key_client.get("/api/v2/leads").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_a_new_source_create_it_once(company):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    barrier = threading.Barrier(4)
    found: list[int] = []
    errors: list[Exception] = []

    def get_or_create(name):
        try:
            barrier.wait()
            found.append(lookup_services.lead_source_get_or_create(company=company, name=name).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=get_or_create, args=(name,))
        for name in ("Podcast", "podcast", "PODCAST", "Podcast")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert LeadSource.objects.filter(company=company).count() == 1
    assert set(found) == {LeadSource.objects.get(company=company).pk}
