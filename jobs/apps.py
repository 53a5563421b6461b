from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        # The platform's own job kinds; other apps register theirs in their ready().
        from . import kinds  # noqa: F401
