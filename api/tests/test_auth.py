"""Login, refresh, JWT use, X-Company-ID and the cost of authentication (issue 2,
"Authentication and roles")."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from conftest import PASSWORD
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.tests.factories import (
    CompanyFactory,
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/refresh/"
COUNTRIES = "/api/v1/countries"
NO_ACCOUNT = {
    "detail": "No active account found with the given credentials",
    "code": "no_active_account",
}


def _login(username: str, password: str = PASSWORD):
    return APIClient().post(LOGIN, {"username": username, "password": password}, format="json")


def _bearer(access: str, **headers) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}", **headers)
    return client


# Login ------------------------------------------------------------------------------------


def test_login_gives_a_token_pair_that_works(admin_membership):
    response = _login("alice")

    assert response.status_code == 200, response.content
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}
    assert _bearer(tokens["access"]).get(COUNTRIES).status_code == 200


def test_wrong_password_is_401_with_detail_and_code(admin_membership):
    response = _login("alice", "not-the-password")

    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT
    assert response["X-Request-ID"]


def test_unknown_user_is_the_same_401(db):
    response = _login("nobody")

    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT


def test_missing_fields_are_400_naming_them(db):
    response = APIClient().post(LOGIN, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Validation failed.",
        "code": "invalid",
        "errors": {
            "username": ["This field is required."],
            "password": ["This field is required."],
        },
    }


def test_login_is_post_only(db):
    response = APIClient().get(LOGIN)

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.', "code": "method_not_allowed"}


def _deactivate_user(membership):
    membership.user.is_active = False
    membership.user.save()


def _deactivate_membership(membership):
    membership.is_active = False
    membership.save()


def _deactivate_company(membership):
    membership.company.is_active = False
    membership.company.save()


DEACTIVATIONS = pytest.mark.parametrize(
    "deactivate",
    [_deactivate_user, _deactivate_membership, _deactivate_company],
    ids=["inactive_user", "inactive_membership", "inactive_company"],
)


@DEACTIVATIONS
def test_inactive_user_membership_or_company_cannot_log_in(deactivate, admin_membership):
    deactivate(admin_membership)

    response = _login("alice")

    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT


def test_user_without_any_membership_cannot_log_in(db):
    UserFactory(username="drifter")

    response = _login("drifter")

    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT


def test_one_active_membership_is_enough_to_log_in(admin_membership, other_company):
    _deactivate_membership(admin_membership)
    MembershipFactory(user=admin_membership.user, company=other_company, is_default=False)

    assert _login("alice").status_code == 200


# Refresh ----------------------------------------------------------------------------------


def test_refresh_gives_a_new_working_access_token(admin_membership):
    refresh = _login("alice").json()["refresh"]

    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access"}
    assert _bearer(response.json()["access"]).get(COUNTRIES).status_code == 200


@DEACTIVATIONS
def test_refresh_is_refused_once_access_is_withdrawn(deactivate, admin_membership):
    refresh = _login("alice").json()["refresh"]
    deactivate(admin_membership)

    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT


@pytest.mark.parametrize("token", ["garbage", "a.b.c"], ids=["garbage", "dots"])
def test_refresh_with_a_bad_token_is_401(token, admin_membership):
    response = APIClient().post(REFRESH, {"refresh": token}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid", "code": "token_not_valid"}


def test_refresh_without_a_token_is_400(admin_membership):
    response = APIClient().post(REFRESH, {"refresh": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Validation failed.",
        "code": "invalid",
        "errors": {"refresh": ["This field may not be blank."]},
    }


def test_an_access_token_is_not_a_refresh_token(admin_membership):
    access = _login("alice").json()["access"]

    response = APIClient().post(REFRESH, {"refresh": access}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


# Using an access token ----------------------------------------------------------------------


@DEACTIVATIONS
def test_access_token_stops_working_when_access_is_withdrawn(deactivate, admin_membership):
    client = _bearer(_login("alice").json()["access"])
    assert client.get(COUNTRIES).status_code == 200

    deactivate(admin_membership)
    response = client.get(COUNTRIES)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "User is inactive or has no active company membership.",
        "code": "authentication_failed",
    }


def test_token_of_a_deleted_user_is_401(admin_membership):
    client = _bearer(str(RefreshToken.for_user(admin_membership.user).access_token))
    admin_membership.user.delete()

    response = client.get(COUNTRIES)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


# X-Company-ID ------------------------------------------------------------------------------


@pytest.fixture
def two_company_user(company, other_company):
    """A user whose default company is `company`, also a member of `other_company`."""
    membership = MembershipFactory(company=company, role=Role.ADMIN, is_default=True)
    MembershipFactory(company=other_company, user=membership.user, role=Role.USER, is_default=False)
    DepartmentFactory(company=company, name="Ours")
    DepartmentFactory(company=other_company, name="Theirs")
    return membership.user


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.urls("api.tests.dialect_urls")
def test_user_in_two_companies_works_in_the_default_unless_they_choose(
    two_company_user, company, other_company
):
    access = str(RefreshToken.for_user(two_company_user).access_token)

    assert _names(_bearer(access).get("/api/v1/departments")) == ["Ours"]
    assert _names(_bearer(access, HTTP_X_COMPANY_ID=str(other_company.pk)).get(
        "/api/v1/departments"
    )) == ["Theirs"]
    assert _names(_bearer(access, HTTP_X_COMPANY_ID=str(company.pk)).get(
        "/api/v1/departments"
    )) == ["Ours"]


@pytest.mark.urls("api.tests.dialect_urls")
def test_role_follows_the_chosen_company(two_company_user, other_company):
    access = str(RefreshToken.for_user(two_company_user).access_token)
    client = _bearer(access, HTTP_X_COMPANY_ID=str(other_company.pk))

    response = client.post("/api/v1/departments", {"name": "New"}, format="json")

    assert response.status_code == 403  # admin in the default company, user in this one
    assert response.json()["code"] == "permission_denied"


@pytest.mark.urls("api.tests.dialect_urls")
def test_default_falls_back_to_another_active_membership(two_company_user, company):
    Membership.objects.filter(company=company).update(is_active=False)
    access = str(RefreshToken.for_user(two_company_user).access_token)

    assert _names(_bearer(access).get("/api/v1/departments")) == ["Theirs"]


@pytest.mark.parametrize(
    "header",
    [
        "not-a-number",
        "1; DROP TABLE tenancy_company",
        "²",
        "-1",
        "1.0",
        " 1",
        "99999999999999999999999999",
        "9" * 5000,
        "\x00",
    ],
    ids=["text", "sql", "superscript", "negative", "float", "space", "huge", "digits", "nul"],
)
def test_malformed_company_header_is_403_not_500(header, admin_membership):
    client = _bearer(
        str(RefreshToken.for_user(admin_membership.user).access_token), HTTP_X_COMPANY_ID=header
    )

    response = client.get(COUNTRIES)

    assert response.status_code == 403, response.content
    assert response.json() == {
        "detail": "You are not a member of this company.",
        "code": "permission_denied",
    }


def test_company_the_user_is_not_in_is_403(admin_membership, other_company):
    client = _bearer(
        str(RefreshToken.for_user(admin_membership.user).access_token),
        HTTP_X_COMPANY_ID=str(other_company.pk),
    )

    response = client.get(COUNTRIES)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_company_where_the_membership_is_inactive_is_403(two_company_user, other_company):
    Membership.objects.filter(company=other_company).update(is_active=False)
    client = _bearer(
        str(RefreshToken.for_user(two_company_user).access_token),
        HTTP_X_COMPANY_ID=str(other_company.pk),
    )

    assert client.get(COUNTRIES).status_code == 403


def test_api_key_ignores_x_company_id(key_client, other_company):
    # A key is bound to its company; the header cannot move it elsewhere.
    key_client.credentials(
        HTTP_X_API_KEY=key_client.raw_key, HTTP_X_COMPANY_ID=str(other_company.pk)
    )

    assert key_client.get(COUNTRIES).status_code == 200


# What authentication costs ------------------------------------------------------------------


def _data_queries(captured) -> list[str]:
    verbs = ("SELECT", "INSERT", "UPDATE", "DELETE")
    sqls = [query["sql"] for query in captured.captured_queries]
    return [sql for sql in sqls if sql.lstrip().upper().startswith(verbs)]


@pytest.mark.parametrize("credential", ["api_key", "jwt", "jwt_with_company_header"])
def test_authentication_and_company_resolution_cost_one_query(
    credential, company, admin_membership, key_client
):
    if credential == "api_key":
        client, table = key_client, "tenancy_apikey"
    else:
        header = {"HTTP_X_COMPANY_ID": str(company.pk)} if credential.endswith("header") else {}
        access = str(RefreshToken.for_user(admin_membership.user).access_token)
        client, table = _bearer(access, **header), "tenancy_membership"
    assert client.get(COUNTRIES).status_code == 200  # warm-up: first use writes last_used_at

    with CaptureQueriesContext(connection) as captured:
        response = client.get(COUNTRIES)

    assert response.status_code == 200
    queries = _data_queries(captured)
    assert len(queries) <= 2  # the bound
    assert len(queries) == 1, queries  # what the design promises: one joined lookup
    assert table in queries[0] and "tenancy_company" in queries[0]


def test_a_user_in_several_companies_still_costs_one_query(db):
    user = UserFactory()
    for index in range(3):
        MembershipFactory(user=user, company=CompanyFactory(), is_default=index == 1)
    client = _bearer(str(RefreshToken.for_user(user).access_token))
    client.get(COUNTRIES)

    with CaptureQueriesContext(connection) as captured:
        assert client.get(COUNTRIES).status_code == 200

    assert len(_data_queries(captured)) == 1
