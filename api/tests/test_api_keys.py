"""API keys over HTTP: shown once, stored hashed, `X-API-KEY`, and every way a key can be
wrong answering 401 in the dialect's shape (issue 2, "Authentication and roles")."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tenancy.models import ApiKey
from tenancy.roles import Role
from tenancy.services import api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db

COUNTRIES = "/api/v1/countries"
V1_INVALID = {"detail": "Invalid API key.", "code": "authentication_failed"}
V2_INVALID = {"success": False, "message": "Invalid API key or unauthorized access"}


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    return client


def test_issue_returns_the_key_once_and_stores_only_its_hash_and_prefix(company):
    key, raw = api_key_issue(company=company, name="Zapier", role=Role.USER)

    assert re.fullmatch(r"pk_[A-Za-z0-9]{48}", raw)
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.hashed_key == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[3:11]
    assert stored.role == Role.USER and stored.company == company
    secret = raw[11:]
    row = ApiKey.objects.filter(pk=key.pk).values().get()
    row_text = " ".join(str(value) for value in row.values())
    assert secret not in row_text and raw not in row_text
    assert secret not in str(stored) and "pk_" + stored.prefix in str(stored)


def test_two_keys_differ(company):
    _, first = api_key_issue(company=company, name="one")
    _, second = api_key_issue(company=company, name="two")

    assert first != second and first[3:11] != second[3:11]


def test_x_api_key_authenticates_and_binds_the_keys_company(company, key_client):
    response = key_client.get(COUNTRIES)

    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "1000"


@pytest.mark.urls("api.tests.dialect_urls")
def test_key_sees_its_own_companys_rows_only(company, other_company, key_client):
    from tenancy.tests.factories import DepartmentFactory

    DepartmentFactory(company=company, name="Ours")
    DepartmentFactory(company=other_company, name="Theirs")

    response = key_client.get("/api/v1/departments")

    assert [row["name"] for row in response.json()["results"]] == ["Ours"]


def _wrong_secret(raw: str) -> str:
    return raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")


BAD_KEYS = pytest.mark.parametrize(
    "make_bad",
    [
        _wrong_secret,
        lambda raw: raw + "x",
        lambda raw: raw[:-1],
        lambda raw: raw.upper(),
        lambda raw: raw[:11],
        lambda raw: raw[:20] + "\x00" + raw[21:],
        lambda raw: "pk_" + "\x00" * 48,
        lambda raw: raw[:5] + "é" + raw[6:],
        lambda raw: "pk_x",
        lambda raw: "pk_",
        lambda raw: "garbage",
        lambda raw: "pk_" + "a" * 10_000,
        lambda raw: "Bearer " + raw,
        lambda raw: "pk_" + "%" * 48,
    ],
    ids=[
        "wrong_secret",
        "extra_char",
        "missing_char",
        "wrong_case",
        "prefix_only",
        "nul_in_secret",
        "nul_prefix",
        "non_ascii",
        "pk_x",
        "pk_",
        "garbage",
        "very_long",
        "bearer_prefixed",
        "wildcards",
    ],
)


@BAD_KEYS
def test_bad_key_is_401_in_v1_shape(make_bad, key_client):
    response = _client(make_bad(key_client.raw_key)).get(COUNTRIES)

    assert response.status_code == 401, response.content
    assert response.json() == V1_INVALID
    assert response["WWW-Authenticate"] == 'ApiKey header="X-API-KEY"'


@BAD_KEYS
@pytest.mark.urls("api.tests.dialect_urls")
def test_bad_key_is_401_in_v2_shape(make_bad, key_client):
    response = _client(make_bad(key_client.raw_key)).get("/api/v2/departments")

    assert response.status_code == 401, response.content
    assert response.json() == V2_INVALID


def test_revoked_key_is_401(key_client):
    assert key_client.get(COUNTRIES).status_code == 200
    api_key_revoke(api_key=key_client.api_key)

    response = key_client.get(COUNTRIES)

    assert response.status_code == 401
    assert response.json() == V1_INVALID


def test_key_of_an_inactive_company_is_401(company, key_client):
    company.is_active = False
    company.save()

    response = key_client.get(COUNTRIES)

    assert response.status_code == 401
    assert response.json() == V1_INVALID


def test_empty_header_is_no_credential(key_client):
    response = _client("").get(COUNTRIES)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_key_name_may_be_reused_after_revocation(company, key_client):
    api_key_revoke(api_key=key_client.api_key)

    _, raw = api_key_issue(company=company, name=key_client.api_key.name)

    assert _client(raw).get(COUNTRIES).status_code == 200
    assert key_client.get(COUNTRIES).status_code == 401


# last_used_at --------------------------------------------------------------------------------


def _updates(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith("UPDATE")]


def test_last_used_at_is_set_on_first_use(key_client):
    assert ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at is None
    before = timezone.now()

    assert key_client.get(COUNTRIES).status_code == 200

    used = ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at
    assert before <= used <= timezone.now()


def test_last_used_at_is_not_rewritten_within_the_minute(key_client):
    key_client.get(COUNTRIES)
    first = ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at

    with CaptureQueriesContext(connection) as captured:
        assert key_client.get(COUNTRIES).status_code == 200

    assert _updates(captured) == []
    assert ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at == first


def test_last_used_at_is_rewritten_after_the_minute(key_client):
    stale = timezone.now() - timedelta(minutes=1, seconds=1)
    ApiKey.objects.filter(pk=key_client.api_key.pk).update(last_used_at=stale)

    with CaptureQueriesContext(connection) as captured:
        assert key_client.get(COUNTRIES).status_code == 200

    assert len(_updates(captured)) == 1
    assert ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at > stale


def test_a_bad_key_does_not_touch_last_used_at(key_client):
    _client(_wrong_secret(key_client.raw_key)).get(COUNTRIES)

    assert ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at is None


def test_a_use_is_recorded_even_when_the_request_fails_and_rolls_back(key_client):
    # A 400 rolls back everything the request wrote; the key's use is written after it.
    response = key_client.post("/api/v1/departments", {"name": ""}, format="json")

    assert response.status_code == 400
    assert ApiKey.objects.get(pk=key_client.api_key.pk).last_used_at is not None
