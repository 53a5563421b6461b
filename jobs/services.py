"""Every write to a job: queue it, claim and run it, record its progress and its end."""
from __future__ import annotations

import logging
import random
import socket
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.exceptions import ValidationFailed
from tenancy.models import ApiKey, Company, Membership

from .errors import (
    RETRYABLE_ERRORS,
    TRANSIENT_DATABASE_ERRORS,
    JobAttemptsExhausted,
    JobRequeued,
)
from .models import Job, JobStatus
from .registry import get_kind

logger = logging.getLogger(__name__)

# A job with thousands of failed items keeps the first ones; `failed` still counts them all.
MAX_RECORDED_ERRORS = 100
MAX_MESSAGE_LENGTH = 500


def _message_of(exc: BaseException) -> str:
    text = str(exc)
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:MAX_MESSAGE_LENGTH]


def _error_entry(error: Mapping[str, Any]) -> dict[str, Any]:
    entry = {"message": str(error["message"])[:MAX_MESSAGE_LENGTH]}
    if error.get("item") is not None:
        entry["item"] = str(error["item"])
    return entry


@transaction.atomic
def job_enqueue(
    *,
    company: Company,
    kind: str,
    params: dict[str, Any] | None = None,
    created_by: Membership | None = None,
    api_key: ApiKey | None = None,
) -> Job:
    """Record a QUEUED job and hand it to a worker once the transaction commits."""
    from .tasks import run_job_task  # tasks import this module

    if get_kind(kind) is None:
        raise ValidationFailed(
            f"Unknown job kind {kind!r}.", code="unknown_job_kind", details={"kind": ["Unknown."]}
        )
    for owner in (created_by, api_key):
        if owner is not None and owner.company_id != company.pk:
            raise ValidationFailed("The job's creator belongs to another company.")
    job = Job(
        company=company, kind=kind, params=params or {}, created_by=created_by, api_key=api_key
    )
    job.full_clean()
    job.save()
    # After commit: a worker must never look for a row it cannot see yet.
    transaction.on_commit(lambda: run_job_task.delay(job.pk))
    return job


class JobProgress:
    """Given to a handler to report its progress; each call is one UPDATE of the job row.

    Counters move with F() expressions, so the row stays right even if a handler reports
    from several places; the (capped) error list is kept here, by the one run that holds
    the job.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.errors: list[dict[str, Any]] = list(job.errors)

    def _update(self, **fields: Any) -> None:
        Job.objects.filter(pk=self.job.pk).update(updated_at=timezone.now(), **fields)

    def set_total(self, total: int) -> None:
        self._update(total=total)
        self.job.total = total

    def advance(self, *, succeeded: int = 0, errors: Iterable[Mapping[str, Any]] = ()) -> None:
        """`succeeded` items went well; each of `errors` ({message, item?}) is one failed item."""
        if succeeded < 0:
            raise ValueError("succeeded cannot be negative")
        new_errors = [_error_entry(error) for error in errors]
        failed = len(new_errors)
        if succeeded + failed == 0:
            return
        fields: dict[str, Any] = {
            "processed": F("processed") + succeeded + failed,
            "succeeded": F("succeeded") + succeeded,
            "failed": F("failed") + failed,
        }
        if new_errors and len(self.errors) < MAX_RECORDED_ERRORS:
            self.errors.extend(new_errors[: MAX_RECORDED_ERRORS - len(self.errors)])
            fields["errors"] = self.errors
        self._update(**fields)
        self.job.processed += succeeded + failed
        self.job.succeeded += succeeded
        self.job.failed += failed

    def succeed(self, count: int = 1) -> None:
        self.advance(succeeded=count)

    def fail(self, message: str, *, item: Any = None) -> None:
        self.advance(errors=[{"message": message, "item": item}])


def job_max_attempts(kind: str) -> int:
    """How many attempts a job of `kind` gets: the kind's own bound, else the setting's."""
    registered = get_kind(kind)
    if registered is not None and registered.max_attempts is not None:
        return registered.max_attempts
    return max(1, settings.JOBS_MAX_ATTEMPTS)


def job_retry_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based) before the next one.

    Exponential, `JOBS_RETRY_BACKOFF * 2**(attempt-1)` capped at `JOBS_RETRY_BACKOFF_MAX`, then
    jittered to a random 50-100% of that, so jobs that failed together (one provider outage)
    do not come back together; never less than the far side's `retry_after` (within the cap).
    """
    cap = settings.JOBS_RETRY_BACKOFF_MAX
    delay = min(cap, settings.JOBS_RETRY_BACKOFF * 2 ** min(max(attempt, 1) - 1, 32))
    delay = random.uniform(delay / 2, delay)
    if retry_after:
        delay = max(delay, min(float(retry_after), cap))
    return delay


