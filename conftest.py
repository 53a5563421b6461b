"""Fixtures every app's tests share: two companies, their people, and a client per persona.

`company` is ours, `other_company` the neighbour whose data we must never see. Clients:
`admin_client_api` / `user_client_api` (JWT), `key_client` (API key of `company`), and the
same for the neighbour (`other_admin_client_api`, `other_key_client`).
"""
from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tenancy.roles import Role
from tenancy.services import api_key_issue
from tenancy.tests.factories import CompanyFactory, MembershipFactory

# Under REQUIRE_SERVICES=1 a skipped `services` test fails, however pytest is started.
pytest_plugins = ["core.pytest_plugin"]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Rate-limit counters and other cached state must not leak from one test to the next.

    Each test gets its own key space rather than `cache.clear()`: on Redis that is FLUSHDB,
    which wipes the keys of parallel workers and of other runs sharing the database, and
    their throttle counts then flake.
    """
    fresh = uuid.uuid4().hex[:12]
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', 'test')}-{fresh}"}
        for name, config in settings.CACHES.items()
    }
    yield


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tasks run in process unless a test starts a real worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    yield


def _jwt_client(membership, company_header: bool = False) -> APIClient:
    client = APIClient()
    token = RefreshToken.for_user(membership.user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    if company_header:
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_COMPANY_ID=str(membership.company_id)
        )
    client.membership = membership
    return client


def _key_client(company, role=Role.ADMIN) -> APIClient:
    key, raw = api_key_issue(company=company, name=f"test-{role}", role=role)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    client.api_key, client.raw_key = key, raw
    return client


@pytest.fixture
def company(db):
    return CompanyFactory(name="Acme Kft.")


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Globex Zrt.")


@pytest.fixture
def admin_membership(company):
    return MembershipFactory(company=company, role=Role.ADMIN, user__username="alice")


@pytest.fixture
def user_membership(company):
    return MembershipFactory(company=company, role=Role.USER, user__username="bob")


@pytest.fixture
def other_admin_membership(other_company):
    return MembershipFactory(company=other_company, role=Role.ADMIN, user__username="charlie")


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def admin_client_api(admin_membership):
    return _jwt_client(admin_membership)


@pytest.fixture
def user_client_api(user_membership):
    return _jwt_client(user_membership)


@pytest.fixture
def other_admin_client_api(other_admin_membership):
    return _jwt_client(other_admin_membership)


@pytest.fixture
def key_client(company):
    return _key_client(company)


@pytest.fixture
def user_key_client(company):
    return _key_client(company, Role.USER)


@pytest.fixture
def other_key_client(other_company):
    return _key_client(other_company)


@pytest.fixture
def jwt_client_for():
    return _jwt_client


@pytest.fixture
def key_client_for():
    return _key_client


@pytest.fixture
def require_redis():
    """Skip without REDIS_URL; under REQUIRE_SERVICES=1 (CI) a missing Redis fails instead."""
    url = settings.REDIS_URL
    if not url:
        if settings.REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis (set REDIS_URL)")
    return url
