"""Demo CRM data for `manage.py seed_demo` (registered in CrmConfig.ready()).

Written through the services, so the demo has an activity log to look at. Idempotent: a
company that already has customers gets only its lookups topped up.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from tenancy.actors import Actor
from tenancy.models import Company, Membership

from .lookups import seed_crm_lookups
from .models import ContractType, Customer, LeadSource, LeadStatus
from .services.contacts import contact_create
from .services.contracts import contract_create, contract_sign
from .services.customers import customer_create
from .services.leads import lead_convert, lead_create
from .services.notes import note_create

DEMO_CUSTOMERS = (
    # name, city, country, contacts (first, last)
    ("Duna Logistics Kft.", "Budapest", "HU", (("Eszter", "Tóth"), ("Gábor", "Szabó"))),
    ("Tisza Foods Zrt.", "Szeged", "HU", (("Katalin", "Varga"),)),
    ("Alpine Software GmbH", "Vienna", "AT", (("Lukas", "Huber"), ("Sophie", "Gruber"))),
    ("Nordic Design AB", "Stockholm", "SE", (("Elin", "Lund"),)),
    ("Pannon Energy Kft.", "Pécs", "HU", (("Balázs", "Kiss"),)),
)
DEMO_LEADS = (
    # name, company, source, status, value
    ("Márta Fehér", "Bakony Wood Bt.", "Website", "New", "2500.00"),
    ("Tom Baker", "Thames Consulting Ltd", "Referral", "Contacted", "8000.00"),
    ("Ilona Balogh", "Mecsek Travel Kft.", "Event", "Qualified", "4200.00"),
    ("Jan Novak", "Vltava Print s.r.o.", "Email", "Proposal", "12000.00"),
)


def seed_demo_crm(*, company: Company, admin: Membership | None = None, **kwargs) -> None:
    seed_crm_lookups(company=company)
    if Customer.objects.for_company(company).exists():
        return
    by = Actor(membership=admin)
    domain = f"{company.slug}.example.com"
    customers = []
    for index, (name, city, country, contacts) in enumerate(DEMO_CUSTOMERS):
        slug = name.split()[0].lower()
        customer = customer_create(
            company=company,
            by=by,
            name=name,
            city=city,
            country=country,
            email=f"billing@{slug}.example",
            phone=f"+36 1 555 01{index:02d}",
            assigned_to=admin,
        )
        for first, last in contacts:
            contact_create(
                company=company,
                customer=customer,
                by=by,
                first_name=first,
                last_name=last,
                email=f"{slugify(first)}@{slug}.example",
            )
        customers.append(customer)
    note_create(
        company=company,
        rel_type="customer",
        rel_id=customers[0].pk,
        description="Asked for a quote on the 2027 maintenance; call back in January.",
        by=by,
    )
    _seed_contracts(company=company, customers=customers, by=by)
    _seed_leads(company=company, by=by, domain=domain)


def _seed_contracts(*, company: Company, customers: list[Customer], by: Actor) -> None:
    types = {kind.name: kind for kind in ContractType.objects.for_company(company)}
    today = timezone.localdate()
    support = contract_create(
        company=company,
        customer=customers[0],
        subject="Annual support",
        contract_type=types.get("Support"),
        date_start=today.replace(month=1, day=1),
        date_end=today + datetime.timedelta(days=20),  # shows under "expiring"
        value=Decimal("12000.00"),
        by=by,
    )
    contract_sign(contract=support, by=by)
    contract_create(
        company=company,
        customer=customers[2],
        subject="Software license",
        contract_type=types.get("License"),
        date_start=today - datetime.timedelta(days=400),
        date_end=today - datetime.timedelta(days=35),  # shows under "expired"
        value=Decimal("4800.00"),
        by=by,
    )


def _seed_leads(*, company: Company, by: Actor, domain: str) -> None:
    statuses = {status.name: status for status in LeadStatus.objects.for_company(company)}
    sources = {source.name: source for source in LeadSource.objects.for_company(company)}
    leads = [
        lead_create(
            company=company,
            by=by,
            name=name,
            company_name=prospect,
            email=f"{slugify(name)}@{domain}",
            source=sources.get(source),
            status=statuses.get(status),
            value=Decimal(value),
            tags=["demo"],
        )
        for name, prospect, source, status, value in DEMO_LEADS
    ]
    lead_convert(company=company, lead=leads[-1], by=by)
