"""Tests: cheap hashing, eager Celery, isolated cache keys. Services come from the environment
(DATABASE_URL, REDIS_URL) exactly as in production; without them, SQLite and local memory."""
import os
import uuid

from config.settings import *  # noqa: F401,F403
from config.settings import CACHES, DATABASES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests that need a worker start one themselves (jobs/tests/test_worker.py); the rest run eagerly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One key space per test process: parallel workers and earlier runs share the Redis database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHES["default"]["KEY_PREFIX"] = f"test-{_worker}-{uuid.uuid4().hex[:8]}"

# Unique test database names, so runs sharing one PostgreSQL server never collide.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"test_ledgerdesk_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    )
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"
TEST_REDIS_URL = REDIS_URL

# Static files are not served in tests; WhiteNoise would only warn about the missing folder.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise")]  # noqa: F405
