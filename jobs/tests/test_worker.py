"""A real Celery worker on Redis runs a job end to end, and retries a flaky one (service
tests: CI runs them).

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
from celery import signals
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from jobs import kinds as platform_kinds
from jobs.errors import JobAttemptsExhausted, JobRequeued, RetryableJobError
from jobs.models import Job, JobStatus
from jobs.services import job_enqueue

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
    real_check = platform_kinds.HEALTH_CHECKS["cache"]

    def gated():
        if not gate.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        real_check()

    monkeypatch.setitem(platform_kinds.HEALTH_CHECKS, "cache", gated)
    yield gate
    gate.set()  # never leave the worker waiting


@pytest.fixture
def task_outcomes():
    """What Celery reported for jobs.run_job in the worker: retries, successes, failures."""
    outcomes: dict[str, list] = {"retry": [], "success": [], "failure": []}

    def on_retry(sender=None, request=None, reason=None, **kwargs):
        outcomes["retry"].append(reason)

    def on_success(sender=None, **kwargs):
        outcomes["success"].append(sender.name)

    def on_failure(sender=None, exception=None, **kwargs):
        outcomes["failure"].append(exception)

    connected = [
        (signals.task_retry, on_retry),
        (signals.task_success, on_success),
        (signals.task_failure, on_failure),
    ]
    for signal, receiver in connected:
        signal.connect(receiver, weak=False)
    yield outcomes
    for signal, receiver in connected:
        signal.disconnect(receiver)


def _worker():
    return start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False,
        loglevel="WARNING", shutdown_timeout=30,
    )


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

    with _worker() as worker:
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


def test_a_worker_retries_a_flaky_job_after_its_backoff_and_completes_it(
    redis_broker, kinds, task_outcomes, company, settings
):
    # The first backoff is 0.5-1.0s (jittered): long enough to see the job queued again.
    settings.JOBS_RETRY_BACKOFF = settings.JOBS_RETRY_BACKOFF_MAX = 1.0
    started: list[float] = []

    def flaky(*, job, progress):
        started.append(time.monotonic())
        progress.set_total(1)
        if job.attempts == 1:
            raise RetryableJobError("HTTP 429 Too Many Requests")
        progress.succeed()
        return {"attempt": job.attempts}

    kinds("test.flaky", flaky)
    job_id = job_enqueue(company=company, kind="test.flaky").pk

    seen: list[str] = []
    with _worker():
        # Between the attempts: queued again, the attempt counted, its error on the job.
        waiting = _wait_for(
            job_id, lambda job: (job.status, job.attempts) == (JobStatus.QUEUED, 1), seen
        )
        assert waiting.errors == [{
            "attempt": 1,
            "message": "Attempt 1 of 4 failed, will retry: "
            "RetryableJobError: HTTP 429 Too Many Requests",
        }]
        job = _wait_for(job_id, lambda job: job.is_finished, seen)

    assert (job.status, job.attempts, job.result) == (JobStatus.COMPLETED, 2, {"attempt": 2})
    assert (job.total, job.processed, job.succeeded, job.failed) == (1, 1, 1, 0)
    assert job.errors == waiting.errors  # kept, and not repeated
    assert [attempt for _, _, attempt in kinds.calls] == [1, 2]
    assert started[1] - started[0] >= 0.5  # Celery waited the backoff
    [reason] = task_outcomes["retry"]  # Celery's Retry, for the job's requeue
    assert isinstance(reason.exc, JobRequeued) and reason.exc.attempt == 1
    assert task_outcomes["success"] == ["jobs.run_job"]
    assert task_outcomes["failure"] == []
    assert redis_broker["redis"].llen(f"{redis_broker['prefix']}celery") == 0


def test_a_worker_fails_the_job_and_the_task_after_the_last_attempt(
    redis_broker, kinds, task_outcomes, company, settings
):
    settings.JOBS_RETRY_BACKOFF = settings.JOBS_RETRY_BACKOFF_MAX = 0.2

    def down(*, job, progress):
        raise RetryableJobError("HTTP 503 Service Unavailable")

    kinds("test.down", down, max_attempts=2)
    job_id = job_enqueue(company=company, kind="test.down").pk

    with _worker():
        job = _wait_for(job_id, lambda job: job.is_finished, [])
        # The task's end is reported after the row is written: wait for it.
        deadline = time.monotonic() + 10
        while not task_outcomes["failure"] and time.monotonic() < deadline:
            time.sleep(0.02)

    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert [error["message"] for error in job.errors] == [
        "Attempt 1 of 2 failed, will retry: RetryableJobError: HTTP 503 Service Unavailable",
        "Attempt 2 of 2 failed, giving up: RetryableJobError: HTTP 503 Service Unavailable",
    ]
    assert len(kinds.calls) == 2
    assert len(task_outcomes["retry"]) == 1
    # Celery reports the failure (it used to report success with the job failed).
    [failure] = task_outcomes["failure"]
    assert isinstance(failure, JobAttemptsExhausted)
    assert task_outcomes["success"] == []
    assert redis_broker["redis"].llen(f"{redis_broker['prefix']}celery") == 0
