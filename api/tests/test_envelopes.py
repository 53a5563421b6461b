"""Success envelopes, paths with and without a trailing slash, request ids, and the crm
dialect's `{organization_id}` (issue 2, "API dialects")."""
from __future__ import annotations

import uuid

import pytest

from tenancy.models import Department
from tenancy.tests.factories import DepartmentFactory, MembershipFactory

from .dialects import BILLINGO, CRM, DIALECTS, SERVICES, V1, V2, assert_error, dialect_id

pytestmark = [pytest.mark.django_db, pytest.mark.urls("api.tests.dialect_urls")]


@pytest.fixture
def departments(company, other_company):
    DepartmentFactory(company=other_company, name="Not ours")
    return [DepartmentFactory(company=company, name=f"Dept {n:02d}") for n in range(1, 4)]


def _row(department: Department) -> dict:
    return {"id": department.pk, "name": department.name, "email": department.email}


# List envelopes ----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", [V1, BILLINGO], ids=dialect_id)
def test_v1_and_billingo_lists_use_drfs_page_envelope(
    dialect, company, departments, admin_client_api
):
    response = admin_client_api.get(dialect.url(dialect.list_path, company), {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert body["previous"] is None
    assert body["next"].endswith("page=2&page_size=2")
    assert body["results"] == [_row(d) for d in departments[:2]]


def test_v2_list_has_success_data_and_meta_with_page_and_limit(
    company, departments, admin_client_api
):
    response = admin_client_api.get(V2.list_path, {"page": 2, "limit": 2})

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": [_row(departments[2])],
        "meta": {"current_page": 2, "total_pages": 2, "total_records": 3},
    }


def test_crm_list_names_its_items_and_paginates(company, departments, admin_client_api):
    response = admin_client_api.get(CRM.url(CRM.list_path, company), {"page": 1, "page_size": 2})

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": {
            "departments": [_row(d) for d in departments[:2]],
            "pagination": {
                "page": 1,
                "page_size": 2,
                "total": 3,
                "pages": 2,
                "has_next": True,
                "has_prev": False,
            },
        },
    }


def test_services_list_is_the_bare_resource_list(company, departments, admin_client_api):
    response = admin_client_api.get(SERVICES.list_path)

    assert response.status_code == 200
    assert response.json() == [_row(d) for d in departments]


@pytest.mark.parametrize("dialect", [V1, V2, CRM, BILLINGO], ids=dialect_id)  # services: no pages
def test_a_page_past_the_end_is_404_in_the_dialect_shape(
    dialect, company, departments, admin_client_api
):
    response = admin_client_api.get(dialect.url(dialect.list_path, company), {"page": 9})

    assert_error(dialect, response, 404)


# Single objects, 201 and 204 -----------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS, ids=dialect_id)
def test_single_object_envelope(dialect, company, departments, admin_client_api):
    department = departments[0]

    response = admin_client_api.get(dialect.url(dialect.detail_path, company, pk=department.pk))

    assert response.status_code == 200
    if dialect in (V2, CRM):
        assert response.json() == {"success": True, "data": _row(department)}
    else:
        assert response.json() == _row(department)


@pytest.mark.parametrize("dialect", DIALECTS, ids=dialect_id)
def test_create_is_201_in_the_envelope_and_in_our_company(dialect, company, admin_client_api):
    response = admin_client_api.post(
        dialect.url(dialect.list_path, company),
        {"name": "Sales", "email": "sales@example.com"},
        format="json",
    )

    assert response.status_code == 201, response.content
    created = Department.objects.get()
    assert created.company == company
    expected = {"id": created.pk, "name": "Sales", "email": "sales@example.com"}
    if dialect in (V2, CRM):
        assert response.json() == {"success": True, "data": expected}
    else:
        assert response.json() == expected


@pytest.mark.parametrize("dialect", [V1, V2, CRM, BILLINGO], ids=dialect_id)
def test_delete_is_204_without_a_body(dialect, company, departments, admin_client_api):
    department = departments[0]

    response = admin_client_api.delete(dialect.url(dialect.detail_path, company, pk=department.pk))

    assert response.status_code == 204
    assert response.content == b""
    assert response["X-Request-ID"]
    assert not Department.objects.filter(pk=department.pk).exists()


