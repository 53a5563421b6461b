"""Reads about contracts: what every representation needs loaded, and the dated lists.

"Today" is the company's date (its time zone), not the server's: a contract that ends on
31 March has expired at 00:30 on 1 April in Budapest although it is still 31 March in UTC.
"""
from __future__ import annotations

import datetime
import zoneinfo

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tenancy.models import Company

from ..models import Contract, ContractAttachment, ContractComment, ContractRenewal

DEFAULT_EXPIRING_DAYS = 30
MAX_EXPIRING_DAYS = 365


def company_today(company: Company) -> datetime.date:
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(company.time_zone)).date()


def company_day_start(company: Company, day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the company's time zone (for created-at date filters)."""
    return datetime.datetime.combine(day, datetime.time.min, zoneinfo.ZoneInfo(company.time_zone))


def contracts_with_relations(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    """What every contract representation reads: customer and type (joined), the renewals with
    who renewed (one prefetch) and the number of attachments (a subquery), so a page costs
    the same number of queries whatever its size."""
    attachments = (
        ContractAttachment.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.select_related("customer", "contract_type").annotate(
        attachments_count=Coalesce(Subquery(attachments), 0)
    ).prefetch_related(
        Prefetch(
            "renewals",
            queryset=ContractRenewal.objects.select_related("renewed_by__user").order_by(
                "-created_at", "-id"
            ),
        )
    )


def contract_list(*, company: Company) -> QuerySet[Contract]:
    return contracts_with_relations(Contract.objects.for_company(company))


def contract_get(*, company: Company, contract_id: int) -> Contract | None:
    return contract_list(company=company).filter(pk=contract_id).first()


def expired_q(today: datetime.date) -> Q:
    """Contracts whose end has passed. One without an end never expires."""
    return Q(date_end__lt=today)


def contracts_expiring(
    queryset: QuerySet[Contract],
    *,
    company: Company,
    days: int = DEFAULT_EXPIRING_DAYS,
    today: datetime.date | None = None,
) -> QuerySet[Contract]:
    """Ending between today and today + `days`, both included, soonest first."""
    today = today or company_today(company)
    last = today + datetime.timedelta(days=days)
    return queryset.filter(date_end__gte=today, date_end__lte=last).order_by("date_end", "id")


def contracts_expired(
    queryset: QuerySet[Contract], *, company: Company, today: datetime.date | None = None
) -> QuerySet[Contract]:
    """Ended before today, most recently ended first."""
    today = today or company_today(company)
    return queryset.filter(expired_q(today)).order_by("-date_end", "-id")


def attachment_list(*, contract: Contract) -> QuerySet[ContractAttachment]:
    return ContractAttachment.objects.for_company(contract.company_id).filter(
        contract=contract
    ).select_related("uploaded_by__user")


def comment_list(*, contract: Contract) -> QuerySet[ContractComment]:
    return ContractComment.objects.for_company(contract.company_id).filter(
        contract=contract
    ).select_related("staff__user")
