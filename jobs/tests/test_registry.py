import pytest
from django.core.exceptions import ImproperlyConfigured

from jobs import registry
from jobs.kinds import health_check


def test_the_platform_registers_its_health_check():
    assert registry.get_handler("platform.health_check") is health_check
    assert "platform.health_check" in registry.registered_kinds()


def test_a_kind_cannot_be_taken_by_a_second_handler():
    def ours(*, job, progress):
        return None

    def theirs(*, job, progress):
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
