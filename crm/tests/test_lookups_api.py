"""v1 CRM lookups: `/api/v1/lead-statuses`, `/api/v1/lead-sources`, `/api/v1/contract-types`."""
from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from crm.lookups import DEFAULT_CONTRACT_TYPES, DEFAULT_LEAD_SOURCES, DEFAULT_LEAD_STATUSES
from crm.lookups import seed_crm_lookups
from crm.models import ActivityLog, ContractType, LeadSource, LeadStatus
from crm.tests.factories import (
    ContractFactory,
    ContractTypeFactory,
    LeadFactory,
    LeadSourceFactory,
    LeadStatusFactory,
)

pytestmark = pytest.mark.django_db


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def status_body(status: LeadStatus) -> dict:
    status.refresh_from_db()
    return {
        "id": status.pk,
        "name": status.name,
        "order": status.order,
        "color": status.color,
        "is_won": status.is_won,
        "created_at": _iso(status.created_at),
        "updated_at": _iso(status.updated_at),
    }


@pytest.fixture
def seeded(company, other_company):
    seed_crm_lookups(company=company)
    seed_crm_lookups(company=other_company)
    return company


# --- lists -----------------------------------------------------------------------------------


def test_lead_statuses_list_is_the_companys_own_by_order_and_paginated(user_key_client, seeded):
    LeadStatusFactory(company=seeded, name="Nurturing", order=2)  # between by order, then id

    response = user_key_client.get("/api/v1/lead-statuses")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (7, None, None)
    statuses = list(LeadStatus.objects.for_company(seeded).order_by("order", "id"))
    assert body["results"] == [status_body(status) for status in statuses]
    names = [row["name"] for row in body["results"]]
    assert names == ["New", "Contacted", "Qualified", "Nurturing", "Proposal", "Customer", "Lost"]
    assert [row["is_won"] for row in body["results"]].count(True) == 1


def test_lead_sources_and_contract_types_lists(user_client_api, seeded):
    sources = user_client_api.get("/api/v1/lead-sources?page_size=100").json()
    types = user_client_api.get("/api/v1/contract-types?page_size=100").json()

    assert [row["name"] for row in sources["results"]] == DEFAULT_LEAD_SOURCES
    assert set(sources["results"][0]) == {"id", "name", "order", "created_at", "updated_at"}
    assert [row["name"] for row in types["results"]] == sorted(DEFAULT_CONTRACT_TYPES)
    assert set(types["results"][0]) == {"id", "name", "created_at", "updated_at"}
    assert sources["count"] == len(DEFAULT_LEAD_SOURCES)
    assert types["count"] == len(DEFAULT_CONTRACT_TYPES)


def test_lists_paginate_like_every_v1_list(user_client_api, seeded):
    response = user_client_api.get("/api/v1/lead-statuses?page_size=2&page=2")

    body = response.json()
    assert body["count"] == len(DEFAULT_LEAD_STATUSES)
    assert [row["name"] for row in body["results"]] == ["Qualified", "Proposal"]
    assert body["next"].endswith("page=3&page_size=2")


@pytest.mark.parametrize(
    "path, query, names",
    [
        ("lead-statuses", "search=con", ["Contacted"]),
        ("lead-statuses", "is_won=true", ["Customer"]),
        ("lead-sources", "search=MEDIA", ["Social media"]),
        ("contract-types", "search=agree", ["Service agreement"]),
    ],
)
def test_list_filters(user_client_api, seeded, path, query, names):
    response = user_client_api.get(f"/api/v1/{path}?{query}")

    assert [row["name"] for row in response.json()["results"]] == names


# --- create, update, delete ------------------------------------------------------------------


