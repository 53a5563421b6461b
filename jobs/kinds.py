"""The job kinds the platform itself offers. Registered by JobsConfig.ready()."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

from tenancy.models import Company

from .models import Job
from .registry import job_kind
from .services import JobProgress

HEALTH_CHECK = "platform.health_check"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_cache() -> None:
    # A key of its own: concurrent checks must not read each other's value.
    key, value = f"jobs:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)


# One progress item each.
HEALTH_CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "cache": check_cache}


@job_kind(HEALTH_CHECK, label=_("Worker health check"))
def health_check(*, job: Job, company: Company, progress: JobProgress) -> dict[str, Any]:
    """The operator's "is a worker processing jobs" check: run in the worker, it checks what
    the worker needs (database, cache) and says which worker it was. It reads no company's
    rows, so `company` goes unused."""
    progress.set_total(len(HEALTH_CHECKS))
    checks: dict[str, dict[str, Any]] = {}
    for name, check in HEALTH_CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # a failed check is a failed item, not a failed job
            message = f"{type(exc).__name__}: {exc}"[:300]
            checks[name] = {"status": "error", "error": message}
            progress.fail(message, item=name)
        else:
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            checks[name] = {"status": "ok", "ms": elapsed}
            progress.succeed()
    return {"checks": checks, "worker": job.worker}
