"""Production settings pass `manage.py check --deploy` with no warnings, and refuse to start
without a SECRET_KEY. Each case runs manage.py in a fresh process with the production module
(config.settings), since settings are read from the environment once, at import."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_COOKIES": "1",
}
# Variables of the test run that must not leak into the production process.
DROPPED = ("DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER", *PRODUCTION)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in DROPPED}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


def test_the_deploy_check_does_fail_on_weak_settings():
    # The check above can fail: without HSTS and secure cookies the same command warns.
    weak = {**PRODUCTION, "SECURE_HSTS_SECONDS": "0", "SECURE_COOKIES": "0"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **weak)
    assert result.returncode == 1
    assert "security.W004" in result.stderr  # HSTS
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


def test_debug_off_without_secret_key_refuses_to_start():
    without_key = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = manage("check", **without_key)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: Set SECRET_KEY when DEBUG is off." in (
        result.stderr
    )
