"""Reads about leads and their lookups."""
from __future__ import annotations

from django.db.models import QuerySet

from tenancy.models import Company

from ..models import Lead, LeadSource, LeadStatus


def leads_with_relations(queryset: QuerySet[Lead]) -> QuerySet[Lead]:
    """What every lead representation reads: the status and source (joined, as v2 shows
    their names), so a page of leads costs the same number of queries whatever its size."""
    return queryset.select_related("status", "source")


def lead_list(*, company: Company) -> QuerySet[Lead]:
    return leads_with_relations(Lead.objects.for_company(company))


def lead_get(*, company: Company, lead_id: int) -> Lead | None:
    return lead_list(company=company).filter(pk=lead_id).first()


def lead_status_list(*, company: Company) -> QuerySet[LeadStatus]:
    return LeadStatus.objects.for_company(company).order_by("order", "id")


def lead_source_list(*, company: Company) -> QuerySet[LeadSource]:
    return LeadSource.objects.for_company(company).order_by("order", "id")


def lead_default_status(*, company: Company) -> LeadStatus | None:
    """The status a new lead gets when none is given: the company's first, by order."""
    return lead_status_list(company=company).first()


def lead_won_status(*, company: Company) -> LeadStatus | None:
    """The status a converted lead gets: the company's first `is_won` status, if any."""
    return lead_status_list(company=company).filter(is_won=True).first()
