"""`GET /healthz`: the database always; Redis and the Celery broker when they are configured."""
from __future__ import annotations

import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # a health check reports every failure, whatever its kind
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("the cache did not return what was stored")


def _broker() -> None:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def run_checks() -> dict[str, dict]:
    checks = {"database": _database}
    if getattr(settings, "REDIS_URL", ""):
        checks["redis"] = _redis
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        checks["broker"] = _broker
    return {name: _timed(check) for name, check in checks.items()}


def healthz(request):
    results = run_checks()
    healthy = all(result["status"] == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )
