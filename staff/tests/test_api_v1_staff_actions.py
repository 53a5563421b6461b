"""v1 staff actions (activate, deactivate, change-password, permissions, roles) and who may
call what: members read, admins write, another company's staff id is not found."""
from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from staff.services import PASSWORD_NOT_YOURS_MESSAGE
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.services import LAST_ADMIN_MESSAGE
from tenancy.tests.factories import MembershipFactory

from .payloads import NEW_STAFF, expected

pytestmark = pytest.mark.django_db
OLD_PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "newSecurePass456"


def _state(membership: Membership) -> dict:
    """Everything a call could change about a staff member: the row, the user, departments."""
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    return {
        **model_to_dict(membership),
        "updated_at": membership.updated_at,
        "user": model_to_dict(membership.user),
    }


# --- activate / deactivate ------------------------------------------------------------------


def test_deactivate_then_activate(admin_client_api, user_membership):
    deactivated = admin_client_api.post(f"/api/v1/staff/{user_membership.pk}/deactivate")

    assert deactivated.status_code == 200
    assert deactivated.json() == expected(user_membership)
    assert deactivated.json()["active"] is False

    activated = admin_client_api.post(f"/api/v1/staff/{user_membership.pk}/activate")

    assert activated.status_code == 200
    assert activated.json()["active"] is True
    user_membership.refresh_from_db()
    assert (user_membership.is_active, user_membership.deactivated_at) == (True, None)


def test_deactivating_the_last_admin_is_a_409(admin_client_api, admin_membership):
    response = admin_client_api.post(f"/api/v1/staff/{admin_membership.pk}/deactivate")

    assert response.status_code == 409
    assert response.json() == {"detail": LAST_ADMIN_MESSAGE, "code": "last_admin"}
    admin_membership.refresh_from_db()
    assert admin_membership.is_active is True


def test_an_admin_may_deactivate_themself_while_another_admin_is_active(
    company, admin_client_api, admin_membership
):
    MembershipFactory(company=company, role=Role.ADMIN)

    response = admin_client_api.post(f"/api/v1/staff/{admin_membership.pk}/deactivate")

    assert response.status_code == 200
    assert response.json()["active"] is False


# --- change-password ------------------------------------------------------------------------