def test_admin_creates_a_status_last_by_default_and_it_is_logged(
    admin_client_api, seeded, admin_membership
):
    response = admin_client_api.post(
        "/api/v1/lead-statuses",
        {"name": " Negotiation ", "color": "#AABBCC", "is_won": False},
        format="json",
    )

    assert response.status_code == 201, response.content
    status = LeadStatus.objects.get(pk=response.json()["id"])
    assert (status.company, status.name, status.order, status.color) == (
        seeded,
        "Negotiation",
        len(DEFAULT_LEAD_STATUSES),
        "#AABBCC",
    )
    assert response.json() == status_body(status)
    log = ActivityLog.objects.get(
        content_type=ContentType.objects.get_for_model(LeadStatus), object_id=status.pk
    )
    assert (log.action, log.actor, log.company) == ("created", admin_membership, seeded)
    assert log.changes == {
        "name": "Negotiation",
        "order": len(DEFAULT_LEAD_STATUSES),
        "color": "#AABBCC",
        "is_won": False,
    }


def test_create_with_an_explicit_order(key_client, seeded):
    response = key_client.post("/api/v1/lead-sources", {"name": "Fair", "order": 0}, format="json")

    assert response.status_code == 201
    assert LeadSource.objects.get(pk=response.json()["id"]).order == 0


def test_the_first_lookup_of_a_company_gets_order_zero(key_client, company):
    response = key_client.post("/api/v1/lead-sources", {"name": "Fair"}, format="json")

    assert response.json()["order"] == 0


@pytest.mark.parametrize(
    "path, name",
    [("lead-statuses", "new"), ("lead-sources", "WEBSITE"), ("contract-types", "nda")],
)
def test_a_name_taken_in_any_case_is_a_400(admin_client_api, seeded, path, name):
    models = {"lead-statuses": LeadStatus, "lead-sources": LeadSource}
    model = models.get(path, ContractType)
    before = model.objects.count()

    response = admin_client_api.post(f"/api/v1/{path}", {"name": name}, format="json")

    assert response.status_code == 400
    kind = model._meta.verbose_name
    assert response.json()["errors"] == {"name": [f"A {kind} with this name already exists."]}
    assert model.objects.count() == before


def test_the_same_name_in_another_company_is_fine(admin_client_api, company, other_company):
    LeadSourceFactory(company=other_company, name="Website")

    response = admin_client_api.post("/api/v1/lead-sources", {"name": "website"}, format="json")

    assert response.status_code == 201


def test_members_read_but_only_admins_write(user_client_api, user_key_client, seeded):
    status = LeadStatus.objects.for_company(seeded).first()
    for client in (user_client_api, user_key_client):
        assert client.get(f"/api/v1/lead-statuses/{status.pk}").status_code == 200
        created = client.post("/api/v1/lead-statuses", {"name": "X"}, format="json")
        updated = client.put(f"/api/v1/lead-statuses/{status.pk}", {"name": "Y"}, format="json")
        deleted = client.delete(f"/api/v1/lead-statuses/{status.pk}")
        assert [created.status_code, updated.status_code, deleted.status_code] == [403, 403, 403]
        assert created.json()["code"] == "permission_denied"
    status.refresh_from_db()
    assert status.name == "New"
    assert not LeadStatus.objects.filter(name="X").exists()


