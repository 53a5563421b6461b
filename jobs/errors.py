"""How a job's run tells the runner, and the runner tells Celery, what to do next.

A handler raises `RetryableJobError` (or lets a transient database error through) for a
failure a later attempt may not meet: a provider's 429 or 5xx, a timeout, the database
restarting. The runner then puts the job back in the queue and raises `JobRequeued`, which
the task turns into a Celery retry with backoff; after the kind's last attempt the job is
FAILED and the runner raises `JobAttemptsExhausted`. Any other exception fails the job at once.
"""
from __future__ import annotations

from django.db import InterfaceError, OperationalError

# A later attempt may not meet these: the database restarting, a dropped connection.
TRANSIENT_DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


class RetryableJobError(Exception):
    """A failure worth another attempt. `retry_after` (seconds), when the far side said how
    long to wait (a 429's `Retry-After`), is the least delay before the next attempt."""

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    # Keyword-only arguments: say how to rebuild it, as Celery pickles what a task raised.
    def __reduce__(self):
        return _rebuild, (type(self), self.args, {"retry_after": self.retry_after})


class JobRequeued(Exception):
    """Raised by `job_run`: the attempt failed with a retryable error and the job is QUEUED
    again; a later delivery, `countdown` seconds from now, makes the next attempt."""

    def __init__(self, *, job_id: int, attempt: int, max_attempts: int, countdown: float) -> None:
        super().__init__(
            f"job {job_id}: attempt {attempt} of {max_attempts} failed; "
            f"next attempt in {countdown:.1f}s"
        )
        self.job_id = job_id
        self.attempt = attempt
        self.max_attempts = max_attempts
        self.countdown = countdown

    def __reduce__(self):
        return _rebuild, (type(self), (), {
            "job_id": self.job_id, "attempt": self.attempt,
            "max_attempts": self.max_attempts, "countdown": self.countdown,
        })


class JobAttemptsExhausted(Exception):
    """Raised by `job_run`: the last attempt failed with a retryable error; the job is FAILED.
    Distinct from the handler's own error so that nothing retries a job that has ended."""

    def __init__(self, *, job_id: int, attempts: int) -> None:
        super().__init__(f"job {job_id}: failed after {attempts} attempt(s)")
        self.job_id = job_id
        self.attempts = attempts

    def __reduce__(self):
        return _rebuild, (type(self), (), {"job_id": self.job_id, "attempts": self.attempts})


def _rebuild(cls: type[Exception], args: tuple, kwargs: dict) -> Exception:
    return cls(*args, **kwargs)


# What a handler may raise to have its job tried again.
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (RetryableJobError, *TRANSIENT_DATABASE_ERRORS)
