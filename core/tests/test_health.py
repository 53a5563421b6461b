"""`GET /healthz`: the database always; Redis and the broker when configured; 503 on a failure."""
from __future__ import annotations

import pytest
from django.db import OperationalError

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_at():
    """Points Celery's broker at a URL for one test."""
    previous = celery_app.conf.broker_url

    def point(url: str) -> None:
        celery_app.conf.broker_url = url

    yield point
    celery_app.conf.broker_url = previous


def _statuses(body: dict) -> dict[str, str]:
    return {name: check["status"] for name, check in body["checks"].items()}


def test_healthz_reports_the_database(anon_client, settings):
    settings.REDIS_URL = ""

    response = anon_client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert _statuses(body) == {"database": "ok"}
    assert isinstance(body["checks"]["database"]["ms"], float)
    assert response["X-Request-ID"]


def test_a_failing_check_answers_503_naming_it(anon_client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def database_down():
        raise OperationalError("connection to server at 127.0.0.1 refused")

    monkeypatch.setattr("core.health._database", database_down)

    response = anon_client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {
            "database": {
                "status": "error",
                "error": "OperationalError: connection to server at 127.0.0.1 refused",
            }
        },
    }


def test_an_unreachable_broker_answers_503(anon_client, settings, broker_at):
    # Tasks go to a broker (not eager), and the broker cannot be reached.
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    broker_at(UNREACHABLE_REDIS)

    response = anon_client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert _statuses(body) == {"database": "ok", "broker": "error"}
    assert body["checks"]["broker"]["error"]


def test_eager_celery_has_no_broker_to_check(anon_client, settings, broker_at):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    broker_at(UNREACHABLE_REDIS)

    response = anon_client.get("/healthz")

    assert response.status_code == 200
    assert _statuses(response.json()) == {"database": "ok"}


@pytest.mark.services
@pytest.mark.parametrize(
    ("eager", "expected"),
    [
        pytest.param(True, {"database": "ok", "redis": "ok"}, id="eager_case"),
        pytest.param(
            False, {"database": "ok", "redis": "ok", "broker": "ok"}, id="worker_case"
        ),
    ],
)
def test_with_redis_configured_healthz_reports_redis_and_the_broker(
    anon_client, settings, require_redis, broker_at, eager, expected
):
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    broker_at(require_redis)

    response = anon_client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"
    assert _statuses(response.json()) == expected
