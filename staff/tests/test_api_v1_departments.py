"""v1 departments (`/api/v1/departments`, and `/api/v1/staff/departments` read-only)."""
from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from tenancy.models import Department
from tenancy.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
NAME_TAKEN = {"name": ["A department with this name already exists."]}


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def expected(department: Department) -> dict:
    department.refresh_from_db()
    return {
        "id": department.pk,
        "name": department.name,
        "email": department.email,
        "created_at": _iso(department.created_at),
        "updated_at": _iso(department.updated_at),
    }


@pytest.fixture
def departments(company, other_company):
    DepartmentFactory(company=other_company, name="Foreign")
    return [
        DepartmentFactory(company=company, name="Support", email="help@acme.hu"),
        DepartmentFactory(company=company, name="Sales"),
    ]


@pytest.mark.parametrize("path", ["/api/v1/departments", "/api/v1/staff/departments"])
def test_both_lists_show_the_companys_departments_by_name(user_key_client, departments, path):
    support, sales = departments

    response = user_key_client.get(path)

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [expected(sales), expected(support)],
    }


def test_department_list_search(user_client_api, departments):
    response = user_client_api.get("/api/v1/departments?search=sup")

    assert [row["name"] for row in response.json()["results"]] == ["Support"]


def test_create_retrieve_update_delete(admin_client_api, company, user_membership):
    created = admin_client_api.post(
        "/api/v1/departments", {"name": "Sales", "email": "sales@acme.hu"}, format="json"
    )
    assert created.status_code == 201, created.content
    department = Department.objects.get(pk=created.json()["id"])
    assert department.company == company
    assert created.json() == expected(department)

    fetched = admin_client_api.get(f"/api/v1/departments/{department.pk}")
    assert (fetched.status_code, fetched.json()) == (200, expected(department))

    updated = admin_client_api.put(
        f"/api/v1/departments/{department.pk}", {"name": "Sales EMEA"}, format="json"
    )
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["email"]) == ("Sales EMEA", "sales@acme.hu")

    user_membership.departments.add(department)
    deleted = admin_client_api.delete(f"/api/v1/departments/{department.pk}")
    assert deleted.status_code == 204
    assert not Department.objects.filter(pk=department.pk).exists()
    assert user_membership.departments.count() == 0


def test_staff_departments_is_read_only(admin_client_api):
    response = admin_client_api.post("/api/v1/staff/departments", {"name": "X"}, format="json")

    assert response.status_code == 405
    assert not Department.objects.filter(name="X").exists()


@pytest.mark.parametrize("name", ["Sales", "sales", "  SALES  "])
def test_a_duplicate_name_is_a_400_on_name(admin_client_api, departments, name):
    response = admin_client_api.post("/api/v1/departments", {"name": name}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == NAME_TAKEN
    assert Department.objects.filter(name__iexact="sales").count() == 1


def test_renaming_to_a_taken_name_is_a_400(admin_client_api, departments):
    support, _sales = departments

    response = admin_client_api.put(
        f"/api/v1/departments/{support.pk}", {"name": "SALES"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == NAME_TAKEN
    support.refresh_from_db()
    assert support.name == "Support"


def test_create_needs_a_name(admin_client_api):
    response = admin_client_api.post("/api/v1/departments", {"email": "x@y.hu"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["This field is required."]}


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("post", "", {"name": "New"}), ("put", "/{id}", {"name": "New"}), ("delete", "/{id}", None)],
    ids=["create", "update", "delete"],
)
def test_a_member_cannot_write_departments(user_client_api, departments, method, suffix, body):
    support = departments[0]
    before = model_to_dict(support)

    response = getattr(user_client_api, method)(
        "/api/v1/departments" + suffix.format(id=support.pk), body, format="json"
    )

    assert response.status_code == 403
    support.refresh_from_db()
    assert model_to_dict(support) == before
    assert not Department.objects.filter(name="New").exists()


@pytest.mark.parametrize(
    ("method", "body"), [("get", None), ("put", {"name": "Mine"}), ("delete", None)]
)
def test_another_companys_department_is_not_found_and_unchanged(
    other_key_client, departments, method, body
):
    support = departments[0]
    before = expected(support)

    response = getattr(other_key_client, method)(
        f"/api/v1/departments/{support.pk}", body, format="json"
    )

    assert response.status_code == 404
    assert expected(support) == before
