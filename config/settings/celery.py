"""Celery: Redis as broker when REDIS_URL is set; otherwise tasks run eagerly in process."""
from __future__ import annotations

from celery.schedules import crontab

from config.env import env

from .base import REDIS_URL

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env.str("CELERY_BROKER_URL", default=""))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Job retries (jobs/services.py): a job whose handler meets a retryable error is tried at most
# JOBS_MAX_ATTEMPTS times in all (a kind may register its own bound). After attempt n the next
# waits JOBS_RETRY_BACKOFF * 2**(n-1) seconds, capped at JOBS_RETRY_BACKOFF_MAX, with jitter
# (a random 50-100% of that), and at least a provider's Retry-After (within the cap).
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=4)
JOBS_RETRY_BACKOFF = env.float("JOBS_RETRY_BACKOFF", default=30.0)
JOBS_RETRY_BACKOFF_MAX = env.float("JOBS_RETRY_BACKOFF_MAX", default=600.0)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs (beat syncs them into django-celery-beat's tables at start); each later
# integration adds its entry with the cron explained.
CELERY_BEAT_SCHEDULE: dict = {
    # Every 15 minutes: a job whose worker died stays RUNNING; past the time limit it is
    # marked FAILED so the API and the admin show it.
    "jobs-fail-stale": {"task": "jobs.fail_stale", "schedule": crontab(minute="*/15")},
}
