"""pytest plugin: under REQUIRE_SERVICES=1, a skipped test marked `services` fails.

CI sets REQUIRE_SERVICES=1 with PostgreSQL and Redis running; a test marked `services` that
skips there (a missing URL, a skipif, a fixture's pytest.skip) hides that the service was not
exercised, so its skip becomes a failure. Hooks like this one must live in the root conftest or
a plugin; a plugin keeps the shared conftest.py free of CI policy.

The root conftest.py loads it (`pytest_plugins`), so every way of starting pytest follows it.
It lives in `core`, whose package imports
nothing: importing `config` would load the Celery app, whose `DJANGO_SETTINGS_MODULE` default
would then beat pytest.ini's `config.settings.test`.
"""
from __future__ import annotations

import os

import pytest


def _services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if (
        report.skipped
        and _services_required()
        and item.get_closest_marker("services") is not None
        and not hasattr(report, "wasxfail")
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"REQUIRE_SERVICES=1: the services test {item.nodeid} was skipped ({reason}); "
            "start PostgreSQL and Redis and set DATABASE_URL and REDIS_URL."
        )
    return report
