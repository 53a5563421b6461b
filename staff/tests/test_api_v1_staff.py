"""v1 staff: list, create, get, update, delete and their rules, through HTTP."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from staff.services import EMAIL_TAKEN_MESSAGE
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.services import LAST_ADMIN_MESSAGE
from tenancy.tests.factories import DepartmentFactory, MembershipFactory

from .payloads import NEW_STAFF, STAFF_FIELDS, expected

pytestmark = pytest.mark.django_db
User = get_user_model()


# --- list -----------------------------------------------------------------------------------


def test_list_shows_the_companys_staff_only(
    admin_client_api, admin_membership, user_membership, other_admin_membership
):
    response = admin_client_api.get("/api/v1/staff")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert body["results"] == [expected(admin_membership), expected(user_membership)]


@pytest.mark.parametrize("path", ["/api/v1/staff", "/api/v1/staff/"])
def test_list_answers_with_and_without_the_trailing_slash(user_client_api, path):
    assert user_client_api.get(path).status_code == 200


@pytest.fixture
def crew(company, admin_membership, user_membership):
    sales = DepartmentFactory(company=company, name="Sales")
    people = {
        "zoe": MembershipFactory(
            company=company, user__first_name="Zoe", user__last_name="Adams",
            user__email="zoe@acme.hu", user__username="zoe",
        ),
        "adam": MembershipFactory(
            company=company, role=Role.ADMIN, user__first_name="Adam", user__last_name="Young",
            user__email="adam@acme.hu", user__username="adam",
        ),
        "gone": MembershipFactory(
            company=company, is_active=False, user__first_name="Gone", user__last_name="Adams",
            user__email="gone@acme.hu", user__username="gone",
        ),
    }
    people["zoe"].departments.add(sales)
    people["gone"].departments.add(sales)
    return {**people, "alice": admin_membership, "bob": user_membership, "sales": sales}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("search=adams", ["zoe", "gone"]),
        ("search=zoe%20ADA", ["zoe"]),
        ("search=adam%40acme", ["adam"]),
        ("role=admin", ["alice", "adam"]),
        ("active=false", ["gone"]),
        ("active=true&role=user", ["bob", "zoe"]),
        ("department={sales}", ["zoe", "gone"]),
        ("ordering=firstname", ["adam", "alice", "bob", "gone", "zoe"]),
        ("ordering=-email", ["zoe", "gone", "bob", "alice", "adam"]),
        ("ordering=lastname,-id", ["gone", "zoe", "alice", "bob", "adam"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_list_filters_and_ordering(admin_client_api, crew, query, names):
    crew["alice"].user.first_name, crew["alice"].user.email = "Alice", "alice@acme.hu"
    crew["alice"].user.last_name = "Baker"
    crew["alice"].user.save()
    crew["bob"].user.first_name, crew["bob"].user.email = "Bob", "bob@acme.hu"
    crew["bob"].user.last_name = "Carter"
    crew["bob"].user.save()
    url = "/api/v1/staff?" + query.format(sales=crew["sales"].pk)

    assert _ids(admin_client_api.get(url)) == [crew[name].pk for name in names]


def test_an_unknown_role_filter_is_a_400(admin_client_api):
    response = admin_client_api.get("/api/v1/staff?role=owner")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["role"]


def test_list_query_count_does_not_grow_with_the_page(company, admin_client_api):
    for index in range(25):
        membership = MembershipFactory(company=company)
        membership.departments.add(DepartmentFactory(company=company, name=f"D{index}"))
    admin_client_api.get("/api/v1/staff?page_size=1")  # warm-up

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client_api.get(f"/api/v1/staff?page_size={size}")
        assert len(response.json()["results"]) == size
        counts[size] = sum(
            1 for q in queries.captured_queries
            if q["sql"].lstrip().split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}
        )

    assert counts[2] == counts[20]
    assert counts[20] <= 4  # membership + company, count, page, departments


# --- retrieve -------------------------------------------------------------------------------


def test_retrieve(user_client_api, admin_membership):
    department = DepartmentFactory(company=admin_membership.company)
    admin_membership.departments.add(department)

    response = user_client_api.get(f"/api/v1/staff/{admin_membership.pk}")

    assert response.status_code == 200
    assert response.json() == expected(admin_membership)
    assert response.json()["departments"] == [department.pk]


@pytest.mark.parametrize("bad_id", ["abc", "0", "999999", "1.5"])
def test_retrieve_a_missing_or_malformed_id_is_404(admin_client_api, bad_id):
    response = admin_client_api.get(f"/api/v1/staff/{bad_id}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- create ---------------------------------------------------------------------------------


def test_create(admin_client_api, company):
    sales = DepartmentFactory(company=company)

    response = admin_client_api.post(
        "/api/v1/staff",
        {**NEW_STAFF, "phonenumber": "+36 1 234 5678", "role": "admin", "departments": [sales.pk]},
        format="json",
    )

    assert response.status_code == 201, response.content
    membership = Membership.objects.get(pk=response.json()["id"])
    assert response.json() == expected(membership)
    assert set(response.json()) == STAFF_FIELDS
    assert membership.company == company
    assert (response.json()["username"], response.json()["role"]) == ("jane@company.com", "admin")
    assert response.json()["departments"] == [sales.pk]
    assert membership.user.check_password("securePass123")


def test_create_with_an_api_key(key_client, company):
    response = key_client.post("/api/v1/staff", NEW_STAFF, format="json")

    assert response.status_code == 201
    assert response.json()["role"] == "user"
    assert Membership.objects.get(pk=response.json()["id"]).company == company


def test_create_needs_the_documented_fields(admin_client_api):
    response = admin_client_api.post("/api/v1/staff", {}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], set(body["errors"])) == (
        "invalid", {"firstname", "lastname", "email", "password"},
    )
    assert body["errors"]["email"] == ["This field is required."]


def test_create_with_a_weak_password_is_a_400_on_password(admin_client_api):
    response = admin_client_api.post(
        "/api/v1/staff", {**NEW_STAFF, "password": "12345678"}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["password"]
    assert "This password is too common." in errors["password"]
    assert not User.objects.filter(email="jane@company.com").exists()


def test_create_with_an_email_of_a_colleague_is_a_400_on_email(admin_client_api, admin_membership):
    response = admin_client_api.post(
        "/api/v1/staff", {**NEW_STAFF, "email": admin_membership.user.email.upper()}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [EMAIL_TAKEN_MESSAGE]}


def test_create_with_an_email_known_in_another_company_reveals_and_changes_nothing(
    admin_client_api, other_admin_membership
):
    other_user = other_admin_membership.user
    before = User.objects.values().get(pk=other_user.pk)

    response = admin_client_api.post(
        "/api/v1/staff", {**NEW_STAFF, "email": other_user.email}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == STAFF_FIELDS
    assert body["username"] not in (other_user.username, other_user.email)
    assert body["username"].startswith(other_user.email + "-")
    assert (body["email"], body["firstname"], body["last_login"]) == (
        other_user.email, "Jane", None,
    )
    created = Membership.objects.get(pk=body["id"])
    assert created.user_id != other_user.pk
    assert User.objects.values().get(pk=other_user.pk) == before
    assert Membership.objects.filter(user=other_user).count() == 1


def test_create_with_another_companys_department_is_a_400(admin_client_api, other_company):
    foreign = DepartmentFactory(company=other_company)

    response = admin_client_api.post(
        "/api/v1/staff", {**NEW_STAFF, "departments": [foreign.pk]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["departments"]
    assert not User.objects.filter(email="jane@company.com").exists()


def test_username_and_active_are_read_only(admin_client_api):
    response = admin_client_api.post(
        "/api/v1/staff", {**NEW_STAFF, "username": "boss", "active": False}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["username"], response.json()["active"]) == ("jane@company.com", True)


# --- update ---------------------------------------------------------------------------------


def test_put_is_partial(admin_client_api, user_membership):
    user_membership.phone = "111"
    user_membership.save()
    department = DepartmentFactory(company=user_membership.company)
    before = expected(user_membership)

    response = admin_client_api.put(
        f"/api/v1/staff/{user_membership.pk}",
        {"firstname": "Robert", "departments": [department.pk]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        **before,
        "firstname": "Robert",
        "departments": [department.pk],
        "updated_at": response.json()["updated_at"],
    }
    assert parse_datetime(response.json()["updated_at"]) > parse_datetime(before["updated_at"])
    assert response.json() == expected(user_membership)


def test_put_email_changes_the_email_not_the_username(admin_client_api, user_membership):
    response = admin_client_api.put(
        f"/api/v1/staff/{user_membership.pk}", {"email": "robert@acme.hu"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["email"], response.json()["username"]) == ("robert@acme.hu", "bob")


def test_put_email_of_a_colleague_is_a_400(admin_client_api, admin_membership, user_membership):
    response = admin_client_api.put(
        f"/api/v1/staff/{user_membership.pk}",
        {"email": admin_membership.user.email},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [EMAIL_TAKEN_MESSAGE]}
    user_membership.user.refresh_from_db()
    assert user_membership.user.email == "bob@example.com"


def test_put_password_goes_through_the_validators(admin_client_api, user_membership):
    weak = admin_client_api.put(
        f"/api/v1/staff/{user_membership.pk}", {"password": "bob"}, format="json"
    )
    strong = admin_client_api.put(
        f"/api/v1/staff/{user_membership.pk}", {"password": "newSecurePass456"}, format="json"
    )

    assert (weak.status_code, list(weak.json()["errors"])) == (400, ["password"])
    assert strong.status_code == 200
    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password("newSecurePass456")


def test_demoting_the_last_admin_is_a_409(admin_client_api, admin_membership):
    response = admin_client_api.put(
        f"/api/v1/staff/{admin_membership.pk}", {"role": "user"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": LAST_ADMIN_MESSAGE,
        "code": "last_admin",
        "errors": {"role": [LAST_ADMIN_MESSAGE]},
    }
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMIN


def test_patch_is_not_a_route(admin_client_api, user_membership):
    response = admin_client_api.patch(
        f"/api/v1/staff/{user_membership.pk}", {"firstname": "X"}, format="json"
    )

    assert response.status_code == 405


# --- delete ---------------------------------------------------------------------------------


def test_delete_deactivates_and_keeps_the_user(admin_client_api, user_membership):
    response = admin_client_api.delete(f"/api/v1/staff/{user_membership.pk}")

    assert response.status_code == 204
    assert response.content == b""
    user_membership.refresh_from_db()
    assert (user_membership.is_active, user_membership.deactivated_at is not None) == (False, True)
    assert User.objects.filter(pk=user_membership.user_id, is_active=True).exists()


def test_a_deleted_member_can_no_longer_use_their_token(
    admin_client_api, user_client_api, user_membership
):
    admin_client_api.delete(f"/api/v1/staff/{user_membership.pk}")

    assert user_client_api.get("/api/v1/staff").status_code == 401


def test_deleting_the_last_admin_is_a_409(admin_client_api, admin_membership):
    response = admin_client_api.delete(f"/api/v1/staff/{admin_membership.pk}")

    assert response.status_code == 409
    assert response.json() == {"detail": LAST_ADMIN_MESSAGE, "code": "last_admin"}
    admin_membership.refresh_from_db()
    assert admin_membership.is_active is True
