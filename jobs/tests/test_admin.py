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


def _filter_choices(response, title: str) -> list[tuple[str, str]]:
    changelist = response.context["cl"]
    [spec] = [spec for spec in changelist.filter_specs if spec.title == title]
    return [
        (choice["query_string"], str(choice["display"])) for choice in spec.choices(changelist)
    ]


def test_the_kind_filter_lists_the_registered_kinds_with_their_labels(
    admin_membership, other_company, kinds
):
    kinds("test.sync", lambda *, job, progress: None, label="Test sync")
    # The kinds exist before any job of them does; another company's leftovers stay unseen.
    JobFactory(company=other_company, kind="theirs.gone")
    client = Client()
    client.force_login(admin_membership.user)

    displays = [display for _, display in _filter_choices(client.get("/admin/jobs/job/"), "kind")]

    assert displays[0] == "All"
    assert "Worker health check" in displays and "Test sync" in displays
    assert not any("theirs.gone" in display for display in displays)


def test_the_kind_filter_names_a_kind_nothing_registers_and_filters_by_kind(
    admin_membership, kinds
):
    kinds("test.sync", lambda *, job, progress: None, label="Test sync")
    company = admin_membership.company
    sync = JobFactory(company=company, kind="test.sync")
    gone = JobFactory(company=company, kind="gone.away")
    JobFactory(company=company)
    client = Client()
    client.force_login(admin_membership.user)

    choices = dict(
        (display, query) for query, display in
        _filter_choices(client.get("/admin/jobs/job/"), "kind")
    )
    assert "gone.away (not registered)" in choices

    def listed(query: str) -> list[Job]:
        return list(client.get(f"/admin/jobs/job/{query}").context["cl"].result_list)

    assert listed(choices["Test sync"]) == [sync]
    assert listed(choices["gone.away (not registered)"]) == [gone]


def test_the_admin_shows_attempts_and_the_errors_readably(admin_membership):
    job = JobFactory(
        company=admin_membership.company,
        status=JobStatus.QUEUED,
        attempts=2,
        errors=[
            {"attempt": 1, "message": "Attempt 1 of 4 failed, will retry: RetryableJobError: 429"},
            {"item": "7", "message": "no <b>tax</b> number"},
            {"attempt": 2, "message": "Attempt 2 of 4 failed, will retry: OperationalError: gone"},
        ],
    )
    client = Client()
    client.force_login(admin_membership.user)

    listing = client.get("/admin/jobs/job/")
    row = listing.content.decode()
    assert "<td class=\"field-attempts\">2</td>" in row
    assert "Attempt 2: Attempt 2 of 4 failed, will retry: OperationalError: gone" in row

    page = client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert (
        "<li><strong>Attempt 1</strong>: Attempt 1 of 4 failed, will retry: "
        "RetryableJobError: 429</li>"
        "<li><strong>Item 7</strong>: no &lt;b&gt;tax&lt;/b&gt; number</li>"
        "<li><strong>Attempt 2</strong>: Attempt 2 of 4 failed, will retry: "
        "OperationalError: gone</li>"
    ) in page
    assert "Worker health check" in page  # the kind's label
