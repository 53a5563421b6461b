"""Every dialect answers every kind of error in its own shape (issue 2, "API dialects").

The resources are the test-only Department viewsets of `api.tests.dialect_urls`, one per
dialect base class, so what is proven here holds for every resource built on those bases.
"""
from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from tenancy.features import Feature
from tenancy.models import Department
from tenancy.services import company_set_features
from tenancy.tests.factories import DepartmentFactory

from .dialect_urls import BOOM_ROW
from .dialects import DIALECTS, KEY_DIALECTS, SERVICES, assert_error, dialect_id, error_message

pytestmark = [pytest.mark.django_db, pytest.mark.urls("api.tests.dialect_urls")]

by_dialect = pytest.mark.parametrize("dialect", DIALECTS, ids=dialect_id)
by_key_dialect = pytest.mark.parametrize("dialect", KEY_DIALECTS, ids=dialect_id)


# 400 (422 on crm): validation -------------------------------------------------------------


@by_dialect
def test_validation_error_names_the_field(dialect, company, admin_client_api):
    response = admin_client_api.post(
        dialect.url(dialect.list_path, company), {"email": "not-an-email"}, format="json"
    )

    status = 422 if dialect.name == "crm" else 400
    body = assert_error(dialect, response, status)
    if dialect.family == "v1":
        assert body == {
            "detail": "Validation failed.",
            "code": "invalid",
            "errors": {
                "name": ["This field is required."],
                "email": ["Enter a valid email address."],
            },
        }
    elif dialect.family == "v2":
        assert body == {
            "success": False,
            "message": "Validation failed",
            "errors": {
                "name": "This field is required.",
                "email": "Enter a valid email address.",
            },
        }
    else:
        assert body["error"]["message"] == "Validation failed."
        assert body["error"]["details"] == {
            "name": ["This field is required."],
            "email": ["Enter a valid email address."],
        }
    assert not Department.objects.exists()


@by_dialect
def test_malformed_json_is_400_in_the_dialect_shape(dialect, company, admin_client_api):
    response = admin_client_api.post(
        dialect.url(dialect.list_path, company), "{not json", content_type="application/json"
    )

    body = assert_error(dialect, response, 400, code="parse_error")
    assert "JSON parse error" in error_message(dialect, body)


# 401 ---------------------------------------------------------------------------------------


@by_dialect
def test_missing_credentials_are_401(dialect, company, anon_client):
    response = anon_client.get(dialect.url(dialect.list_path, company))

    body = assert_error(dialect, response, 401, code="not_authenticated")
    assert response["WWW-Authenticate"]
    if dialect.family == "v2":
        assert body == {"success": False, "message": "Invalid API key or unauthorized access"}


@by_dialect
def test_garbage_bearer_token_is_401(dialect, company):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = client.get(dialect.url(dialect.list_path, company))

    body = assert_error(dialect, response, 401, code="authentication_failed")
    if dialect.family == "v1":
        assert body["detail"] == "Invalid or expired access token."


@by_key_dialect
def test_wrong_api_key_is_401(dialect, company, key_client):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key_client.raw_key[:-1] + "!")

    response = client.get(dialect.url(dialect.list_path, company))

    body = assert_error(dialect, response, 401, code="authentication_failed")
    if dialect.family == "v1":
        assert body == {"detail": "Invalid API key.", "code": "authentication_failed"}
    else:
        assert body == {"success": False, "message": "Invalid API key or unauthorized access"}


@pytest.mark.parametrize(
    "dialect", [d for d in DIALECTS if not d.accepts_api_key], ids=dialect_id
)
def test_jwt_only_dialects_refuse_a_valid_api_key(dialect, company, key_client):
    response = key_client.get(dialect.url(dialect.list_path, company))

    assert_error(dialect, response, 401, code="not_authenticated")


# 403: role and feature ------------------------------------------------------------------------


@by_dialect
def test_user_role_cannot_do_an_admin_write(dialect, company, user_client_api):
    response = user_client_api.post(
        dialect.url(dialect.list_path, company), {"name": "Sales"}, format="json"
    )

    body = assert_error(dialect, response, 403)
    assert error_message(dialect, body) == "This action requires the admin role."
    assert not Department.objects.exists()


@by_key_dialect
def test_user_role_api_key_cannot_do_an_admin_write(dialect, company, user_key_client):
    response = user_key_client.post(
        dialect.url(dialect.list_path, company), {"name": "Sales"}, format="json"
    )

    assert_error(dialect, response, 403)
    assert not Department.objects.exists()


@by_dialect
def test_user_role_may_read(dialect, company, user_client_api):
    DepartmentFactory(company=company, name="Sales")

    response = user_client_api.get(dialect.url(dialect.list_path, company))

    assert response.status_code == 200, response.content


@by_dialect
def test_disabled_feature_is_403_naming_it(dialect, company, admin_client_api):
    url = dialect.url(dialect.gated_path, company)

    response = admin_client_api.get(url)

    body = assert_error(dialect, response, 403, code="feature_disabled")
    assert error_message(dialect, body) == "BILLINGO_SYNC feature is not enabled for your company"

    company_set_features(company=company, features=[Feature.BILLINGO_SYNC])
    assert admin_client_api.get(url).status_code == 200


