"""Demo staff and departments for `manage.py seed_demo` (registered in StaffConfig.ready())."""
from __future__ import annotations

from django.utils.text import slugify

from tenancy.models import Company, Department, Membership
from tenancy.roles import Role

from .services import staff_create

DEMO_DEPARTMENTS = ("Sales", "Support")
# The demo staff's password (demo data only; the seed_demo admin has its own).
DEMO_STAFF_PASSWORD = "ledgerdesk-demo-staff"
DEMO_STAFF = (
    # first name, last name, role, departments
    ("Jane", "Smith", Role.USER, ("Sales",)),
    ("Péter", "Kovács", Role.USER, ("Support",)),
    ("Anna", "Nagy", Role.ADMIN, ("Sales", "Support")),
)


def seed_demo_staff(*, company: Company, admin: Membership | None = None, **kwargs) -> None:
    """Two departments and three staff members; running it again adds nothing."""
    departments = {
        name: Department.objects.get_or_create(company=company, name=name)[0]
        for name in DEMO_DEPARTMENTS
    }
    if admin is not None and not admin.departments.exists():
        admin.departments.add(departments["Sales"])
    domain = f"{company.slug}.example.com"
    for first_name, last_name, role, names in DEMO_STAFF:
        email = f"{slugify(first_name)}.{slugify(last_name)}@{domain}"
        if Membership.objects.for_company(company).filter(user__email__iexact=email).exists():
            continue
        staff_create(
            company=company,
            first_name=first_name,
            last_name=last_name,
            email=email,
            password=DEMO_STAFF_PASSWORD,
            role=role,
            departments=[departments[name] for name in names],
        )
