from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # drf-spectacular finds the authentication classes' schema extensions on import.
        from . import schema  # noqa: F401
