"""Retries: a retryable failure puts the job back in the queue with the attempt counted, the
task asks Celery for a later delivery, and the last attempt fails the job for good.

The runner and the task are real here, with handlers that fail the way providers and the
database do; tests/test_worker.py runs a flaky kind on a real worker.
"""
from __future__ import annotations

import pickle
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.utils import timezone

from jobs.errors import JobAttemptsExhausted, JobRequeued, RetryableJobError
from jobs.models import Job, JobStatus
from jobs.services import job_max_attempts, job_retry_delay, job_run
from jobs.tasks import DATABASE_RETRIES, run_job_task
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def _fails_until(attempt_that_succeeds: int, error: Exception):
    """Processes three items; before the third, raises `error` until the given attempt."""

    def body(*, job, progress):
        progress.set_total(3)
        progress.succeed()
        progress.fail("customer 7 has no tax number", item=7)
        if job.attempts < attempt_that_succeeds:
            raise error
        progress.succeed()
        return {"attempt": job.attempts}

    return body


def _always(error: Exception):
    def body(*, job, progress):
        raise error

    return body


@pytest.fixture
def short_backoff(settings):
    settings.JOBS_MAX_ATTEMPTS = 4
    settings.JOBS_RETRY_BACKOFF = 10.0
    settings.JOBS_RETRY_BACKOFF_MAX = 60.0
    return settings


# --- job_run: back to the queue, then done or failed ------------------------------------------


@pytest.mark.parametrize(
    ("error", "message"),
    [
        pytest.param(
            RetryableJobError("HTTP 429 Too Many Requests"),
            "RetryableJobError: HTTP 429 Too Many Requests",
            id="retryable_error_case",
        ),
        pytest.param(
            OperationalError("server closed the connection unexpectedly"),
            "OperationalError: server closed the connection unexpectedly",
            id="database_away_case",
        ),
        pytest.param(
            InterfaceError("connection already closed"),
            "InterfaceError: connection already closed",
            id="connection_dropped_case",
        ),
    ],
)
def test_a_retryable_failure_queues_the_job_again_with_the_attempt_counted(
    company, kinds, short_backoff, error, message
):
    kinds("test.flaky", _fails_until(2, error))
    job = JobFactory(company=company, kind="test.flaky")

    with pytest.raises(JobRequeued) as raised:
        job_run(job_id=job.pk, worker="celery@box-1")

    assert raised.value.__cause__ is error
    assert (raised.value.attempt, raised.value.max_attempts) == (1, 4)
    assert 5.0 <= raised.value.countdown <= 10.0  # the first backoff, jittered
    job.refresh_from_db()
    assert (job.status, job.attempts, job.finished_at) == (JobStatus.QUEUED, 1, None)
    # Meanwhile the job shows how far the attempt got and why it stopped.
    assert (job.total, job.processed, job.succeeded, job.failed) == (3, 2, 1, 1)
    assert job.errors == [
        {"item": "7", "message": "customer 7 has no tax number"},
        {"attempt": 1, "message": f"Attempt 1 of 4 failed, will retry: {message}"},
    ]
    assert job.result == {}
    assert kinds.calls == [("test.flaky", job.pk, 1)]


def test_the_next_attempt_starts_from_zero_and_keeps_the_earlier_attempts_error(
    company, kinds, short_backoff
):
    kinds("test.flaky", _fails_until(2, RetryableJobError("HTTP 503")))
    job = JobFactory(company=company, kind="test.flaky")
    with pytest.raises(JobRequeued):
        job_run(job_id=job.pk)

    finished = job_run(job_id=job.pk)

    job.refresh_from_db()
    assert finished.pk == job.pk
    assert (job.status, job.attempts) == (JobStatus.PARTIAL, 2)
    # Counted once: the first attempt's items are not added to the second's.
    assert (job.total, job.processed, job.succeeded, job.failed) == (3, 3, 2, 1)
    assert job.errors == [
        {"attempt": 1, "message": "Attempt 1 of 4 failed, will retry: RetryableJobError: HTTP 503"},
        {"item": "7", "message": "customer 7 has no tax number"},
    ]
    assert job.result == {"attempt": 2}
    assert kinds.calls == [("test.flaky", job.pk, 1), ("test.flaky", job.pk, 2)]


