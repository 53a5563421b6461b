"""Celery entry points: load ids, call a service. Retried only for transient errors."""
from __future__ import annotations

import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .services import job_mark_failed, job_run, jobs_fail_stale

logger = logging.getLogger(__name__)

# Errors a later attempt may not meet (the database restarting, a dropped connection).
# A job whose handler already ran is FAILED by then; its retry finds nothing to claim.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class JobTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries exhausted, or an error before the handler ran: never leave a job QUEUED.
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is None:
            return
        try:
            job_mark_failed(job_id=job_id, message=f"{type(exc).__name__}: {exc}")
        except TRANSIENT_ERRORS:  # the database is still away; the row's age will tell
            logger.exception("job %s: could not be marked failed", job_id)


@shared_task(
    bind=True,
    base=JobTask,
    name="jobs.run_job",
    acks_late=True,
    max_retries=3,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
)
def run_job_task(self, job_id: int) -> None:
    job_run(job_id=job_id, worker=self.request.hostname or "")


@shared_task(name="jobs.fail_stale")
def fail_stale_jobs_task() -> int:
    return jobs_fail_stale()
