from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import ValidationFailed
from jobs.models import Job, JobStatus
from jobs.services import MAX_RECORDED_ERRORS, job_enqueue, job_mark_failed, job_run
from jobs.tasks import run_job_task
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def _three_items(*, job, progress):
    progress.set_total(3)
    progress.succeed()
    progress.succeed(2)
    return {"done": 3}


def _one_of_three_fails(*, job, progress):
    progress.set_total(3)
    progress.succeed(2)
    progress.fail("no such customer", item=7)
    return {"done": 2}


def _all_fail(*, job, progress):
    progress.set_total(2)
    progress.advance(errors=[{"message": "bad", "item": "a"}, {"message": "bad", "item": "b"}])


def _fails_midway(*, job, progress):
    progress.set_total(3)
    progress.succeed()
    raise RuntimeError("provider went away")


# --- job_enqueue ---------------------------------------------------------------------------


def test_enqueue_records_a_queued_job_and_runs_it_after_commit(
    company, admin_membership, kinds, django_capture_on_commit_callbacks
):
    kinds("test.three", _three_items)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(
            company=company, kind="test.three", params={"since": "2026-01-01"},
            created_by=admin_membership,
        )
    job.refresh_from_db()
    assert (job.status, job.params, job.created_by, job.company) == (
        JobStatus.QUEUED, {"since": "2026-01-01"}, admin_membership, company,
    )
    assert (job.total, job.processed, job.started_at, job.finished_at) == (0, 0, None, None)
    assert kinds.calls == []  # nothing runs before the transaction commits
    assert len(callbacks) == 1

    callbacks[0]()  # the commit hands it to (eager) Celery

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert kinds.calls == [("test.three", job.pk, 1)]


def test_enqueue_refuses_an_unknown_kind(company):
    with pytest.raises(ValidationFailed) as raised:
        job_enqueue(company=company, kind="no.such_kind")
    assert raised.value.code == "unknown_job_kind"
    assert Job.objects.count() == 0


def test_enqueue_refuses_a_creator_from_another_company(company, other_admin_membership):
    with pytest.raises(ValidationFailed):
        job_enqueue(
            company=company, kind="platform.health_check", created_by=other_admin_membership
        )
    assert Job.objects.count() == 0


# --- job_run ---------------------------------------------------------------------------------


def test_run_completes_with_counts_result_and_times(company, kinds):
    kinds("test.three", _three_items)
    job = JobFactory(company=company, kind="test.three")

    returned = job_run(job_id=job.pk, worker="celery@box-1")

    job.refresh_from_db()
    assert returned.pk == job.pk
    assert job.status == JobStatus.COMPLETED
    assert (job.total, job.processed, job.succeeded, job.failed) == (3, 3, 3, 0)
    assert job.result == {"done": 3}
    assert job.errors == []
    assert job.worker == "celery@box-1"
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_at <= job.finished_at


def test_the_handler_is_given_the_jobs_company(company, other_company, kinds):
    kinds("test.three", _three_items)
    ours = JobFactory(company=company, kind="test.three")
    theirs = JobFactory(company=other_company, kind="test.three")

    job_run(job_id=ours.pk)
    job_run(job_id=theirs.pk)

    assert kinds.companies == [company, other_company]


def test_run_without_a_worker_name_records_the_host(company, kinds):
    kinds("test.three", _three_items)
    job = JobFactory(company=company, kind="test.three")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.worker == socket.gethostname()


def test_running_a_finished_job_again_does_nothing(company, kinds):
    kinds("test.three", _three_items)
    job = JobFactory(company=company, kind="test.three")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    before = Job.objects.values().get(pk=job.pk)

    assert job_run(job_id=job.pk) is None

    assert kinds.calls == [("test.three", job.pk, 1)]  # the handler ran once
    assert Job.objects.values().get(pk=job.pk) == before


def test_a_duplicate_delivery_of_a_running_job_does_nothing(company, kinds):
    kinds("test.three", _three_items)
    started = timezone.now() - timedelta(seconds=5)
    job = JobFactory(
        company=company, kind="test.three", status=JobStatus.RUNNING, started_at=started,
        total=3, processed=1, succeeded=1,
    )

    assert job_run(job_id=job.pk) is None

    job.refresh_from_db()
    assert kinds.calls == []
    assert (job.status, job.processed, job.started_at) == (JobStatus.RUNNING, 1, started)


