"""A real Celery worker on Redis runs a job end to end (a service test: CI runs it).

The worker is Celery's embedded test worker: a WorkController in a thread of this process that
consumes from Redis like any other, and opens its own database connection, so the test needs
committed data (`transaction=True`). Its broker keys carry a prefix of their own, so parallel
runs sharing the Redis database never take each other's messages.
"""
from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from jobs import kinds
from jobs.models import Job, JobStatus

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BROKER_CONF = (
    "task_always_eager",
    "broker_url",
    "broker_transport_options",
    "worker_hijack_root_logger",
    "worker_enable_remote_control",
)


def _reset_broker_pools() -> None:
    # Publishing pools are made once per app; drop them so they follow the conf set here.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_broker(require_redis, settings):
    """Celery publishes to Redis, under a key prefix of this test's own."""
    saved = {name: celery_app.conf[name] for name in BROKER_CONF}
    prefix = f"ledgerdesk-test-{uuid.uuid4().hex[:12]}:"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=require_redis,
        broker_transport_options={"global_keyprefix": prefix},
        worker_hijack_root_logger=False,
        worker_enable_remote_control=False,
    )
    _reset_broker_pools()
    client = redis.Redis.from_url(require_redis)
    yield {"prefix": prefix, "redis": client}
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()
    celery_app.conf.update(saved)
    _reset_broker_pools()


@pytest.fixture
def gated_cache_check(monkeypatch):
    """Holds the health check between its two checks until the test opens the gate, so the
    test can see the job RUNNING with one check done."""
    gate = threading.Event()
    real_check = kinds.HEALTH_CHECKS["cache"]

    def gated():
        if not gate.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        real_check()

    monkeypatch.setitem(kinds.HEALTH_CHECKS, "cache", gated)
    yield gate
    gate.set()  # never leave the worker waiting


def _wait_for(job_id: int, predicate, seen: list, timeout: float = 30.0) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if not seen or seen[-1] != job.status:
            seen.append(job.status)
        if predicate(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} never got there; seen {seen}")
        time.sleep(0.02)


def test_a_worker_on_redis_runs_the_health_check_job_end_to_end(
    redis_broker, gated_cache_check, admin_client_api
):
    response = admin_client_api.post("/api/v1/jobs/health-check")

    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    # Committed and waiting in Redis; no worker runs yet.
    seen: list[str] = []  # the statuses the row went through, as polled
    _wait_for(job_id, lambda job: job.status == JobStatus.QUEUED, seen, timeout=0)
    assert redis_broker["redis"].llen(f"{redis_broker['prefix']}celery") == 1

    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False,
        loglevel="WARNING", shutdown_timeout=30,
    ) as worker:
        # Picked up: running, the database checked, the cache check held at the gate.
        running = _wait_for(job_id, lambda job: job.processed == 1, seen)
        assert (running.status, running.total, running.finished_at) == (
            JobStatus.RUNNING, 2, None,
        )
        gated_cache_check.set()
        job = _wait_for(job_id, lambda job: job.is_finished, seen)

    assert seen == ["queued", "running", "completed"]
    assert (job.total, job.processed, job.succeeded, job.failed) == (2, 2, 2, 0)
    assert job.errors == []
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_at <= job.finished_at
    # Celery's request.hostname: the host under the solo pool (the node name under prefork).
    assert worker.hostname.endswith(f"@{socket.gethostname()}")
    assert job.worker == job.result["worker"] == socket.gethostname()
    assert {name: check["status"] for name, check in job.result["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
    }
    assert redis_broker["redis"].llen(f"{redis_broker['prefix']}celery") == 0

    detail = admin_client_api.get(f"/api/v1/jobs/{job_id}")
    assert detail.json()["status"] == "completed"
    assert detail.json()["processed"] == 2
