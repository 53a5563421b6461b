"""What a person meets first: the start page, the admin's bare name, the favicon, the API docs
without internet access, and error pages in the admin's look (JSON on API paths)."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from config.views import permission_denied, server_failure

pytestmark = pytest.mark.django_db

# Every src= and href= in a page, and every url given to a script as a string.
_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|["'](https?://[^"']+)["']""")


def _references(html: str) -> list[str]:
    return [first or second for first, second in _REFERENCE.findall(html)]


def _static_path(url: str) -> str | None:
    path = urlsplit(url).path
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    return path[len(prefix):] if path.startswith(prefix) else None


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_nothing_from_another_host(page, anon_client):
    response = anon_client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    references = _references(html)
    assert references, "the page references its scripts"
    external = [url for url in references if urlsplit(url).netloc]
    assert external == []
    assert "@latest" not in html and "fonts.googleapis" not in html
    static_files = [_static_path(url) for url in references if _static_path(url)]
    assert any(name.endswith(".js") for name in static_files)
    missing = [name for name in static_files if finders.find(name) is None]
    assert missing == []


def test_start_page_leads_a_stranger_to_the_login(anon_client):
    response = anon_client.get("/", follow=True)

    assert response.redirect_chain[0] == ("/admin/", 302)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/admin/login/"


def test_start_page_is_the_admin_for_a_member(client, admin_membership):
    client.force_login(admin_membership.user)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_without_its_slash_redirects(anon_client):
    response = anon_client.get("/admin")

    assert response.status_code == 301
    assert response["Location"] == "/admin/"


def test_favicon_is_served_from_static(anon_client):
    response = anon_client.get("/favicon.ico")

    assert response.status_code == 301
    name = _static_path(response["Location"])
    assert name == "core/favicon.svg"
    assert finders.find(name)


def test_admin_pages_carry_the_favicon(anon_client):
    html = anon_client.get("/admin/login/").content.decode()

    assert 'rel="icon"' in html and "core/favicon.svg" in html


def _assert_admin_look(response, status: int, title: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "admin/css/base.css" in html
    assert f"<h1>{title}</h1>" in html
    assert 'href="/admin/"' in html
    return html


def test_unknown_page_is_a_styled_404(anon_client):
    assert settings.DEBUG is False

    response = anon_client.get("/no-such-page")

    _assert_admin_look(response, 404, "Page not found")


def test_admin_only_page_is_a_styled_403_for_a_user_member(client, user_membership):
    client.force_login(user_membership.user)

    response = client.get("/admin/tenancy/membership/add/")

    html = _assert_admin_look(response, 403, "Access denied")
    assert "Ask a company admin" in html


def test_forbidden_api_path_stays_json():

    response = permission_denied(RequestFactory().get("/api/v1/staff"))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_server_error_page_is_styled_without_a_request_context():

    response = server_failure(RequestFactory().get("/admin/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "admin/css/base.css" in html and "<h1>Server error</h1>" in html


def test_server_error_on_an_api_path_is_json():

    response = server_failure(RequestFactory().get("/api/v2/customers"))

    assert response.status_code == 500
    assert json.loads(response.content) == {"success": False, "message": "A server error occurred."}


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_the_schema_shows_in_a_browser_as_text(anon_client):
    response = anon_client.get("/api/schema/", HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("openapi: 3")


@pytest.mark.parametrize(
    ("accept", "query", "content_type"),
    [
        ("*/*", "", "application/vnd.oai.openapi"),
        ("application/json", "", "application/json"),
        (BROWSER_ACCEPT, "?format=json", "application/vnd.oai.openapi+json"),
    ],
)
def test_other_clients_negotiate_the_schema_as_before(accept, query, content_type, anon_client):
    response = anon_client.get(f"/api/schema/{query}", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
