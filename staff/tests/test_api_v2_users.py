"""v2 users: the v2 envelope, the document's role names, the same rules as v1 staff."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from staff.api.v2 import split_name
from staff.services import EMAIL_TAKEN_MESSAGE
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_USER = {
    "name": "Admin User",
    "email": "admin@example.com",
    "password": "securepassword",
    "role": "administrator",
}


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def expected(membership: Membership) -> dict:
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    return {
        "id": membership.pk,
        "name": membership.user.get_full_name(),
        "email": membership.user.email,
        "username": membership.user.username,
        "role": "administrator" if membership.role == Role.ADMIN else "user",
        "active": membership.is_active,
        "created_at": _iso(membership.created_at),
    }


def test_list(user_key_client, admin_membership, user_membership, other_admin_membership):
    response = user_key_client.get("/api/v2/users")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": [expected(admin_membership), expected(user_membership)],
        "meta": {"current_page": 1, "total_pages": 1, "total_records": 2},
    }
    assert response.json()["data"][0]["role"] == "administrator"


def test_list_pages_with_limit_and_searches(company, admin_client_api, admin_membership):
    for index in range(4):
        MembershipFactory(company=company, user__first_name=f"Tester{index}")

    paged = admin_client_api.get("/api/v2/users?page=2&limit=2")
    found = admin_client_api.get("/api/v2/users?search=tester3")

    assert paged.json()["meta"] == {"current_page": 2, "total_pages": 3, "total_records": 5}
    assert len(paged.json()["data"]) == 2
    assert [row["name"].split()[0] for row in found.json()["data"]] == ["Tester3"]


@pytest.mark.parametrize(
    ("sent", "role", "shown"),
    [
        ("administrator", Role.ADMIN, "administrator"),
        ("admin", Role.ADMIN, "administrator"),
        ("user", Role.USER, "user"),
        (None, Role.USER, "user"),
    ],
    ids=["administrator_case", "admin_alias_case", "user_case", "default_case"],
)
def test_create_maps_the_role(admin_client_api, company, sent, role, shown):
    body = {**NEW_USER, "role": sent}
    if sent is None:
        del body["role"]

    response = admin_client_api.post("/api/v2/users", body, format="json")

    assert response.status_code == 201, response.content
    membership = Membership.objects.get(pk=response.json()["data"]["id"])
    assert (membership.company, membership.role) == (company, role)
    assert response.json() == {"success": True, "data": expected(membership)}
    assert response.json()["data"]["role"] == shown
    assert (membership.user.first_name, membership.user.last_name) == ("Admin", "User")
    assert membership.user.username == "admin@example.com"
    assert membership.user.check_password("securepassword")


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Admin User", ("Admin", "User")),
        ("Mary Ann  Smith", ("Mary Ann", "Smith")),
        ("Cher", ("Cher", "")),
        ("  Cher  ", ("Cher", "")),
    ],
)
def test_split_name(name, parts):
    assert split_name(name) == parts


def test_missing_fields_answer_in_the_v2_error_shape(admin_client_api):
    response = admin_client_api.post("/api/v2/users", {"name": "X"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Validation failed",
        "errors": {"email": "This field is required.", "password": "This field is required."},
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"role": "owner"}, "role", '"owner" is not a valid choice.'),
        ({"password": "123"}, "password", None),
    ],
    ids=["email_case", "role_case", "password_case"],
)
def test_invalid_fields(admin_client_api, change, field, message):
    users = User.objects.count()

    response = admin_client_api.post("/api/v2/users", {**NEW_USER, **change}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["success"], body["message"], list(body["errors"])) == (
        False, "Validation failed", [field],
    )
    assert isinstance(body["errors"][field], str)
    if message:
        assert body["errors"][field] == message
    assert User.objects.count() == users


def test_an_email_used_in_the_company_is_refused(admin_client_api, admin_membership):
    response = admin_client_api.post(
        "/api/v2/users", {**NEW_USER, "email": admin_membership.user.email}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Validation failed",
        "errors": {"email": EMAIL_TAKEN_MESSAGE},
    }


def test_an_email_known_elsewhere_gets_a_new_user_and_a_distinct_username(
    admin_client_api, other_admin_membership
):
    other_user = other_admin_membership.user
    before = User.objects.values().get(pk=other_user.pk)

    response = admin_client_api.post(
        "/api/v2/users", {**NEW_USER, "email": other_user.email}, format="json"
    )

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["username"].startswith(other_user.email + "-")
    assert Membership.objects.get(pk=data["id"]).user_id != other_user.pk
    assert User.objects.values().get(pk=other_user.pk) == before


def test_a_member_cannot_create_users(user_client_api):
    response = user_client_api.post("/api/v2/users", NEW_USER, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "message": "This action requires the admin role.",
    }
    assert not User.objects.filter(email=NEW_USER["email"]).exists()


def test_another_companys_users_are_not_listed(
    other_key_client, admin_membership, user_membership, other_admin_membership
):
    response = other_key_client.get("/api/v2/users")

    assert [row["id"] for row in response.json()["data"]] == [other_admin_membership.pk]
