import pytest
from django.core.exceptions import ImproperlyConfigured

from jobs import registry
from jobs.kinds import health_check


def test_the_platform_registers_its_health_check():
    assert registry.get_handler("platform.health_check") is health_check
    assert "platform.health_check" in registry.registered_kinds()


def test_a_kind_cannot_be_taken_by_a_second_handler():
    def ours(*, job, company, progress):
        return None

    def theirs(*, job, company, progress):
        return None

    registry.job_kind("test.clash")(ours)
    try:
        registry.job_kind("test.clash")(ours)  # the same function again: no clash
        with pytest.raises(ImproperlyConfigured, match="already registered"):
            registry.job_kind("test.clash")(theirs)
        assert registry.get_handler("test.clash") is ours
    finally:
        registry.unregister("test.clash")
    assert registry.get_handler("test.clash") is None


@pytest.mark.parametrize(
    "handler",
    [
        pytest.param(lambda *, job, progress: None, id="no_company_case"),
        pytest.param(lambda job, company: None, id="no_progress_case"),
        pytest.param(lambda *, job, company, progress, since: None, id="extra_required_case"),
    ],
)
def test_a_handler_that_cannot_take_job_company_and_progress_is_refused(handler):
    with pytest.raises(ImproperlyConfigured, match="must take the keyword arguments"):
        registry.job_kind("test.wrong")(handler)
    assert registry.get_handler("test.wrong") is None


def test_a_kind_has_a_label_and_an_attempts_bound():
    def handler(*, job, company, progress, **options):
        return None

    registry.job_kind("test.labelled", label="Labelled", max_attempts=7)(handler)
    try:
        kind = registry.get_kind("test.labelled")
        assert (kind.handler, kind.label, kind.max_attempts) == (handler, "Labelled", 7)
        assert ("test.labelled", "Labelled") in registry.kind_choices()
        assert dict(registry.kind_choices())["platform.health_check"] == "Worker health check"
    finally:
        registry.unregister("test.labelled")
    with pytest.raises(ImproperlyConfigured):
        registry.job_kind("test.never", max_attempts=0)
