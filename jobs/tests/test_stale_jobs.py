from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from jobs.models import JobStatus
from jobs.services import STALE_MESSAGE, jobs_fail_stale
from jobs.tasks import fail_stale_jobs_task
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_a_running_job_past_the_time_limit_is_marked_failed_and_others_are_left(company):
    now = timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    dead = JobFactory(
        company=company, status=JobStatus.RUNNING, started_at=now - limit - timedelta(seconds=1)
    )
    alive = JobFactory(
        company=company, status=JobStatus.RUNNING, started_at=now - limit + timedelta(minutes=5)
    )
    queued = JobFactory(company=company, status=JobStatus.QUEUED)

    assert jobs_fail_stale(now=now) == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    queued.refresh_from_db()
    assert (dead.status, dead.finished_at) == (JobStatus.FAILED, now)
    assert dead.errors[-1] == {"message": STALE_MESSAGE}
    assert alive.status == JobStatus.RUNNING
    assert queued.status == JobStatus.QUEUED
    assert jobs_fail_stale(now=now) == 0  # already failed: nothing more to do


def test_the_periodic_task_is_scheduled_and_runs_the_sweep(company):
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-fail-stale"]
    assert entry["task"] == fail_stale_jobs_task.name
    JobFactory(
        company=company,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(days=1),
    )
    assert fail_stale_jobs_task.delay().get() == 1
