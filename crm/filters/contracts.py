"""Query parameters of the contract lists (v1 names: `client`, `datestart`, `dateend`,
`contract_value`)."""
from __future__ import annotations

import django_filters

from api.filters import (
    BooleanFilter,
    CreatedDateRangeFilterSet,
    IdFilter,
    LookupFilter,
    SearchFilter,
    StableOrderingFilter,
)

from ..models import Contract
from ..selectors.contracts import company_today, expired_q


class ContractFilter(CreatedDateRangeFilterSet):
    search = SearchFilter(
        "subject",
        "customer__name",
        help_text="Words found in the subject or the customer's name",
    )
    client = IdFilter(field_name="customer_id", help_text="A customer id")
    contract_type = LookupFilter(
        field_name="contract_type", help_text="A contract type id or name (any case)"
    )
    signed = BooleanFilter(method="filter_signed")
    expired = BooleanFilter(
        method="filter_expired",
        help_text="true: ended before today (the company's date); false: not ended, or no end",
    )
    datestart_from = django_filters.DateFilter(field_name="date_start", lookup_expr="gte")
    datestart_to = django_filters.DateFilter(field_name="date_start", lookup_expr="lte")
    dateend_from = django_filters.DateFilter(field_name="date_end", lookup_expr="gte")
    dateend_to = django_filters.DateFilter(field_name="date_end", lookup_expr="lte")
    ordering = StableOrderingFilter(
        fields=(
            ("id", "id"),
            ("date_end", "dateend"),
            ("date_start", "datestart"),
            ("value", "contract_value"),
            ("subject", "subject"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = Contract
        fields: list[str] = []

    @property
    def company(self):
        return self.request.company

    def filter_signed(self, queryset, name, value):
        return queryset.filter(signed_at__isnull=not value)

    def filter_expired(self, queryset, name, value):
        condition = expired_q(company_today(self.company))
        return queryset.filter(condition) if value else queryset.exclude(condition)
