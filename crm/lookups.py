"""Per-company lookups, seeded when a company is created (tenancy.registry hook)."""
from __future__ import annotations

from .models import ContractType, LeadSource, LeadStatus

DEFAULT_LEAD_STATUSES = [
    ("New", "#3b82f6", False),
    ("Contacted", "#8b5cf6", False),
    ("Qualified", "#f59e0b", False),
    ("Proposal", "#10b981", False),
    ("Customer", "#16a34a", True),
    ("Lost", "#6b7280", False),
]
DEFAULT_LEAD_SOURCES = ["Website", "Referral", "Email", "Phone", "Social media", "Event"]
DEFAULT_CONTRACT_TYPES = ["Service agreement", "Support", "Maintenance", "License", "NDA"]


def seed_crm_lookups(*, company) -> None:
    """Idempotent: a lookup that exists (by name, any case) is left alone."""
    existing = {name.lower() for name in LeadStatus.objects.for_company(company).values_list("name", flat=True)}
    LeadStatus.objects.bulk_create(
        LeadStatus(company=company, name=name, color=color, is_won=won, order=index)
        for index, (name, color, won) in enumerate(DEFAULT_LEAD_STATUSES)
        if name.lower() not in existing
    )
    existing = {name.lower() for name in LeadSource.objects.for_company(company).values_list("name", flat=True)}
    LeadSource.objects.bulk_create(
        LeadSource(company=company, name=name, order=index)
        for index, name in enumerate(DEFAULT_LEAD_SOURCES)
        if name.lower() not in existing
    )
    existing = {name.lower() for name in ContractType.objects.for_company(company).values_list("name", flat=True)}
    ContractType.objects.bulk_create(
        ContractType(company=company, name=name)
        for name in DEFAULT_CONTRACT_TYPES
        if name.lower() not in existing
    )
