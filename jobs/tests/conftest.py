"""Fixtures of the jobs tests: job kinds registered for one test."""
from __future__ import annotations

import pytest

from jobs import registry


@pytest.fixture
def kinds():
    """`kinds(name, body, **registration)` registers a kind for one test; `kinds.calls`
    records every run as (kind, job id, attempt)."""
    calls: list[tuple[str, int, int]] = []
    names: list[str] = []

    def add(kind: str, body, **registration):
        def handler(*, job, progress):
            calls.append((kind, job.pk, job.attempts))
            return body(job=job, progress=progress)

        handler.__qualname__ = f"test_handler_{kind}"
        registry.job_kind(kind, **registration)(handler)
        names.append(kind)

    add.calls = calls
    yield add
    for name in names:
        registry.unregister(name)
