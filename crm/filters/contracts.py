"""Query parameters of the contract lists (v1 names: `client`, `datestart`, `dateend`,
`contract_value`)."""
from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q

from staff.filters import StableOrderingFilter

from ..models import Contract
from ..selectors.contracts import company_day_start, company_today, expired_q


def _search(queryset, name, value):
    # Every word must match the subject or the customer's name: "acme supp" finds
    # "Support" contracts of ACME.
    for term in value.split():
        queryset = queryset.filter(Q(subject__icontains=term) | Q(customer__name__icontains=term))
    return queryset


class ContractFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method=_search, help_text="Words found in the subject or the customer's name"
    )
    client = django_filters.NumberFilter(field_name="customer_id", help_text="A customer id")
    contract_type = django_filters.CharFilter(
        method="filter_contract_type", help_text="A contract type id or name (any case)"
    )
    signed = django_filters.BooleanFilter(method="filter_signed")
    expired = django_filters.BooleanFilter(
        method="filter_expired",
        help_text="true: ended before today (the company's date); false: not ended, or no end",
    )
    datestart_from = django_filters.DateFilter(field_name="date_start", lookup_expr="gte")
    datestart_to = django_filters.DateFilter(field_name="date_start", lookup_expr="lte")
    dateend_from = django_filters.DateFilter(field_name="date_end", lookup_expr="gte")
    dateend_to = django_filters.DateFilter(field_name="date_end", lookup_expr="lte")
    created_from = django_filters.DateFilter(
        method="filter_created_from", help_text="Created on or after this day (company's time zone)"
    )
    created_to = django_filters.DateFilter(
        method="filter_created_to", help_text="Created on or before this day (company's time zone)"
    )
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

    def filter_contract_type(self, queryset, name, value):
        value = value.strip()
        if value.isascii() and value.isdigit():
            return queryset.filter(contract_type_id=int(value))
        return queryset.filter(contract_type__name__iexact=value)

    def filter_signed(self, queryset, name, value):
        return queryset.filter(signed_at__isnull=not value)

    def filter_expired(self, queryset, name, value):
        condition = expired_q(company_today(self.company))
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_created_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=company_day_start(self.company, value))

    def filter_created_to(self, queryset, name, value):
        if value == datetime.date.max:
            return queryset
        next_day = value + datetime.timedelta(days=1)
        return queryset.filter(created_at__lt=company_day_start(self.company, next_day))