# 404 ---------------------------------------------------------------------------------------


@by_dialect
def test_another_companys_object_is_404_like_a_missing_one(
    dialect, company, other_company, admin_client_api
):
    foreign = DepartmentFactory(company=other_company, name="Their department")
    missing_pk = foreign.pk + 1000

    foreign_url = dialect.url(dialect.detail_path, company, pk=foreign.pk)
    missing_url = dialect.url(dialect.detail_path, company, pk=missing_pk)

    foreign_response = admin_client_api.get(foreign_url)
    missing_response = admin_client_api.get(missing_url)

    foreign_body = assert_error(dialect, foreign_response, 404)
    missing_body = assert_error(dialect, missing_response, 404)
    assert error_message(dialect, foreign_body) == error_message(dialect, missing_body)


@pytest.mark.parametrize(
    "dialect", [d for d in DIALECTS if d.name != "services"], ids=dialect_id
)
def test_another_companys_object_cannot_be_deleted(
    dialect, company, other_company, admin_client_api
):
    foreign = DepartmentFactory(company=other_company, name="Their department")

    response = admin_client_api.delete(dialect.url(dialect.detail_path, company, pk=foreign.pk))

    assert_error(dialect, response, 404)
    assert Department.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize(
    ("dialect", "path"),
    [
        (DIALECTS[0], "/api/v1/no-such-resource"),
        (DIALECTS[0], "/api/v1/departments/1/no-such-action"),
        (DIALECTS[1], "/api/v2/no-such-resource/"),
        (DIALECTS[2], "/api/v1/crm/{org}/no-such-resource"),
        (DIALECTS[2], "/api/v1/crm/not-a-uuid/departments/1/x"),
        (DIALECTS[3], "/api/billingo-nothing/"),
        (DIALECTS[3], "/api/billingo-test/departments"),  # billingo keeps its slash
        (DIALECTS[4], "/api/services/CRM/Invoice/NoSuchOperation"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_unknown_url_is_json_404_in_the_dialect_shape(dialect, path, company, admin_client_api):
    response = admin_client_api.get(path.format(org=company.uuid))

    assert_error(dialect, response, 404)


# 405 ---------------------------------------------------------------------------------------


@by_dialect
def test_method_not_offered_is_405(dialect, company, admin_client_api):
    department = DepartmentFactory(company=company)
    method, template = dialect.missing_method

    response = getattr(admin_client_api, method)(
        dialect.url(template, company, pk=department.pk), {"name": "Renamed"}, format="json"
    )

    body = assert_error(dialect, response, 405)
    assert method.upper() in error_message(dialect, body)
    department.refresh_from_db()
    assert department.name != "Renamed"


# 500 ---------------------------------------------------------------------------------------


@by_dialect
def test_unexpected_error_is_500_logged_with_request_id_and_rolled_back(
    dialect, company, admin_client_api, caplog
):
    request_id = f"trace-{dialect.name}-0001"
    caplog.set_level(logging.ERROR, logger="api.errors")

    response = admin_client_api.post(
        dialect.url(dialect.boom_path, company), {}, format="json", HTTP_X_REQUEST_ID=request_id
    )

    body = assert_error(dialect, response, 500)
    assert response["X-Request-ID"] == request_id
    assert "boom" not in str(body)  # the exception's text is not disclosed
    assert error_message(dialect, body) == "A server error occurred."
    [record] = [r for r in caplog.records if r.name == "api.errors"]
    assert request_id in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    assert not Department.objects.filter(name=BOOM_ROW).exists()


@pytest.mark.django_db(transaction=True)
def test_rollback_of_a_failed_request_is_real_outside_a_test_transaction(
    company, admin_client_api
):
    # Without the test's own wrapping transaction, ATOMIC_REQUESTS is the outermost one.
    response = admin_client_api.post("/api/v1/departments/boom", {}, format="json")

    assert response.status_code == 500
    assert not Department.objects.filter(name=BOOM_ROW).exists()


def test_options_shows_a_user_what_they_may_do(company, user_client_api, admin_client_api):
    # The role check must not turn OPTIONS into a 403: the metadata just omits the write.
    as_user = user_client_api.options("/api/v1/departments")
    as_admin = admin_client_api.options("/api/v1/departments")

    assert as_user.status_code == as_admin.status_code == 200
    assert "actions" not in as_user.json()
    assert set(as_admin.json()["actions"]) == {"POST"}


# A plain services APIView (not a viewset) gets the same permissions ------------------------------


def test_services_apiview_resolves_the_company_for_key_and_jwt(
    company, key_client, user_client_api
):
    for client, role in ((key_client, "admin"), (user_client_api, "user")):
        response = client.get("/api/services/CRM/Invoice/Ping")

        assert response.status_code == 200
        assert response.json() == {"company_id": company.pk, "role": role}


def test_services_apiview_applies_write_role(company, user_key_client, key_client):
    refused = user_key_client.post("/api/services/CRM/Invoice/Ping", {}, format="json")
    allowed = key_client.post("/api/services/CRM/Invoice/Ping", {}, format="json")

    assert_error(SERVICES, refused, 403)
    assert allowed.status_code == 201