def test_the_last_attempt_fails_the_job_and_keeps_every_attempts_error(
    company, kinds, short_backoff
):
    kinds("test.down", _always(RetryableJobError("HTTP 502")), max_attempts=3)
    job = JobFactory(company=company, kind="test.down")

    for _ in range(2):
        with pytest.raises(JobRequeued):
            job_run(job_id=job.pk)
    with pytest.raises(JobAttemptsExhausted) as raised:
        job_run(job_id=job.pk)

    assert raised.value.attempts == 3
    assert isinstance(raised.value.__cause__, RetryableJobError)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.finished_at is not None
    assert job.errors == [
        {"attempt": 1, "message": "Attempt 1 of 3 failed, will retry: RetryableJobError: HTTP 502"},
        {"attempt": 2, "message": "Attempt 2 of 3 failed, will retry: RetryableJobError: HTTP 502"},
        {"attempt": 3, "message": "Attempt 3 of 3 failed, giving up: RetryableJobError: HTTP 502"},
    ]
    # Ended: a late delivery finds nothing to run.
    assert job_run(job_id=job.pk) is None
    assert [attempt for _, _, attempt in kinds.calls] == [1, 2, 3]


def test_a_non_retryable_failure_fails_the_job_at_once(company, kinds, short_backoff):
    kinds("test.bug", _always(KeyError("customer_id")))
    job = JobFactory(company=company, kind="test.bug")

    with pytest.raises(KeyError):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.errors == [{"attempt": 1, "message": "KeyError: 'customer_id'"}]
    assert job_run(job_id=job.pk) is None
    assert len(kinds.calls) == 1


def test_a_non_retryable_failure_after_a_retry_keeps_the_first_attempts_error(
    company, kinds, short_backoff
):
    errors = iter([RetryableJobError("timeout"), ValueError("bad page token")])

    def body(*, job, progress):
        raise next(errors)

    kinds("test.worse", body)
    job = JobFactory(company=company, kind="test.worse")
    with pytest.raises(JobRequeued):
        job_run(job_id=job.pk)
    with pytest.raises(ValueError):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert job.errors == [
        {"attempt": 1, "message": "Attempt 1 of 4 failed, will retry: RetryableJobError: timeout"},
        {"attempt": 2, "message": "ValueError: bad page token"},
    ]


def test_the_setting_bounds_the_attempts_of_a_kind_without_its_own(
    company, kinds, short_backoff
):
    short_backoff.JOBS_MAX_ATTEMPTS = 2
    kinds("test.down", _always(OperationalError("gone")))
    kinds("test.patient", _always(OperationalError("gone")), max_attempts=5)
    assert (job_max_attempts("test.down"), job_max_attempts("test.patient")) == (2, 5)
    job = JobFactory(company=company, kind="test.down")

    with pytest.raises(JobRequeued):
        job_run(job_id=job.pk)
    with pytest.raises(JobAttemptsExhausted):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)


def test_a_providers_retry_after_is_the_least_wait(company, kinds, short_backoff):
    kinds("test.limited", _always(RetryableJobError("HTTP 429", retry_after=45)))
    job = JobFactory(company=company, kind="test.limited")

    with pytest.raises(JobRequeued) as raised:
        job_run(job_id=job.pk)

    assert raised.value.countdown == 45.0


def test_a_reclaimed_job_past_its_attempts_fails_without_running(
    company, kinds, short_backoff, settings
):
    # Its workers kept dying mid-run (a redelivery claims a stale RUNNING job anew).
    kinds("test.three", _fails_until(1, RetryableJobError()), max_attempts=2)
    job = JobFactory(
        company=company, kind="test.three", status=JobStatus.RUNNING, attempts=2,
        started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60),
    )

    with pytest.raises(JobAttemptsExhausted):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.errors == [{"attempt": 3, "message": "Not run: attempt 3 is past the 2 allowed."}]
    assert kinds.calls == []


def test_a_run_that_was_claimed_anew_meanwhile_does_not_overwrite_the_newer_attempt(
    company, kinds, short_backoff
):
    def body(*, job, progress):
        # Another delivery found this run stale and started attempt 2 while it ran on.
        Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
        raise RetryableJobError("HTTP 503")

    kinds("test.slow", body)
    job = JobFactory(company=company, kind="test.slow")

    assert job_run(job_id=job.pk) is None  # no retry of its own: attempt 2 owns the job

    job.refresh_from_db()
    assert (job.status, job.attempts, job.errors) == (JobStatus.RUNNING, 2, [])


