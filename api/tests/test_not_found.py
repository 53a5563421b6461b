"""Unknown URLs under each dialect's prefix, in the product's own URL conf: JSON in that
dialect's shape from config.urls.handler404 (tests run with DEBUG=False, as production)."""
from __future__ import annotations

import pytest
from django.conf import settings

from .dialects import BILLINGO, CRM, SERVICES, V1, V2, assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("dialect", "path"),
    [
        (V1, "/api/v1/no-such-resource"),
        (V1, "/api/v1/countries/HU/extra"),
        (V2, "/api/v2/no-such-resource"),
        (CRM, "/api/v1/crm/{org}/no-such-resource"),
        (CRM, "/api/v1/crm/webhook/unknown/1"),
        (BILLINGO, "/api/billingo-no-such-resource/"),
        (BILLINGO, "/api/auth/nothing/"),
        (SERVICES, "/api/services/CRM/Invoice/NoSuchOperation"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "jwt"])
def test_unknown_url_is_404_in_the_dialect_shape(
    dialect, path, authenticated, company, admin_client_api, anon_client
):
    assert settings.DEBUG is False
    client = admin_client_api if authenticated else anon_client

    response = client.get(path.format(org=company.uuid), HTTP_X_REQUEST_ID="lost-and-found")

    body = assert_error(dialect, response, 404)
    assert response["X-Request-ID"] == "lost-and-found"
    if dialect.family == "v1":
        assert body == {"detail": "Not found.", "code": "not_found"}
    elif dialect.family == "v2":
        assert body == {"success": False, "message": "Not found."}


def test_unknown_url_outside_the_api_is_not_json(db, anon_client):
    response = anon_client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Request-ID"]


def test_login_refuses_nul_bytes_as_validation_not_500(db, anon_client):
    response = anon_client.post(
        "/api/auth/login/", {"username": "a\x00b", "password": "x\x00"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "username": ["Null characters are not allowed."],
        "password": ["Null characters are not allowed."],
    }
