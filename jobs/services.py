"""Every write to a job: queue it, claim and run it, record its progress and its end."""
from __future__ import annotations

import logging
import socket
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.exceptions import ValidationFailed
from tenancy.models import ApiKey, Company, Membership

from .models import Job, JobStatus
from .registry import get_handler

logger = logging.getLogger(__name__)

# A job with thousands of failed items keeps the first ones; `failed` still counts them all.
MAX_RECORDED_ERRORS = 100
MAX_MESSAGE_LENGTH = 500


def _message_of(exc: BaseException) -> str:
    text = str(exc)
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:MAX_MESSAGE_LENGTH]


def _error_entry(error: Mapping[str, Any]) -> dict[str, str]:
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

    if get_handler(kind) is None:
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
        self.errors: list[dict[str, str]] = list(job.errors)

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


def _claim(*, job_id: int, worker: str) -> bool:
    """QUEUED -> RUNNING in one conditional UPDATE, so only one delivery of a task runs a job.

    A RUNNING job older than the task time limit belongs to a worker that died (the limit
    would have stopped a live one): it is claimed anew and starts from zero.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, started_at__lt=stale_before
    )
    return bool(
        Job.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING,
            started_at=now,
            finished_at=None,
            worker=worker[:255],
            processed=0,
            succeeded=0,
            failed=0,
            errors=[],
            result={},
            updated_at=now,
        )
    )


def _finish(*, job: Job, status: str, errors: list[dict[str, str]], result: Any = None) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status, "errors": errors, "finished_at": now, "updated_at": now
    }
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields)
    job.refresh_from_db()


def job_run(*, job_id: int, worker: str = "") -> Job | None:
    """Run a queued job's handler and record how it ended. Returns None when there was
    nothing to run (already taken, finished, or gone): a duplicate delivery does nothing.

    Deliberately not one transaction: progress must be visible while the handler runs, and
    a failure must be recorded even though the handler's own work is rolled back.
    """
    if not _claim(job_id=job_id, worker=worker or socket.gethostname()):
        logger.info("job %s: not queued, nothing to run", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    progress = JobProgress(job)
    handler = get_handler(job.kind)
    try:
        if handler is None:
            raise LookupError(f"No handler is registered for job kind {job.kind!r}.")
        result = handler(job=job, progress=progress)
        if result is not None and not isinstance(result, dict):
            raise TypeError(f"{job.kind} returned {type(result).__name__}, not a dict.")
    except Exception as exc:
        # A soft time limit lands here too. A killed or interrupted worker does not: its job
        # stays RUNNING until a redelivery finds it stale and runs it again.
        logger.warning("job %s (%s) failed: %s", job.pk, job.kind, _message_of(exc))
        errors = [*progress.errors, {"message": _message_of(exc)}]
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
