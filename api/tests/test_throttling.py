"""Rate limits: who is counted, the X-RateLimit-* headers, and 429 in each dialect's shape
(issue 2, "API dialects": 1000/hour per key or user on v1/v2, per organization on crm, 10/hour
per connection for syncs, 10000/hour per connection for webhooks)."""
from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from conftest import PASSWORD
from tenancy.roles import Role
from tenancy.tests.factories import MembershipFactory

from .dialects import BILLINGO, CRM, DIALECTS, SERVICES, V1, V2, assert_error, dialect_id

pytestmark = pytest.mark.django_db

HOUR = 3600
TINY = {
    "v1": "3/hour",
    "v2": "3/hour",
    "billingo": "3/hour",
    "services": "3/hour",
    "crm": "3/hour",
    "crm_sync": "2/hour",
    "crm_webhook": "3/hour",
    "login": "3/minute",
}


@pytest.fixture
def tiny_rates(settings):
    # setting_changed makes DRF reload api_settings; the throttles read it at check time.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": TINY}
    assert api_settings.DEFAULT_THROTTLE_RATES == TINY
    return TINY


def _assert_headers(response, *, limit: int, remaining: int) -> None:
    assert response["X-RateLimit-Limit"] == str(limit)
    assert response["X-RateLimit-Remaining"] == str(remaining)
    assert response["X-RateLimit-Window"] == str(HOUR)
    seconds_to_reset = int(response["X-RateLimit-Reset"]) - time.time()
    assert HOUR - 60 < seconds_to_reset <= HOUR + 1


def _assert_throttled(dialect, response, *, limit: int) -> dict:
    body = assert_error(dialect, response, 429, code="throttled")
    _assert_headers(response, limit=limit, remaining=0)
    assert HOUR - 60 < int(response["Retry-After"]) <= HOUR
    return body


def test_default_rate_is_1000_an_hour(key_client):
    response = key_client.get("/api/v1/countries")

    _assert_headers(response, limit=1000, remaining=999)


def test_v1_counts_down_then_answers_429(tiny_rates, key_client):
    responses = [key_client.get("/api/v1/countries") for _ in range(4)]

    for response, remaining in zip(responses[:3], (2, 1, 0), strict=True):
        assert response.status_code == 200
        _assert_headers(response, limit=3, remaining=remaining)
    body = _assert_throttled(V1, responses[3], limit=3)
    assert body["detail"].startswith("Request was throttled.")


def test_v1_counts_per_api_key(tiny_rates, company, key_client_for):
    first = key_client_for(company, Role.ADMIN)
    second = key_client_for(company, Role.USER)
    for _ in range(3):
        first.get("/api/v1/countries")

    assert first.get("/api/v1/countries").status_code == 429
    response = second.get("/api/v1/countries")
    assert response.status_code == 200
    _assert_headers(response, limit=3, remaining=2)


def test_v1_counts_per_user_for_jwt(tiny_rates, admin_client_api, user_client_api, key_client):
    for _ in range(3):
        admin_client_api.get("/api/v1/countries")

    assert admin_client_api.get("/api/v1/countries").status_code == 429
    assert user_client_api.get("/api/v1/countries").status_code == 200
    assert key_client.get("/api/v1/countries").status_code == 200