def test_an_admin_changes_a_members_password(admin_client_api, user_membership, anon_client):
    response = admin_client_api.post(
        f"/api/v1/staff/{user_membership.pk}/change-password",
        {"password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == expected(user_membership)
    login = anon_client.post(
        "/api/auth/login/", {"username": "bob", "password": NEW_PASSWORD}, format="json"
    )
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("body", "field_error"),
    [({}, "This field is required."), ({"password": "abc"}, None)],
    ids=["missing_case", "weak_case"],
)
def test_change_password_refuses_a_bad_body(admin_client_api, user_membership, body, field_error):
    response = admin_client_api.post(
        f"/api/v1/staff/{user_membership.pk}/change-password", body, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["password"]
    if field_error:
        assert errors["password"] == [field_error]
    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password(OLD_PASSWORD)


def test_a_member_changes_their_own_password(user_client_api, user_membership):
    response = user_client_api.post(
        f"/api/v1/staff/{user_membership.pk}/change-password",
        {"password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("client_case", ["member_jwt_case", "member_api_key_case"])
def test_a_member_cannot_change_a_colleagues_password(
    request, admin_membership, user_membership, client_case
):
    client = request.getfixturevalue(
        "user_client_api" if client_case == "member_jwt_case" else "user_key_client"
    )

    response = client.post(
        f"/api/v1/staff/{admin_membership.pk}/change-password",
        {"password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    admin_membership.user.refresh_from_db()
    assert admin_membership.user.check_password(OLD_PASSWORD)


def test_an_admin_cannot_take_over_a_user_who_is_also_in_another_company(
    admin_client_api, user_membership, other_company
):
    MembershipFactory(company=other_company, user=user_membership.user, is_default=False)

    response = admin_client_api.post(
        f"/api/v1/staff/{user_membership.pk}/change-password",
        {"password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": PASSWORD_NOT_YOURS_MESSAGE, "code": "permission_denied"}
    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password(OLD_PASSWORD)


# --- permissions and roles ------------------------------------------------------------------


def test_permissions_of_a_staff_member(user_client_api, admin_membership, user_membership):
    admin = user_client_api.get(f"/api/v1/staff/{admin_membership.pk}/permissions")
    member = user_client_api.get(f"/api/v1/staff/{user_membership.pk}/permissions")

    assert admin.status_code == member.status_code == 200
    assert admin.json() == {
        "staff_id": admin_membership.pk,
        "role": "admin",
        "permissions": [
            "data.read", "data.write", "staff.manage", "api_keys.manage", "settings.manage",
            "integrations.manage",
        ],
    }
    assert member.json() == {
        "staff_id": user_membership.pk,
        "role": "user",
        "permissions": ["data.read", "data.write"],
    }


def test_an_inactive_member_has_no_permissions(company, admin_client_api):
    gone = MembershipFactory(company=company, is_active=False)

    response = admin_client_api.get(f"/api/v1/staff/{gone.pk}/permissions")

    assert response.json() == {"staff_id": gone.pk, "role": "user", "permissions": []}


@pytest.mark.parametrize("path", ["/api/v1/staff/roles", "/api/v1/staff/roles/"])
def test_roles(user_key_client, path):
    response = user_key_client.get(path)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": "admin",
            "name": "Administrator",
            "permissions": [
                "data.read", "data.write", "staff.manage", "api_keys.manage",
                "settings.manage", "integrations.manage",
            ],
        },
        {"id": "user", "name": "User", "permissions": ["data.read", "data.write"]},
    ]


def test_roles_need_credentials(anon_client):
    assert anon_client.get("/api/v1/staff/roles").status_code == 401


# --- members read, admins write -------------------------------------------------------------

WRITES = [
    ("post", "", NEW_STAFF),
    ("put", "{id}", {"firstname": "Changed"}),
    ("delete", "{id}", None),
    ("post", "{id}/activate", None),
    ("post", "{id}/deactivate", None),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body"), WRITES, ids=lambda v: v if isinstance(v, str) else None
)
@pytest.mark.parametrize("client_name", ["user_client_api", "user_key_client"])
def test_a_member_cannot_write_staff(
    request, admin_membership, company, method, suffix, body, client_name
):
    client = request.getfixturevalue(client_name)
    target = MembershipFactory(company=company)
    before = _state(target)
    count = Membership.objects.count()

    response = getattr(client, method)(
        f"/api/v1/staff/{suffix.format(id=target.pk)}".rstrip("/"), body, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "This action requires the admin role."
    assert _state(target) == before
    assert Membership.objects.count() == count


@pytest.mark.parametrize("suffix", ["", "{id}", "{id}/permissions"])
def test_a_member_reads_staff(user_client_api, admin_membership, suffix):
    url = f"/api/v1/staff/{suffix.format(id=admin_membership.pk)}".rstrip("/")

    assert user_client_api.get(url).status_code == 200


# --- another company's staff id -------------------------------------------------------------

FOREIGN_CALLS = [
    ("get", "", None),
    ("put", "", {"firstname": "Mallory", "email": "mallory@evil.test", "role": "user"}),
    ("delete", "", None),
    ("post", "/activate", None),
    ("post", "/deactivate", None),
    ("post", "/change-password", {"password": NEW_PASSWORD}),
    ("get", "/permissions", None),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body"), FOREIGN_CALLS, ids=lambda v: v if isinstance(v, str) else None
)
@pytest.mark.parametrize("client_name", ["other_admin_client_api", "other_key_client"])
def test_another_companys_staff_id_is_not_found_and_unchanged(
    request, admin_membership, user_membership, method, suffix, body, client_name
):
    client = request.getfixturevalue(client_name)
    # The target is inactive for activate, so a leak would show as a change.
    if suffix == "/activate":
        Membership.objects.filter(pk=user_membership.pk).update(is_active=False)
    before = _state(user_membership)

    response = getattr(client, method)(
        f"/api/v1/staff/{user_membership.pk}{suffix}", body, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert _state(user_membership) == before
    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password(OLD_PASSWORD)


def test_another_companys_list_does_not_show_our_staff(
    other_admin_client_api, admin_membership, user_membership, other_admin_membership
):
    response = other_admin_client_api.get("/api/v1/staff")

    assert [row["id"] for row in response.json()["results"]] == [other_admin_membership.pk]
