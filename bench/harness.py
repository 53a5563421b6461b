"""What the benchmark scripts share: Django on a throwaway test database, and a measured GET.

Queries are counted as DESIGN.md counts them: SELECT, INSERT, UPDATE and DELETE, not BEGIN,
COMMIT or SAVEPOINT.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COUNTED = ("SELECT", "INSERT", "UPDATE", "DELETE")


def setup_django() -> None:
    import django
    from django.conf import settings

    # WhiteNoise warns about a missing STATIC_ROOT; static files play no part here.
    warnings.filterwarnings("ignore", message="No directory at")
    # Throttle counters of earlier runs must not apply to this one's fresh ids.
    settings.CACHES["default"]["KEY_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
    django.setup()


@contextmanager
def throwaway_database():
    """A test database (SQLite, or PostgreSQL when DATABASE_URL says so), dropped at the end."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"test_ledgerdesk_bench_{os.getpid()}"
    )
    setup_test_environment(debug=False)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def counted(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(COUNTED)]


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(2)


def route_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def measure(client, path: str, *, requests: int, warmup: int) -> dict:
    """`requests` GETs after `warmup` ones (the first call of a window writes the key's
    last_used_at): counted queries, median and p95 milliseconds, and the first body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            fail(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    timings, counts, sample_sql, body = [], [], [], None
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            fail(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
        sql = counted(captured.captured_queries)
        counts.append(len(sql))
        sample_sql = sample_sql or sql
        body = body if body is not None else response.json()
    return {
        "queries_max": max(counts),
        "queries_min": min(counts),
        "median_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20)[18] if len(timings) > 1 else timings[0],
        "body": body,
        "sql": sample_sql,
    }
