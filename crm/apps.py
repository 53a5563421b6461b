from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        from tenancy.models import Membership
        from tenancy.registry import demo_seeder, on_company_created

        from .demo import seed_demo_crm
        from .lookups import seed_crm_lookups
        from .models import Contract, Customer, Lead
        from .registry import register_note_target

        on_company_created(seed_crm_lookups)
        demo_seeder(seed_demo_crm)
        register_note_target("customer", Customer)
        register_note_target("lead", Lead)
        register_note_target("contract", Contract)
        register_note_target("staff", Membership)
        _register_customer_delete_blockers()


def _register_customer_delete_blockers() -> None:
    from .registry import register_customer_delete_blocker
    from .selectors.customers import customer_contract_count

    register_customer_delete_blocker(customer_contract_count)
