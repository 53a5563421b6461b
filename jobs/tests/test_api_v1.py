from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from jobs import kinds
from jobs.models import Job, JobStatus
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

HEALTH_CHECK_URL = "/api/v1/jobs/health-check"


def _post_health_check(client, capture):
    """POST, then run what the request's commit hands to (eager) Celery."""
    with capture(execute=True):
        return client.post(HEALTH_CHECK_URL)


def test_health_check_answers_202_with_the_queued_job_which_then_completes(
    admin_client_api, admin_membership, django_capture_on_commit_callbacks
):
    response = _post_health_check(admin_client_api, django_capture_on_commit_callbacks)

    assert response.status_code == 202, response.content
    body = response.json()
    job = Job.objects.get()
    # The answer describes the job as it was when the request committed: queued.
    assert body["id"] == job.pk
    assert (body["kind"], body["status"]) == ("platform.health_check", "queued")
    assert (body["total"], body["processed"], body["succeeded"], body["failed"]) == (0, 0, 0, 0)
    assert (body["started_at"], body["finished_at"]) == (None, None)
    assert body["created_by"] == admin_membership.pk
    assert response["Location"] == f"http://testserver/api/v1/jobs/{job.pk}"

    # Eager Celery ran it once the request committed.
    detail = admin_client_api.get(f"/api/v1/jobs/{job.pk}").json()
    assert detail["status"] == "completed"
    assert (detail["total"], detail["processed"], detail["succeeded"], detail["failed"]) == (
        2, 2, 2, 0,
    )
    assert detail["errors"] == []
    assert detail["result"]["worker"] == socket.gethostname()
    assert {name: check["status"] for name, check in detail["result"]["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
    }
    assert detail["started_at"] is not None and detail["finished_at"] is not None
    assert job.company_id == admin_membership.company_id


def test_health_check_with_an_api_key_records_the_key(
    key_client, django_capture_on_commit_callbacks
):
    response = _post_health_check(key_client, django_capture_on_commit_callbacks)

    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert (job.api_key, job.created_by, job.status) == (
        key_client.api_key, None, JobStatus.COMPLETED,
    )
    assert response.json()["created_by"] is None


def test_a_failing_check_makes_the_health_check_partial(
    admin_client_api, monkeypatch, django_capture_on_commit_callbacks
):
    def cache_down():
        raise ConnectionError("Error 111 connecting to redis")

    monkeypatch.setitem(kinds.HEALTH_CHECKS, "cache", cache_down)

    response = _post_health_check(admin_client_api, django_capture_on_commit_callbacks)

    job = admin_client_api.get(f"/api/v1/jobs/{response.json()['id']}").json()
    assert job["status"] == "partial"
    assert (job["total"], job["processed"], job["succeeded"], job["failed"]) == (2, 2, 1, 1)
    assert job["errors"] == [
        {"item": "cache", "message": "ConnectionError: Error 111 connecting to redis"}
    ]
    assert job["result"]["checks"]["cache"] == {
        "status": "error",
        "error": "ConnectionError: Error 111 connecting to redis",
    }


@pytest.mark.parametrize("client_case", ["user_client_api", "user_key_client"])
def test_a_user_cannot_start_the_health_check(client_case, request):
    client = request.getfixturevalue(client_case)

    response = client.post(HEALTH_CHECK_URL)

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    assert Job.objects.count() == 0


def test_an_anonymous_caller_is_401(anon_client, db):
    response = anon_client.post(HEALTH_CHECK_URL)
    assert response.status_code == 401
    assert Job.objects.count() == 0


def test_any_member_reads_the_companys_jobs(user_client_api, company):
    job = JobFactory(
        company=company, status=JobStatus.COMPLETED, total=2, processed=2, succeeded=2
    )

    listing = user_client_api.get("/api/v1/jobs")
    detail = user_client_api.get(f"/api/v1/jobs/{job.pk}")

    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert [row["id"] for row in listing.json()["results"]] == [job.pk]
    assert detail.status_code == 200
    assert detail.json()["status"] == "completed"
    assert set(detail.json()) == {
        "id", "kind", "status", "params", "total", "processed", "succeeded", "failed",
        "result", "errors", "created_by", "started_at", "finished_at", "created_at",
        "updated_at",
    }


def test_the_list_filters_by_kind_and_status_and_orders(key_client, company):
    old = JobFactory(company=company, kind="platform.health_check", status=JobStatus.COMPLETED)
    failed = JobFactory(company=company, kind="platform.health_check", status=JobStatus.FAILED)
    other_kind = JobFactory(company=company, kind="billingo.sync", status=JobStatus.COMPLETED)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))

    def ids(query: str) -> list[int]:
        response = key_client.get(f"/api/v1/jobs{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [other_kind.pk, failed.pk, old.pk]  # newest first
    assert ids("?kind=platform.health_check") == [failed.pk, old.pk]
    assert ids("?status=completed") == [other_kind.pk, old.pk]
    assert ids("?kind=platform.health_check&status=failed") == [failed.pk]
    assert ids("?ordering=id") == [old.pk, failed.pk, other_kind.pk]
    assert key_client.get("/api/v1/jobs?status=exploded").status_code == 400


def test_the_list_is_paginated(key_client, company):
    JobFactory.create_batch(3, company=company)
    body = key_client.get("/api/v1/jobs?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None and body["previous"] is None


def test_another_companys_job_is_not_found(key_client, admin_client_api, other_company):
    theirs = JobFactory(company=other_company, status=JobStatus.COMPLETED)

    for client in (key_client, admin_client_api):
        response = client.get(f"/api/v1/jobs/{theirs.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
        assert client.get("/api/v1/jobs").json()["count"] == 0


def test_the_health_check_job_belongs_to_the_callers_company(
    other_key_client, key_client, other_company, django_capture_on_commit_callbacks
):
    response = _post_health_check(other_key_client, django_capture_on_commit_callbacks)

    job_id = response.json()["id"]
    assert Job.objects.get(pk=job_id).company == other_company
    assert key_client.get(f"/api/v1/jobs/{job_id}").status_code == 404


def test_paths_accept_a_trailing_slash(admin_client_api, company):
    job = JobFactory(company=company)
    assert admin_client_api.get("/api/v1/jobs/").status_code == 200
    assert admin_client_api.get(f"/api/v1/jobs/{job.pk}/").status_code == 200


def test_a_job_waiting_for_its_next_attempt_keeps_the_documented_shape(key_client, company):
    # Attempts are the admin's; the API shows the attempt's error as one more error message.
    job = JobFactory(
        company=company, status=JobStatus.QUEUED, attempts=1, total=2, processed=1, failed=1,
        errors=[
            {"item": "7", "message": "no tax number"},
            {"attempt": 1, "message": "Attempt 1 of 4 failed, will retry: RetryableJobError: 429"},
        ],
    )

    body = key_client.get(f"/api/v1/jobs/{job.pk}").json()

    assert "attempts" not in body
    assert body["status"] == "queued"
    assert body["errors"] == [
        {"item": "7", "message": "no tax number"},
        {"message": "Attempt 1 of 4 failed, will retry: RetryableJobError: 429"},
    ]
