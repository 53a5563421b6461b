"""The job kinds a worker can run, registered by the apps that offer them.

jobs sits below every domain app, so it cannot import their handlers; each app registers its
kinds in its `AppConfig.ready()` instead (DESIGN.md: registries, not signals):

    @job_kind("billingo.sync")
    def billingo_sync(*, job, progress) -> dict | None:
        progress.set_total(len(items))
        ...
        progress.succeed()          # or progress.fail("message", item=invoice_id)
        return {"synced": n}        # stored as job.result

A handler runs in a worker, once per claimed job. An exception marks the job failed and is
raised again; items reported with `progress.fail()` make it partial (or failed when none
succeeded). It must be safe to run again: a job whose worker died is claimed anew.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import Job
    from .services import JobProgress


class JobHandler(Protocol):
    def __call__(self, *, job: Job, progress: JobProgress) -> dict[str, Any] | None: ...


_handlers: dict[str, JobHandler] = {}


def _identity(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def job_kind(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register `handler(*, job, progress)` as the runner of `kind`."""

    def register(handler: JobHandler) -> JobHandler:
        existing = _handlers.get(kind)
        # The same function imported twice (autoreload, a test re-import) is not a clash.
        if existing is not None and _identity(existing) != _identity(handler):
            raise ImproperlyConfigured(
                f"Job kind {kind!r} is already registered by {_identity(existing)}."
            )
        _handlers[kind] = handler
        return handler

    return register


def unregister(kind: str) -> None:
    """For tests that register a kind of their own."""
    _handlers.pop(kind, None)


def get_handler(kind: str) -> JobHandler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)
