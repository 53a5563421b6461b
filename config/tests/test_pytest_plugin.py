"""core/pytest_plugin.py: under REQUIRE_SERVICES=1 a skipped `services` test fails.

Runs pytest in a subprocess on a small suite of its own, with and without the variable.
"""
from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SUITE = '''
import pytest

@pytest.fixture
def needs_redis():
    pytest.skip("needs Redis (set REDIS_URL)")

@pytest.mark.services
def test_service_skipped_in_the_body():
    pytest.skip("needs PostgreSQL")

@pytest.mark.services
def test_service_skipped_by_a_fixture(needs_redis):
    pass

@pytest.mark.services
@pytest.mark.skipif(True, reason="no broker")
def test_service_skipped_by_a_marker():
    pass

@pytest.mark.services
def test_service_that_runs():
    pass

def test_ordinary_skip():
    pytest.skip("not a service")

def test_loading_the_plugin_chose_no_settings_module():
    import os
    assert "DJANGO_SETTINGS_MODULE" not in os.environ
'''


def run_suite(tmp_path, require: str) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    services: needs services\n")
    (tmp_path / "test_suite.py").write_text(SUITE)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER", "REQUIRE_SERVICES")
    }
    env.update(PYTHONPATH=str(settings.BASE_DIR), REQUIRE_SERVICES=require)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "core.pytest_plugin", "-p", "no:django",
         "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rs", "test_suite.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_services_skips_stay_skips_without_the_requirement(tmp_path):
    result = run_suite(tmp_path, require="")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("2 passed, 4 skipped")


def test_services_skips_fail_under_require_services(tmp_path):
    result = run_suite(tmp_path, require="1")
    assert result.returncode == 1, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    # A skip in the body is a failure; a skip during setup (fixture, skipif) an error.
    assert summary.startswith("1 failed, 2 passed, 1 skipped, 2 errors"), summary
    for name in (
        "test_service_skipped_in_the_body",
        "test_service_skipped_by_a_fixture",
        "test_service_skipped_by_a_marker",
    ):
        assert f"REQUIRE_SERVICES=1: the services test test_suite.py::{name} was skipped" in (
            result.stdout
        )
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skips) == 1 and skips[0].endswith(": not a service"), skips


def test_this_suite_runs_on_the_test_settings():
    # However pytest was started (make test loads the plugin above early), the suite must run
    # on config.settings.test, not on the production settings module.
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