# Trailing slashes ---------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", [V1, V2, CRM], ids=dialect_id)
@pytest.mark.parametrize("slash", ["", "/"], ids=["no-slash", "slash"])
def test_v1_v2_crm_paths_work_with_and_without_trailing_slash(
    dialect, slash, company, departments, admin_client_api
):
    department = departments[0]
    list_url = dialect.url(dialect.list_path, company) + slash
    detail_url = dialect.url(dialect.detail_path, company, pk=department.pk) + slash

    list_response = admin_client_api.get(list_url)
    detail_response = admin_client_api.get(detail_url)
    create_response = admin_client_api.post(list_url, {"name": f"New{slash}"}, format="json")

    assert list_response.status_code == 200, list_response.content
    assert detail_response.status_code == 200, detail_response.content
    assert create_response.status_code == 201, create_response.content


# X-Request-ID -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "path", "status"),
    [
        ("v1-success", "/api/v1/departments", 200),
        ("v2-success", "/api/v2/departments/", 200),
        ("crm-success", "/api/v1/crm/{org}/departments", 200),
        ("billingo-success", "/api/billingo-test/departments/", 200),
        ("services-success", "/api/services/CRM/Invoice/Ping", 200),
        ("v1-4xx", "/api/v1/departments/999999", 404),
        ("v2-5xx", "/api/v2/departments/boom", 500),
        ("unknown-url", "/api/v2/nothing-here", 404),
        ("outside-the-api", "/not-an-api-path", 404),
    ],
)
def test_every_response_carries_a_request_id_and_echoes_a_valid_one(
    case, path, status, company, admin_client_api
):
    url = path.format(org=company.uuid)
    method = admin_client_api.post if case.endswith("5xx") else admin_client_api.get

    fresh = method(url)
    echoed = method(url, HTTP_X_REQUEST_ID="client-trace-42")
    refused = method(url, HTTP_X_REQUEST_ID="bad id with spaces")

    assert fresh.status_code == echoed.status_code == refused.status_code == status
    uuid.UUID(fresh["X-Request-ID"])
    assert echoed["X-Request-ID"] == "client-trace-42"
    assert refused["X-Request-ID"] != "bad id with spaces"
    uuid.UUID(refused["X-Request-ID"])


def test_crm_error_body_carries_the_request_id(company, anon_client):
    response = anon_client.get(CRM.url(CRM.list_path, company), HTTP_X_REQUEST_ID="crm-trace-0001")

    body = assert_error(CRM, response, 401)
    assert body["error"]["request_id"] == "crm-trace-0001"


# crm: the organization in the path -----------------------------------------------------------


def test_crm_organization_of_another_company_is_403(company, other_company, admin_client_api):
    DepartmentFactory(company=other_company)

    response = admin_client_api.get(CRM.url(CRM.list_path, other_company))

    body = assert_error(CRM, response, 403)
    assert body["error"]["message"] == "You are not a member of this company."


@pytest.mark.parametrize(
    "organization_id",
    ["not-a-uuid", "12345", str(uuid.uuid4()), "%00", "x" * 500],
    ids=["text", "integer-id", "unknown-uuid", "nul", "long"],
)
def test_crm_malformed_or_unknown_organization_is_refused_not_500(
    organization_id, company, admin_client_api
):
    response = admin_client_api.get(f"/api/v1/crm/{organization_id}/departments")

    assert response.status_code in (403, 404), response.content
    assert_error(CRM, response, response.status_code)


def test_crm_path_decides_the_company_whatever_x_company_id_says(
    company, other_company, jwt_client_for
):
    membership = MembershipFactory(company=company, is_default=True)
    MembershipFactory(company=other_company, user=membership.user, is_default=False)
    DepartmentFactory(company=company, name="Ours")
    DepartmentFactory(company=other_company, name="Theirs")
    client = jwt_client_for(membership, company_header=True)  # X-Company-ID: company

    response = client.get(CRM.url(CRM.list_path, other_company))

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["data"]["departments"]] == ["Theirs"]


def test_crm_refuses_api_keys_even_for_its_own_organization(company, key_client):
    response = key_client.get(CRM.url(CRM.list_path, company))

    body = assert_error(CRM, response, 401)
    assert body["error"]["code"] == "AUTHENTICATION_FAILED"
