"""Fixtures of the jobs tests: job kinds registered for one test."""
from __future__ import annotations

import pytest

from jobs import registry


@pytest.fixture
def kinds():
    """`kinds(name, body, **registration)` registers a kind for one test; `body(*, job,
    progress)` does its work. `kinds.calls` records every run as (kind, job id, attempt), and
    `kinds.companies` the company the runner handed over."""
    calls: list[tuple[str, int, int]] = []
    companies: list = []
    names: list[str] = []

    def add(kind: str, body, **registration):
        def handler(*, job, company, progress):
            calls.append((kind, job.pk, job.attempts))
            companies.append(company)
            return body(job=job, progress=progress)

        handler.__qualname__ = f"test_handler_{kind}"
        registry.job_kind(kind, **registration)(handler)
        names.append(kind)

    add.calls = calls
    add.companies = companies
    yield add
    for name in names:
        registry.unregister(name)