@pytest.mark.urls("api.tests.dialect_urls")
@pytest.mark.parametrize("dialect", DIALECTS, ids=dialect_id)
def test_each_dialect_answers_429_in_its_shape(dialect, tiny_rates, company, admin_client_api):
    url = dialect.url(dialect.list_path, company)
    for remaining in (2, 1, 0):
        response = admin_client_api.get(url)
        assert response.status_code == 200
        _assert_headers(response, limit=3, remaining=remaining)

    body = _assert_throttled(dialect, admin_client_api.get(url), limit=3)

    if dialect is V2:
        assert body["message"].startswith("Request was throttled.")
    if dialect is CRM:
        throttled = admin_client_api.get(url)
        error = assert_error(CRM, throttled, 429)["error"]
        reset = int(throttled["X-RateLimit-Reset"])
        assert error["details"] == {
            "limit": 3,
            "remaining": 0,
            "reset_at": datetime.fromtimestamp(reset, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        assert error["message"] == (
            f"Rate limit exceeded. Try again in {throttled['Retry-After']} seconds."
        )


@pytest.mark.urls("api.tests.dialect_urls")
@pytest.mark.parametrize("dialect", [V1, V2, BILLINGO, SERVICES, CRM], ids=dialect_id)
def test_errors_after_the_throttle_still_carry_the_headers(
    dialect, tiny_rates, company, admin_client_api
):
    response = admin_client_api.get(dialect.url(dialect.detail_path, company, pk=999999))

    assert_error(dialect, response, 404)
    _assert_headers(response, limit=3, remaining=2)


@pytest.mark.urls("api.tests.dialect_urls")
def test_crm_counts_per_organization(
    tiny_rates, company, other_company, admin_membership, jwt_client_for
):
    colleague = jwt_client_for(MembershipFactory(company=company, role=Role.USER))
    neighbour = jwt_client_for(MembershipFactory(company=other_company, role=Role.USER))
    alice = jwt_client_for(admin_membership)
    ours, theirs = CRM.url(CRM.list_path, company), CRM.url(CRM.list_path, other_company)

    assert [c.get(ours).status_code for c in (alice, colleague, alice)] == [200, 200, 200]

    _assert_throttled(CRM, colleague.get(ours), limit=3)
    response = neighbour.get(theirs)
    assert response.status_code == 200
    _assert_headers(response, limit=3, remaining=2)


@pytest.mark.urls("api.tests.dialect_urls")
def test_sync_counts_per_connection_and_reports_the_tightest_limit(
    tiny_rates, settings, company, admin_client_api
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**TINY, "crm": "10/hour"},
    }

    def sync(connection_id):
        return admin_client_api.post(
            f"/api/v1/crm/{company.uuid}/connections/{connection_id}/sync", {}, format="json"
        )

    first, second, third = sync("conn-a"), sync("conn-a"), sync("conn-a")
    other = sync("conn-b")

    assert first.status_code == second.status_code == 202
    _assert_headers(first, limit=2, remaining=1)  # crm_sync 2/hour is tighter than crm 10/hour
    _assert_headers(second, limit=2, remaining=0)
    body = _assert_throttled(CRM, third, limit=2)  # reports the limit that refused it
    assert body["error"]["details"]["limit"] == 2
    assert other.status_code == 202
    _assert_headers(other, limit=2, remaining=1)


@pytest.mark.urls("api.tests.dialect_urls")
def test_a_429_reports_the_limit_that_refused_it(tiny_rates, company, admin_client_api):
    # crm 3/hour and crm_sync 2/hour: the third sync leaves the organization with 0 left and
    # is refused by the connection's limit; the headers and body must name the latter.
    url = f"/api/v1/crm/{company.uuid}/connections/conn-a/sync"
    for _ in range(2):
        admin_client_api.post(url, {}, format="json")

    response = admin_client_api.post(url, {}, format="json")

    body = _assert_throttled(CRM, response, limit=2)
    assert body["error"]["details"]["limit"] == 2


@pytest.mark.urls("api.tests.dialect_urls")
def test_webhooks_count_per_connection(tiny_rates, db):
    client = APIClient()

    statuses = [client.post("/api/v1/crm/webhook/hubspot/conn-a", {}).status_code for _ in range(4)]
    other = client.post("/api/v1/crm/webhook/hubspot/conn-b", {})

    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200
    _assert_headers(other, limit=3, remaining=2)


def test_login_is_throttled_per_client_address(tiny_rates, admin_membership):
    client = APIClient()

    statuses = [
        client.post(
            "/api/auth/login/", {"username": "alice", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(3)
    ]
    response = client.post(
        "/api/auth/login/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert statuses == [401, 401, 401]
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response["X-RateLimit-Limit"] == "3"
    assert response["X-RateLimit-Remaining"] == "0"
    assert 0 < int(response["Retry-After"]) <= 60
    other_address = client.post(
        "/api/auth/login/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.2",
    )
    assert other_address.status_code == 200


@pytest.mark.parametrize(("wait", "retry_after"), [(0.4, "1"), (59.01, "60"), (3600, "3600")])
def test_retry_after_rounds_up(wait, retry_after):
    from rest_framework.exceptions import Throttled

    from api.dialects.problems import problem_from_exception

    problem = problem_from_exception(Throttled(wait=wait))

    assert problem.headers["Retry-After"] == retry_after
    assert problem.wait == int(retry_after)


@pytest.mark.parametrize("run", ["first", "second"])  # the second would see the first's key
def test_each_test_has_its_own_cache_key_space(run, settings):
    # conftest's isolation: a fresh prefix per test instead of flushing a shared Redis.
    from django.core.cache import cache

    assert cache.key_prefix == settings.CACHES["default"]["KEY_PREFIX"]
    assert cache.get("left-by-another-test") is None
    cache.set("left-by-another-test", 1)