def test_a_job_running_past_the_time_limit_is_claimed_anew_from_zero(company, kinds, settings):
    # Its worker died: the time limit would have ended a live run long ago.
    kinds("test.three", _three_items)
    started = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    job = JobFactory(
        company=company, kind="test.three", status=JobStatus.RUNNING, started_at=started,
        total=3, processed=2, succeeded=1, failed=1, errors=[{"message": "old"}], attempts=1,
    )

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.attempts == 2  # the dead run was an attempt too
    assert (job.total, job.processed, job.succeeded, job.failed) == (3, 3, 3, 0)
    assert job.errors == []
    assert job.started_at > started


def test_a_missing_job_is_nothing_to_run(db):
    assert job_run(job_id=987654) is None


def test_a_handler_exception_fails_the_job_records_the_error_and_is_raised_again(company, kinds):
    kinds("test.midway", _fails_midway)
    job = JobFactory(company=company, kind="test.midway")

    with pytest.raises(RuntimeError, match="provider went away"):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"attempt": 1, "message": "RuntimeError: provider went away"}]
    # The progress made before the failure stays on the record.
    assert (job.total, job.processed, job.succeeded, job.failed) == (3, 1, 1, 0)
    assert job.finished_at is not None
    assert job.result == {}


def test_some_failed_items_make_the_job_partial(company, kinds):
    kinds("test.partial", _one_of_three_fails)
    job = JobFactory(company=company, kind="test.partial")

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.PARTIAL
    assert (job.total, job.processed, job.succeeded, job.failed) == (3, 3, 2, 1)
    assert job.errors == [{"item": "7", "message": "no such customer"}]
    assert job.result == {"done": 2}


def test_only_failed_items_make_the_job_failed_without_raising(company, kinds):
    kinds("test.all_fail", _all_fail)
    job = JobFactory(company=company, kind="test.all_fail")

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert (job.processed, job.succeeded, job.failed) == (2, 0, 2)
    assert [error["item"] for error in job.errors] == ["a", "b"]


def test_recorded_errors_are_capped_but_all_failures_counted(company, kinds):
    many = MAX_RECORDED_ERRORS + 5

    def body(*, job, progress):
        progress.set_total(many + 1)
        progress.succeed()
        progress.advance(errors=[{"message": f"bad {n}", "item": n} for n in range(many - 1)])
        progress.fail("the last one", item="last")

    kinds("test.many", body)
    job = JobFactory(company=company, kind="test.many")

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.PARTIAL
    assert (job.processed, job.succeeded, job.failed) == (many + 1, 1, many)
    assert len(job.errors) == MAX_RECORDED_ERRORS
    assert job.errors[0] == {"item": "0", "message": "bad 0"}


def test_progress_is_visible_on_the_row_while_the_handler_runs(company, kinds):
    seen: list[tuple] = []

    def body(*, job, progress):
        progress.set_total(2)
        progress.succeed()
        seen.append(Job.objects.values_list("status", "total", "processed").get(pk=job.pk))
        progress.succeed()

    kinds("test.watch", body)
    job = JobFactory(company=company, kind="test.watch")
    job_run(job_id=job.pk)
    assert seen == [(JobStatus.RUNNING, 2, 1)]


def test_a_job_of_an_unregistered_kind_fails_when_run(company):
    job = JobFactory(company=company, kind="gone.away")

    with pytest.raises(LookupError):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        {"attempt": 1, "message": "LookupError: No handler is registered for job kind 'gone.away'."}
    ]


# --- job_mark_failed and the task -------------------------------------------------------------


def test_mark_failed_ends_an_unfinished_job(company):
    job = JobFactory(company=company, status=JobStatus.QUEUED)
    assert job_mark_failed(job_id=job.pk, message="OperationalError: gone") is True
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"message": "OperationalError: gone"}]
    assert job.finished_at is not None


def test_mark_failed_leaves_a_finished_job_alone(company):
    job = JobFactory(company=company, status=JobStatus.COMPLETED)
    assert job_mark_failed(job_id=job.pk, message="late") is False
    job.refresh_from_db()
    assert (job.status, job.errors) == (JobStatus.COMPLETED, [])


def test_the_task_runs_the_job(company, kinds):
    kinds("test.three", _three_items)
    job = JobFactory(company=company, kind="test.three")

    run_job_task.delay(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.worker == socket.gethostname()


def test_a_handler_must_return_a_dict_or_nothing(company, kinds):
    kinds("test.list", lambda *, job, progress: ["not", "a", "dict"])
    job = JobFactory(company=company, kind="test.list")

    with pytest.raises(TypeError):
        job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        {"attempt": 1, "message": "TypeError: test.list returned list, not a dict."}
    ]
    assert job.result == {}
