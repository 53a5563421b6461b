from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff"

    def ready(self) -> None:
        from tenancy.registry import demo_seeder

        from .demo import seed_demo_staff

        demo_seeder(seed_demo_staff)