# --- the backoff -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 5.0, 10.0), (2, 10.0, 20.0), (3, 20.0, 40.0), (4, 30.0, 60.0), (40, 30.0, 60.0)],
)
def test_the_backoff_doubles_per_attempt_with_jitter_and_a_cap(
    short_backoff, monkeypatch, attempt, low, high
):
    bounds: list[tuple[float, float]] = []

    def uniform(a, b):
        bounds.append((a, b))
        return a

    monkeypatch.setattr("jobs.services.random.uniform", uniform)

    assert job_retry_delay(attempt=attempt) == low
    assert bounds == [(low, high)]


def test_retry_after_is_honoured_within_the_cap(short_backoff):
    assert job_retry_delay(attempt=1, retry_after=30) == 30.0
    assert job_retry_delay(attempt=1, retry_after=3600) == 60.0
    assert 5.0 <= job_retry_delay(attempt=1, retry_after=1) <= 10.0


# --- the task ------------------------------------------------------------------------------------


def test_eagerly_the_task_runs_the_next_attempt_at_once(company, kinds, short_backoff):
    # Without Redis (the embedded mode) there is no worker to deliver a retry later.
    kinds("test.flaky", _fails_until(2, OperationalError("gone")))
    job = JobFactory(company=company, kind="test.flaky")

    run_job_task.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.PARTIAL, 2)
    assert [attempt for _, _, attempt in kinds.calls] == [1, 2]


def test_eagerly_the_task_gives_up_after_the_last_attempt(company, kinds, short_backoff):
    kinds("test.down", _always(RetryableJobError("HTTP 500")), max_attempts=3)
    job = JobFactory(company=company, kind="test.down")

    with pytest.raises(JobAttemptsExhausted):
        run_job_task.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, len(job.errors)) == (JobStatus.FAILED, 3, 3)
    assert len(kinds.calls) == 3


def test_the_task_does_not_retry_other_errors(company, kinds, short_backoff):
    kinds("test.bug", _always(ValueError("a bug")))
    job = JobFactory(company=company, kind="test.bug")

    with pytest.raises(ValueError):
        run_job_task.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.errors == [{"attempt": 1, "message": "ValueError: a bug"}]
    assert len(kinds.calls) == 1


@pytest.fixture
def on_a_worker(monkeypatch):
    """The task as a worker runs it (not eagerly), with Celery's retry recorded instead of
    published to a broker."""
    retries: list[dict] = []

    def retry(**options):
        retries.append(options)
        raise Retry(exc=options.get("exc"), when=options.get("countdown"))

    monkeypatch.setattr(run_job_task, "retry", retry)
    run_job_task.push_request(is_eager=False, hostname="celery@box-1", retries=0)
    yield retries
    run_job_task.pop_request()


def test_on_a_worker_a_requeued_job_is_retried_after_its_backoff(
    company, kinds, short_backoff, on_a_worker
):
    kinds("test.flaky", _always(RetryableJobError("HTTP 429", retry_after=33)))
    job = JobFactory(company=company, kind="test.flaky")

    with pytest.raises(Retry):
        run_job_task.run(job.pk)

    [options] = on_a_worker
    assert isinstance(options["exc"], JobRequeued)
    assert options["countdown"] == 33.0
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (JobStatus.QUEUED, 1, "celery@box-1")


def test_on_a_worker_the_database_away_before_the_claim_is_retried_a_bounded_number_of_times(
    company, short_backoff, on_a_worker, monkeypatch
):
    job = JobFactory(company=company)

    def database_away(*args, **kwargs):
        raise OperationalError("could not connect to server")

    # The outside world failing: the database, before any job row could be read or written.
    monkeypatch.setattr("jobs.services.Job.objects.filter", database_away)

    with pytest.raises(Retry):
        run_job_task.run(job.pk)
    [options] = on_a_worker
    assert (options["args"], options["kwargs"]) == ([job.pk], {"database_retries": 1})

    with pytest.raises(OperationalError):  # the last allowed: no further retry
        run_job_task.run(job.pk, database_retries=DATABASE_RETRIES)
    assert len(on_a_worker) == 1


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(RetryableJobError("HTTP 429", retry_after=3), id="retryable_case"),
        pytest.param(
            JobRequeued(job_id=1, attempt=2, max_attempts=4, countdown=1.5), id="requeued_case"
        ),
        pytest.param(JobAttemptsExhausted(job_id=1, attempts=4), id="exhausted_case"),
    ],
)
def test_the_errors_survive_pickling_as_celery_stores_a_tasks_exception(error):
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), vars(copy)) == (type(error), str(error), vars(error))