def test_update_is_partial_and_logs_the_diff(admin_client_api, seeded):
    status = LeadStatus.objects.for_company(seeded).get(name="Qualified")

    response = admin_client_api.put(
        f"/api/v1/lead-statuses/{status.pk}", {"color": "#000000", "is_won": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == status_body(status)
    assert (status.name, status.color, status.is_won) == ("Qualified", "#000000", True)
    log = ActivityLog.objects.filter(object_id=status.pk, action="updated").get()
    assert log.changes == {"color": ["#f59e0b", "#000000"], "is_won": [False, True]}


def test_renaming_in_another_case_is_fine_but_not_onto_another_name(admin_client_api, seeded):
    source = LeadSource.objects.for_company(seeded).get(name="Website")

    url = f"/api/v1/lead-sources/{source.pk}"

    recased = admin_client_api.put(url, {"name": "WEBSITE"}, format="json")
    clash = admin_client_api.put(url, {"name": "email"}, format="json")

    assert recased.status_code == 200
    assert recased.json()["name"] == "WEBSITE"
    assert clash.status_code == 400
    assert clash.json()["errors"] == {"name": ["A lead source with this name already exists."]}
    source.refresh_from_db()
    assert source.name == "WEBSITE"


def test_an_update_that_changes_nothing_writes_nothing(admin_client_api, seeded):
    source = LeadSource.objects.for_company(seeded).get(name="Website")
    updated_at = source.updated_at

    response = admin_client_api.put(
        f"/api/v1/lead-sources/{source.pk}", {"name": "Website"}, format="json"
    )

    assert response.status_code == 200
    source.refresh_from_db()
    assert source.updated_at == updated_at
    assert not ActivityLog.objects.filter(object_id=source.pk, action="updated").exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Ok", "color": "blue"}, "color"),
        ({"name": "Ok", "order": -1}, "order"),
        ({"name": "Ok", "order": 2**31}, "order"),
        ({"name": "bad\x00name"}, "name"),
    ],
)
def test_invalid_bodies_are_400_on_the_field(admin_client_api, seeded, body, field):
    response = admin_client_api.post("/api/v1/lead-statuses", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_an_unused_lookup_is_deleted_and_logged(admin_client_api, seeded):
    source = LeadSourceFactory(company=seeded, name="Unused")

    response = admin_client_api.delete(f"/api/v1/lead-sources/{source.pk}")

    assert response.status_code == 204
    assert not LeadSource.objects.filter(pk=source.pk).exists()
    assert ActivityLog.objects.filter(object_id=source.pk, action="deleted").count() == 1


@pytest.mark.parametrize("model_case", ["status", "source"])
def test_a_lookup_used_by_leads_is_not_deleted(admin_client_api, seeded, model_case):
    status = LeadStatus.objects.for_company(seeded).get(name="New")
    source = LeadSource.objects.for_company(seeded).get(name="Website")
    LeadFactory.create_batch(2, company=seeded, status=status, source=source)
    target, path = (status, "lead-statuses") if model_case == "status" else (source, "lead-sources")

    response = admin_client_api.delete(f"/api/v1/{path}/{target.pk}")

    assert response.status_code == 409
    kind = target._meta.verbose_name
    assert response.json() == {
        "detail": f"The {kind} is still in use.",
        "code": "in_use",
        "blocked_by": {"leads": 2},
    }
    assert type(target).objects.filter(pk=target.pk).exists()
    assert not ActivityLog.objects.filter(object_id=target.pk, action="deleted").exists()


def test_a_contract_type_used_by_contracts_is_not_deleted(admin_client_api, company):
    contract_type = ContractTypeFactory(company=company)
    ContractFactory(company=company, contract_type=contract_type)

    response = admin_client_api.delete(f"/api/v1/contract-types/{contract_type.pk}")

    assert response.status_code == 409
    assert response.json()["blocked_by"] == {"contracts": 1}
    assert ContractType.objects.filter(pk=contract_type.pk).exists()


def test_another_companys_lookup_is_404_and_unchanged(admin_client_api, other_company):
    foreign = LeadStatusFactory(company=other_company, name="Foreign")

    for response in (
        admin_client_api.get(f"/api/v1/lead-statuses/{foreign.pk}"),
        admin_client_api.put(f"/api/v1/lead-statuses/{foreign.pk}", {"name": "Mine"}, format="json"),
        admin_client_api.delete(f"/api/v1/lead-statuses/{foreign.pk}"),
    ):
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_documented_paths_with_and_without_slash(user_client_api, seeded):
    for path in ("lead-statuses", "lead-sources", "contract-types"):
        assert user_client_api.get(f"/api/v1/{path}").status_code == 200
        assert user_client_api.get(f"/api/v1/{path}/").status_code == 200


@pytest.mark.parametrize("resource", ["lead-sources", "lead-statuses"])
def test_a_lookup_added_after_one_at_the_highest_order_stays_in_range(resource, key_client):
    first = key_client.post(
        f"/api/v1/{resource}", {"name": "Last", "order": 2**31 - 1}, format="json"
    )
    assert first.status_code == 201, first.content

    response = key_client.post(f"/api/v1/{resource}", {"name": "After"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["order"] == 2**31 - 1
