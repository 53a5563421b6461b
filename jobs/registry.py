"""The job kinds a worker can run, registered by the apps that offer them.

jobs sits below every domain app, so it cannot import their handlers; each app registers its
kinds in its `AppConfig.ready()` instead (DESIGN.md: registries, not signals):

    @job_kind("billingo.sync", label=_("Billingo sync"), max_attempts=5)
    def billingo_sync(*, job, company, progress) -> dict | None:
        client = billingo_client_for(company)   # the job's company, given by the runner
        progress.set_total(len(items))
        ...
        progress.succeed()          # or progress.fail("message", item=invoice_id)
        return {"synced": n}        # stored as job.result

The runner calls a handler with keyword arguments only: the `job` row, the job's `company`
(a handler never looks its company up itself, and reads and writes only that company's
rows), and `progress`. A handler runs in a worker, once per attempt of a claimed job:

- it returns: the job is COMPLETED, or PARTIAL / FAILED from the items it reported failed;
- it raises `jobs.errors.RetryableJobError` (a 429, a 5xx, a timeout) or a transient database
  error (`OperationalError`, `InterfaceError`): the job goes back to QUEUED with the attempt
  counted and the error recorded, and Celery tries again after a backoff; after the kind's
  `max_attempts` (default `settings.JOBS_MAX_ATTEMPTS`) it is FAILED;
- it raises anything else: the job is FAILED at once.

Every attempt starts from zero (counters and item errors reset), so a handler must be safe to
run again; a job whose worker died is claimed anew the same way.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tenancy.models import Company

    from .models import Job
    from .services import JobProgress


class JobHandler(Protocol):
    def __call__(
        self, *, job: Job, company: Company, progress: JobProgress
    ) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: JobHandler
    # What people read in the admin; the kind's name when none was given.
    label: str | Promise
    # None: settings.JOBS_MAX_ATTEMPTS.
    max_attempts: int | None = None


_kinds: dict[str, JobKind] = {}


def _identity(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


HANDLER_ARGUMENTS = ("job", "company", "progress")


def _check_signature(kind: str, handler: Callable) -> None:
    # At registration, not at the first run in a worker: a handler written for another
    # signature would fail every job of its kind.
    try:
        inspect.signature(handler).bind(**dict.fromkeys(HANDLER_ARGUMENTS))
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"The handler of job kind {kind!r} ({_identity(handler)}) must take the keyword "
            f"arguments {', '.join(HANDLER_ARGUMENTS)}: {exc}"
        ) from exc


def job_kind(
    kind: str, *, label: str | Promise | None = None, max_attempts: int | None = None
) -> Callable[[JobHandler], JobHandler]:
    """Register `handler(*, job, company, progress)` as the runner of `kind`."""
    if max_attempts is not None and max_attempts < 1:
        raise ImproperlyConfigured(f"Job kind {kind!r}: max_attempts must be at least 1.")

    def register(handler: JobHandler) -> JobHandler:
        _check_signature(kind, handler)
        existing = _kinds.get(kind)
        # The same function imported twice (autoreload, a test re-import) is not a clash.
        if existing is not None and _identity(existing.handler) != _identity(handler):
            raise ImproperlyConfigured(
                f"Job kind {kind!r} is already registered by {_identity(existing.handler)}."
            )
        _kinds[kind] = JobKind(
            name=kind, handler=handler, label=label or kind, max_attempts=max_attempts
        )
        return handler

    return register


def unregister(kind: str) -> None:
    """For tests that register a kind of their own."""
    _kinds.pop(kind, None)


def get_kind(kind: str) -> JobKind | None:
    return _kinds.get(kind)


def get_handler(kind: str) -> JobHandler | None:
    registered = _kinds.get(kind)
    return registered.handler if registered else None


def registered_kinds() -> list[str]:
    return sorted(_kinds)


def kind_choices() -> list[tuple[str, str | Promise]]:
    """(kind, label) of every registered kind, by kind: the admin's "By kind" filter."""
    return [(name, _kinds[name].label) for name in sorted(_kinds)]
