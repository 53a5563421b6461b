"""The job admin is read-only and shows a member only their companies' jobs."""
from __future__ import annotations

import pytest
from django.test import Client

from jobs.models import Job, JobStatus
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_member_sees_their_companys_jobs_read_only(user_membership, other_company):
    ours = JobFactory(company=user_membership.company)
    theirs = JobFactory(company=other_company)
    client = Client()
    client.force_login(user_membership.user)

    listing = client.get("/admin/jobs/job/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [ours]
    page = client.get(f"/admin/jobs/job/{ours.pk}/change/")
    assert page.status_code == 200 and page.context["adminform"].form.fields == {}
    assert client.post(
        f"/admin/jobs/job/{ours.pk}/change/", {"status": JobStatus.FAILED}
    ).status_code == 403
    assert client.get(f"/admin/jobs/job/{theirs.pk}/change/").url == "/admin/"
    assert client.get("/admin/jobs/job/add/").status_code == 403
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.QUEUED}