def _claim(*, job_id: int, worker: str) -> bool:
    """QUEUED -> RUNNING in one conditional UPDATE, so only one delivery of a task runs a job;
    the attempt is counted in the same UPDATE.

    A RUNNING job older than the task time limit belongs to a worker that died (the limit
    would have stopped a live one): it is claimed anew, as a new attempt, and starts from zero.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, started_at__lt=stale_before
    )
    return bool(
        Job.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
            worker=worker[:255],
            processed=0,
            succeeded=0,
            failed=0,
            result={},
            updated_at=now,
        )
    )


def _attempt_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Earlier attempts' entries stay; the item errors of an earlier run would be reported
    # again by this one.
    return [error for error in errors if "attempt" in error]


def _attempt_error(job: Job, message: str) -> dict[str, Any]:
    return {"attempt": job.attempts, "message": message[:MAX_MESSAGE_LENGTH]}


def _current_attempt(job: Job):
    # Only the run that holds the job's current attempt writes how it ended: a run that
    # outlived the time limit and was claimed anew must not overwrite the newer attempt.
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def _finish(*, job: Job, status: str, errors: list[dict[str, Any]], result: Any = None) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status, "errors": errors, "finished_at": now, "updated_at": now
    }
    if result is not None:
        fields["result"] = result
    _current_attempt(job).update(**fields)
    job.refresh_from_db()


def _requeue(*, job: Job, errors: list[dict[str, Any]]) -> bool:
    """RUNNING -> QUEUED after a retryable failure. The failed attempt's counts and errors stay
    visible until the next attempt starts."""
    now = timezone.now()
    requeued = _current_attempt(job).update(
        status=JobStatus.QUEUED, errors=errors, finished_at=None, updated_at=now
    )
    job.refresh_from_db()
    return bool(requeued)


def _recover_connection(exc: BaseException) -> None:
    # After a database error the connection may be dead, and recording the failure would meet
    # the same error; closed, it is opened afresh by the next query. Never inside a
    # transaction (a test's, or a caller's): closing would end it.
    if isinstance(exc, TRANSIENT_DATABASE_ERRORS) and not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def job_run(*, job_id: int, worker: str = "") -> Job | None:
    """Run one attempt of a queued job's handler and record how it ended.

    Returns the finished job, or None when there was nothing to run (already taken,
    finished, or gone): a duplicate delivery does nothing. A handler's exception is recorded
    on the job (one `errors` entry with the attempt's number), then:

    - retryable (`RETRYABLE_ERRORS`) with attempts left: the job is QUEUED again and
      `JobRequeued` is raised, carrying the backoff before the next attempt;
    - retryable on the last attempt: FAILED, and `JobAttemptsExhausted` is raised from it;
    - anything else: FAILED, and the exception is raised again.

    Deliberately not one transaction: progress must be visible while the handler runs, and
    a failure must be recorded even though the handler's own work is rolled back.
    """
    if not _claim(job_id=job_id, worker=worker or socket.gethostname()):
        logger.info("job %s: not queued, nothing to run", job_id)
        return None
    job = Job.objects.select_related("company").get(pk=job_id)
    kept = _attempt_errors(job.errors)
    if kept != job.errors:
        Job.objects.filter(pk=job.pk).update(errors=kept)
        job.errors = kept
    max_attempts = job_max_attempts(job.kind)
    if job.attempts > max_attempts:
        # Only a job whose earlier workers died (claimed anew each time) gets here.
        message = f"Not run: attempt {job.attempts} is past the {max_attempts} allowed."
        _finish(job=job, status=JobStatus.FAILED, errors=[*kept, _attempt_error(job, message)])
        raise JobAttemptsExhausted(job_id=job.pk, attempts=max_attempts)
    progress = JobProgress(job)
    registered = get_kind(job.kind)
    try:
        if registered is None:
            raise LookupError(f"No handler is registered for job kind {job.kind!r}.")
        result = registered.handler(job=job, company=job.company, progress=progress)
        if result is not None and not isinstance(result, dict):
            raise TypeError(f"{job.kind} returned {type(result).__name__}, not a dict.")
    except RETRYABLE_ERRORS as exc:
        _recover_connection(exc)
        attempt = f"Attempt {job.attempts} of {max_attempts}"
        if job.attempts < max_attempts:
            logger.warning("job %s (%s): %s failed, will retry: %s",
                           job.pk, job.kind, attempt, _message_of(exc))
            countdown = job_retry_delay(
                attempt=job.attempts, retry_after=getattr(exc, "retry_after", None)
            )
            entry = _attempt_error(job, f"{attempt} failed, will retry: {_message_of(exc)}")
            if not _requeue(job=job, errors=[*progress.errors, entry]):
                logger.info("job %s: claimed anew meanwhile; this run stops", job.pk)
                return None
            raise JobRequeued(
                job_id=job.pk, attempt=job.attempts, max_attempts=max_attempts,
                countdown=countdown,
            ) from exc
        logger.warning("job %s (%s): %s failed, giving up: %s",
                       job.pk, job.kind, attempt, _message_of(exc))
        entry = _attempt_error(job, f"{attempt} failed, giving up: {_message_of(exc)}")
        _finish(job=job, status=JobStatus.FAILED, errors=[*progress.errors, entry])
        raise JobAttemptsExhausted(job_id=job.pk, attempts=job.attempts) from exc
    except Exception as exc:
        # A soft time limit lands here too. A killed or interrupted worker does not: its job
        # stays RUNNING until a redelivery finds it stale and runs it again.
        logger.warning("job %s (%s) failed: %s", job.pk, job.kind, _message_of(exc))
        errors = [*progress.errors, _attempt_error(job, _message_of(exc))]
        _finish(job=job, status=JobStatus.FAILED, errors=errors)
        raise
    job.refresh_from_db(fields=["succeeded", "failed"])
    if job.failed and not job.succeeded:
        status = JobStatus.FAILED
    elif job.failed:
        status = JobStatus.PARTIAL
    else:
        status = JobStatus.COMPLETED
    _finish(job=job, status=status, errors=progress.errors, result=result or {})
    return job


@transaction.atomic
def job_mark_failed(*, job_id: int, message: str) -> bool:
    """The task gave up (retries exhausted before the job could run): a job that has not
    finished becomes FAILED with `message`. Returns whether it changed anything."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.is_finished:
        return False
    now = timezone.now()
    job.status = JobStatus.FAILED
    job.errors = [*job.errors, {"message": message[:MAX_MESSAGE_LENGTH]}]
    job.finished_at = now
    job.save(update_fields=["status", "errors", "finished_at", "updated_at"])
    return True


STALE_MESSAGE = (
    "The worker running this job stopped: no result within the task time limit."
)


def jobs_fail_stale(*, now=None) -> int:
    """RUNNING jobs past the task time limit (plus a minute's grace) belong to a worker that
    died; mark them FAILED so people see it. Returns how many. Run periodically by beat."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stale = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - limit)
    count = 0
    for job in stale.only("pk", "errors"):
        # Conditional per row: a job that finished meanwhile keeps its own ending.
        count += Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            errors=[*job.errors, {"message": STALE_MESSAGE}][-MAX_RECORDED_ERRORS:],
            finished_at=now,
            updated_at=now,
        )
    if count:
        logger.warning("marked %s stale job(s) failed", count)
    return count
