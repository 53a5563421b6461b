"""v1 leads: `/api/v1/leads` CRUD, the lookups by id or name, filters, and the log."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.lookups import seed_crm_lookups
from crm.models import ActivityLog, Lead, LeadSource, LeadStatus, Note
from crm.tests.factories import LeadFactory, LeadStatusFactory, NoteFactory
from tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def expected(lead: Lead) -> dict:
    lead.refresh_from_db()
    return {
        "id": lead.pk,
        "name": lead.name,
        "title": lead.title,
        "company": lead.company_name,
        "email": lead.email,
        "phonenumber": lead.phone,
        "website": lead.website,
        "address": lead.address,
        "city": lead.city,
        "state": lead.state,
        "zip": lead.zip,
        "country": lead.country,
        "description": lead.description,
        "status": lead.status_id,
        "source": lead.source_id,
        "assigned": lead.assigned_to_id,
        "value": f"{lead.value:.2f}",
        "tags": lead.tags,
        "converted": lead.converted_at is not None,
        "customer_id": lead.converted_customer_id,
        "converted_at": _iso(lead.converted_at),
        "created_at": _iso(lead.created_at),
        "updated_at": _iso(lead.updated_at),
    }


def _log(lead: Lead, action: str) -> list[ActivityLog]:
    return list(
        ActivityLog.objects.filter(
            object_id=lead.pk, content_type__model="lead", action=action
        ).order_by("id")
    )


@pytest.fixture
def seeded(company, other_company):
    seed_crm_lookups(company=company)
    seed_crm_lookups(company=other_company)
    return company


def _status(company, name):
    return LeadStatus.objects.for_company(company).get(name=name)


def _source(company, name):
    return LeadSource.objects.for_company(company).get(name=name)


# --- create ----------------------------------------------------------------------------------


def test_create_with_the_documented_body(key_client, seeded, admin_membership):
    body = {
        "name": "John Doe",
        "email": "john@example.com",
        "company": "ACME Corp",
        "source": "website",
        "status": _status(seeded, "Contacted").pk,
        "assigned": admin_membership.pk,
    }

    response = key_client.post("/api/v1/leads", body, format="json")

    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert response.json() == expected(lead)
    assert (lead.company, lead.name, lead.email, lead.company_name) == (
        seeded,
        "John Doe",
        "john@example.com",
        "ACME Corp",
    )
    assert (lead.source, lead.status, lead.assigned_to) == (
        _source(seeded, "Website"),
        _status(seeded, "Contacted"),
        admin_membership,
    )
    assert response.json()["value"] == "0.00"
    assert response.json()["converted"] is False


def test_create_every_field(user_client_api, seeded, user_membership):
    body = {
        "name": "Jane Roe",
        "title": "CTO",
        "company": "Initech",
        "email": "jane@initech.example",
        "phonenumber": "+36 30 123 4567",
        "website": "https://initech.example",
        "address": "Fő utca 1.",
        "city": "Budapest",
        "state": "Pest",
        "zip": "1011",
        "country": "hu",
        "description": "Met at the fair.",
        "status": "qualified",
        "source": _source(seeded, "Referral").pk,
        "assigned": user_membership.pk,
        "value": "12500.5",
        "tags": [" VIP ", "fair", "vip", ""],
    }

    response = user_client_api.post("/api/v1/leads", body, format="json")

    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert response.json() == expected(lead)
    assert (lead.country, lead.value, lead.tags) == ("HU", Decimal("12500.50"), ["VIP", "fair"])
    assert response.json()["value"] == "12500.50"
    assert lead.status.name == "Qualified"
    log = _log(lead, "created")[0]
    assert (log.actor, log.changes["name"], log.changes["status"]) == (
        user_membership,
        "Jane Roe",
        lead.status_id,
    )


def test_without_status_a_lead_gets_the_companys_first_by_order(key_client, company):
    LeadStatusFactory(company=company, name="Later", order=5)
    first = LeadStatusFactory(company=company, name="First", order=1)

    response = key_client.post("/api/v1/leads", {"name": "A"}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == first.pk
    assert response.json()["source"] is None


def test_a_company_without_statuses_cannot_create_leads(key_client, company):
    response = key_client.post("/api/v1/leads", {"name": "A"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": ["The company has no lead statuses; create one first."]
    }
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A", "website": "nope"}, "website"),
        ({"name": "A", "country": "XX"}, "country"),
        ({"name": "A", "country": "HUN"}, "country"),
        ({"name": "A", "value": "-1"}, "value"),
        ({"name": "A", "value": "1.234"}, "value"),
        ({"name": "A", "value": "1e20"}, "value"),
        ({"name": "A", "tags": "vip"}, "tags"),
        ({"name": "A", "tags": ["x" * 51]}, "tags.0"),
        ({"name": "A", "tags": [f"t{n}" for n in range(21)]}, "tags"),
        ({"name": "A", "status": "Nonexistent"}, "status"),
        ({"name": "A", "status": None}, "status"),
        ({"name": "A", "status": ""}, "status"),
        ({"name": "A", "source": "Carrier pigeon"}, "source"),
        ({"name": "A", "source": {"id": 1}}, "source"),
        ({"name": "A", "assigned": 999999}, "assigned"),
        ({"name": "bad\x00name"}, "name"),
    ],
)
def test_invalid_bodies_are_400_on_the_field(key_client, seeded, body, field):
    response = key_client.post("/api/v1/leads", body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not Lead.objects.exists()


def test_an_unknown_source_name_says_so(key_client, seeded):
    response = key_client.post("/api/v1/leads", {"name": "A", "source": "Fax"}, format="json")

    assert response.json()["errors"] == {"source": ['No lead source "Fax".']}


def test_another_companys_ids_in_the_body_are_400_like_missing_ones(
    key_client, seeded, other_company, other_admin_membership
):
    foreign = {
        "status": _status(other_company, "New").pk,
        "source": _source(other_company, "Website").pk,
        "assigned": other_admin_membership.pk,
    }

    response = key_client.post("/api/v1/leads", {"name": "A", **foreign}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": [f'No lead status "{foreign["status"]}".'],
        "source": [f'No lead source "{foreign["source"]}".'],
        "assigned": [f'Invalid pk "{foreign["assigned"]}" - object does not exist.'],
    }
    assert not Lead.objects.exists()


def test_an_inactive_staff_member_cannot_be_assigned(key_client, seeded):
    gone = MembershipFactory(company=seeded, is_active=False)

    response = key_client.post("/api/v1/leads", {"name": "A", "assigned": gone.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "assigned": ["Not an active staff member of this company."]
    }


def test_a_lead_read_and_put_back_keeps_its_since_deactivated_assignee(key_client, seeded):
    staff = MembershipFactory(company=seeded)
    lead = LeadFactory(company=seeded, assigned_to=staff)
    staff.is_active = False
    staff.save()
    body = key_client.get(f"/api/v1/leads/{lead.pk}").json()

    response = key_client.put(f"/api/v1/leads/{lead.pk}", body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["assigned"] == staff.pk


# --- retrieve, list --------------------------------------------------------------------------


def test_retrieve(user_client_api, seeded):
    lead = LeadFactory(company=seeded, status=_status(seeded, "New"), tags=["a"])

    response = user_client_api.get(f"/api/v1/leads/{lead.pk}")

    assert (response.status_code, response.json()) == (200, expected(lead))


def test_another_companys_lead_is_404_and_unchanged(key_client, other_company):
    foreign = LeadFactory(company=other_company, name="Foreign")

    for response in (
        key_client.get(f"/api/v1/leads/{foreign.pk}"),
        key_client.put(f"/api/v1/leads/{foreign.pk}", {"name": "Mine"}, format="json"),
        key_client.delete(f"/api/v1/leads/{foreign.pk}"),
        key_client.post(f"/api/v1/leads/{foreign.pk}/convert"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    foreign.refresh_from_db()
    assert (foreign.name, foreign.converted_customer) == ("Foreign", None)


def test_list_is_the_companys_newest_first(user_client_api, seeded, other_company):
    older = LeadFactory(company=seeded, status=_status(seeded, "New"))
    newer = LeadFactory(company=seeded, status=_status(seeded, "New"))
    LeadFactory(company=other_company)

    response = user_client_api.get("/api/v1/leads")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [expected(newer), expected(older)],
    }


@pytest.fixture
def crowd(seeded, user_membership, admin_membership):
    from crm.tests.factories import CustomerFactory

    new, won = _status(seeded, "New"), _status(seeded, "Customer")
    web, ref = _source(seeded, "Website"), _source(seeded, "Referral")
    leads = {
        "john": LeadFactory(
            company=seeded, name="John Smith", company_name="ACME Corp", email="john@acme.example",
            phone="+36 1 111", status=new, source=web, assigned_to=user_membership,
            tags=["VIP", "hot"], value=Decimal("500"),
        ),
        "mary": LeadFactory(
            company=seeded, name="Mary Jones", company_name="Globex", email="mary@globex.example",
            phone="+36 1 222", status=won, source=ref, assigned_to=admin_membership,
            tags=["vipx"], value=Decimal("1500"),
            converted_customer=CustomerFactory(company=seeded),
            converted_at=timezone.now(),
        ),
        "olga": LeadFactory(
            company=seeded, name="Olga Kovács", company_name="Initech",
            email="olga@initech.example", phone="+36 1 333", status=new, source=None,
            tags=["hot"], value=Decimal("50"),
        ),
    }
    stamps = {
        "john": "2026-03-01T10:00:00Z", "mary": "2026-03-05T23:30:00Z", "olga": "2026-03-09T12:00:00Z"
    }
    for key, stamp in stamps.items():
        created_at = datetime.datetime.fromisoformat(stamp)
        Lead.objects.filter(pk=leads[key].pk).update(created_at=created_at)
    return leads


@pytest.mark.parametrize(
    "query, names",
    [
        ("", ["olga", "mary", "john"]),
        ("search=acme", ["john"]),
        ("search=john%20acme", ["john"]),
        ("search=globex.example", ["mary"]),
        ("search=222", ["mary"]),
        ("search=nobody", []),
        ("status={new}", ["olga", "john"]),
        ("status=customer", ["mary"]),
        ("status=999999999999999999999", []),
        ("source=website", ["john"]),
        ("source={ref}", ["mary"]),
        ("assigned={user}", ["john"]),
        ("converted=true", ["mary"]),
        ("converted=false", ["olga", "john"]),
        ("tag=vip", ["john"]),
        ("tag=HOT", ["olga", "john"]),
        # Budapest is UTC+1 in March: mary's 23:30 UTC on 5 March is 00:30 on 6 March there.
        ("date_from=2026-03-06", ["olga", "mary"]),
        ("date_to=2026-03-05", ["john"]),
        ("date_from=2026-03-01&date_to=2026-03-06", ["mary", "john"]),
        ("ordering=name", ["john", "mary", "olga"]),
        ("ordering=-value", ["mary", "john", "olga"]),
        ("ordering=company", ["john", "mary", "olga"]),
        ("ordering=status,name", ["john", "olga", "mary"]),
    ],
)
def test_list_filters_and_ordering(user_client_api, seeded, crowd, user_membership, query, names):
    url = "/api/v1/leads?" + query.format(
        new=_status(seeded, "New").pk, ref=_source(seeded, "Referral").pk, user=user_membership.pk
    )

    response = user_client_api.get(url)

    assert response.status_code == 200, response.content
    ids = {lead.pk: key for key, lead in crowd.items()}
    assert [ids[row["id"]] for row in response.json()["results"]] == names


@pytest.mark.parametrize(
    "query, field",
    [
        ("assigned=abc", "assigned"),
        ("assigned=99999999999999999999", "assigned"),
        ("date_from=yesterday", "date_from"),
        ("ordering=password", "ordering"),
    ],
)
def test_bad_filters_are_400(user_client_api, seeded, query, field):
    response = user_client_api.get(f"/api/v1/leads?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_list_query_count_does_not_grow_with_the_page(key_client, seeded):
    source = _source(seeded, "Website")
    for index in range(25):
        LeadFactory(
            company=seeded, status=_status(seeded, "New"), source=source, tags=[f"t{index}"]
        )
    key_client.get("/api/v1/leads?page_size=1")  # warm-up (the key's last_used_at)

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = key_client.get(f"/api/v1/leads?page_size={size}")
        assert len(response.json()["results"]) == size
        counts[size] = sum(
            1 for q in queries.captured_queries
            if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
        )

    assert counts[2] == counts[20]
    assert counts[20] <= 4  # key + company, count, page


# --- update ----------------------------------------------------------------------------------


def test_the_documented_update_changes_status_and_company_and_logs_both(
    admin_client_api, seeded, admin_membership
):
    lead = LeadFactory(company=seeded, company_name="ACME Corp", status=_status(seeded, "New"))

    response = admin_client_api.put(
        f"/api/v1/leads/{lead.pk}",
        {"status": _status(seeded, "Contacted").pk, "company": "ACME Corporation"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == expected(lead)
    assert (lead.company_name, lead.status.name) == ("ACME Corporation", "Contacted")
    [status_log] = _log(lead, "status_changed")
    assert status_log.changes == {"status": ["New", "Contacted"]}
    assert status_log.actor == admin_membership
    [update_log] = _log(lead, "updated")
    assert update_log.changes == {"company_name": ["ACME Corp", "ACME Corporation"]}


def test_a_status_change_alone_logs_only_the_status(key_client, seeded):
    lead = LeadFactory(company=seeded, status=_status(seeded, "New"))

    response = key_client.put(f"/api/v1/leads/{lead.pk}", {"status": "lost"}, format="json")

    assert response.status_code == 200
    assert [log.changes for log in _log(lead, "status_changed")] == [{"status": ["New", "Lost"]}]
    assert _log(lead, "updated") == []
    assert _log(lead, "status_changed")[0].actor_name == "API key test-admin"


def test_update_logs_the_diff_of_changed_fields_only(key_client, seeded, user_membership):
    lead = LeadFactory(
        company=seeded, status=_status(seeded, "New"), value=Decimal("10"), tags=["a"], city="Pécs"
    )

    response = key_client.put(
        f"/api/v1/leads/{lead.pk}",
        {"value": "20.00", "tags": ["a", "b"], "city": "Pécs", "assigned": user_membership.pk},
        format="json",
    )

    assert response.status_code == 200
    [log] = _log(lead, "updated")
    assert log.changes == {
        "value": ["10.00", "20.00"],
        "tags": [["a"], ["a", "b"]],
        "assigned_to": [None, user_membership.pk],
    }


def test_an_update_that_changes_nothing_writes_nothing(key_client, seeded):
    lead = LeadFactory(company=seeded, status=_status(seeded, "New"), name="Same")
    updated_at = lead.updated_at

    response = key_client.put(
        f"/api/v1/leads/{lead.pk}", {"name": "Same", "status": "new"}, format="json"
    )

    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.updated_at == updated_at
    assert _log(lead, "updated") == _log(lead, "status_changed") == []


def test_update_can_clear_source_and_assignee_but_not_status(key_client, seeded, user_membership):
    lead = LeadFactory(
        company=seeded, status=_status(seeded, "New"), source=_source(seeded, "Email"),
        assigned_to=user_membership,
    )

    cleared = key_client.put(
        f"/api/v1/leads/{lead.pk}", {"source": None, "assigned": None}, format="json"
    )
    refused = key_client.put(f"/api/v1/leads/{lead.pk}", {"status": None}, format="json")

    assert cleared.status_code == 200
    assert (cleared.json()["source"], cleared.json()["assigned"]) == (None, None)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["status"]


def test_update_with_another_companys_status_is_400_and_changes_nothing(
    key_client, seeded, other_company
):
    lead = LeadFactory(company=seeded, status=_status(seeded, "New"), name="Before")
    foreign = _status(other_company, "Lost")

    response = key_client.put(
        f"/api/v1/leads/{lead.pk}", {"name": "After", "status": foreign.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"status": [f'No lead status "{foreign.pk}".']}
    lead.refresh_from_db()
    assert (lead.name, lead.status.name) == ("Before", "New")


# --- delete ----------------------------------------------------------------------------------


def test_delete_removes_the_lead_and_its_notes_and_keeps_the_log(key_client, seeded):
    lead = LeadFactory(company=seeded, status=_status(seeded, "New"))
    NoteFactory.create_batch(2, company=seeded, rel_type="lead", rel_id=lead.pk)
    other_note = NoteFactory(company=seeded)  # on a customer

    response = key_client.delete(f"/api/v1/leads/{lead.pk}")

    assert response.status_code == 204
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert list(Note.objects.all()) == [other_note]
    [log] = _log(lead, "deleted")
    assert log.description == "Deleted with 2 notes."
    assert ActivityLog.objects.filter(content_type__model="note", action="deleted").count() == 2


def test_paths_with_and_without_slash(user_client_api, seeded):
    lead = LeadFactory(company=seeded, status=_status(seeded, "New"))
    for path in ("/api/v1/leads", f"/api/v1/leads/{lead.pk}"):
        assert user_client_api.get(path + "/").status_code == 200, path
        assert user_client_api.get(path).status_code == 200, path

