"""Celery entry points: load ids, call a service. Retried only for retryable errors."""
from __future__ import annotations

import logging

from celery import Task, shared_task

from .errors import TRANSIENT_DATABASE_ERRORS, JobRequeued
from .services import job_mark_failed, job_retry_delay, job_run, jobs_fail_stale

logger = logging.getLogger(__name__)

# Deliveries retried when the runner's own reads and writes (claiming the job, recording its
# end) meet the database away. A handler's failures are bounded by the job's attempts instead.
DATABASE_RETRIES = 3


class JobTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries exhausted, or an error before the handler ran: never leave a job QUEUED.
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is None:
            return
        try:
            job_mark_failed(job_id=job_id, message=f"{type(exc).__name__}: {exc}")
        except TRANSIENT_DATABASE_ERRORS:  # the database is still away; the row's age will tell
            logger.exception("job %s: could not be marked failed", job_id)


@shared_task(
    bind=True,
    base=JobTask,
    name="jobs.run_job",
    acks_late=True,
    # Unbounded here: every retry of a handler's failure is a counted attempt of the job,
    # which job_run bounds (JOBS_MAX_ATTEMPTS or the kind's own); DATABASE_RETRIES below.
    max_retries=None,
)
def run_job_task(self, job_id: int, database_retries: int = 0) -> None:
    while True:
        try:
            job_run(job_id=job_id, worker=self.request.hostname or "")
            return
        except JobRequeued as requeued:
            if self.request.is_eager:
                # No worker to deliver it later (the embedded mode without Redis): the next
                # attempt runs now, without the backoff.
                continue
            # The job is QUEUED again; the new message carries the backoff as its countdown.
            raise self.retry(exc=requeued, countdown=requeued.countdown)
        except TRANSIENT_DATABASE_ERRORS as exc:
            # Not the handler's (job_run turns those into JobRequeued or a FAILED job).
            if self.request.is_eager or database_retries >= DATABASE_RETRIES:
                raise
            raise self.retry(
                exc=exc,
                args=[job_id],
                kwargs={"database_retries": database_retries + 1},
                countdown=job_retry_delay(attempt=database_retries + 1),
            )


@shared_task(name="jobs.fail_stale")
def fail_stale_jobs_task() -> int:
    return jobs_fail_stale()
