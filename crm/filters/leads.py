"""Query parameters of the leads and lead lookup lists.

Also the small filters the notes list shares: ids that are integers in the database's range
(a 400, not a 500, for `?assigned=1e30`), and a created date range read in the company's
time zone.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q, QuerySet

from ..models import ContractType, Lead, LeadSource, LeadStatus

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1 to the largest bigint."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the requested fields, then by id, so pages never overlap or skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


def _company_zone(request) -> ZoneInfo:
    company = getattr(request, "company", None)
    try:
        return ZoneInfo(company.time_zone) if company is not None else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


class CreatedDateRangeFilterSet(django_filters.FilterSet):
    """`date_from` / `date_to` (inclusive) on the creation day in the company's time zone.

    Compared as a range of instants, so the `(company, created_at)` index serves it."""

    date_from = django_filters.DateFilter(
        method="filter_date_from", help_text="Created on or after this day (company time zone)"
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", help_text="Created on or before this day (company time zone)"
    )

    def _start_of(self, day) -> datetime:
        return datetime.combine(day, time.min, tzinfo=_company_zone(self.request))

    def filter_date_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(created_at__gte=self._start_of(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(created_at__lt=self._start_of(value + timedelta(days=1)))


class LookupFilter(django_filters.CharFilter):
    """A lookup by id or by name (case-insensitive), as bodies name them."""

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        value = value.strip()
        if value.isascii() and value.isdigit():
            if int(value) > MAX_ID:
                return qs.none()
            return qs.filter(**{self.field_name: int(value)})
        return qs.filter(**{f"{self.field_name}__name__iexact": value})


def _search_leads(queryset: QuerySet, name: str, value: str) -> QuerySet:
    # Every word must match one of the fields: "john acme" finds John at ACME Corp.
    for term in value.split():
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(company_name__icontains=term)
            | Q(phone__icontains=term)
        )
    return queryset


def _filter_tag(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Leads carrying the tag, whatever its case.

    Matched in the JSON text of the list, quotes included, so "vip" does not find "vipx".
    PostgreSQL renders jsonb with the characters themselves; SQLite keeps Django's
    ASCII-escaped JSON (and compares case-insensitively in ASCII only)."""
    tag = value.strip()
    if not tag:
        return queryset
    encoded = json.dumps(tag, ensure_ascii=connection.vendor != "postgresql")
    return queryset.filter(tags__icontains=encoded)


class LeadFilter(CreatedDateRangeFilterSet):
    search = django_filters.CharFilter(
        method=_search_leads, help_text="Words found in the name, e-mail, company or phone"
    )
    status = LookupFilter(field_name="status", help_text="A lead status id or name")
    source = LookupFilter(field_name="source", help_text="A lead source id or name")
    assigned = IdFilter(field_name="assigned_to", help_text="The assigned staff id")
    converted = django_filters.BooleanFilter(
        field_name="converted_customer", lookup_expr="isnull", exclude=True
    )
    tag = django_filters.CharFilter(method=_filter_tag, help_text="Leads carrying this tag")
    ordering = StableOrderingFilter(
        fields=(
            ("id", "id"),
            ("name", "name"),
            ("company_name", "company"),
            ("value", "value"),
            ("status__order", "status"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        )
    )

    class Meta:
        model = Lead
        fields: list[str] = []


class LeadStatusFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    is_won = django_filters.BooleanFilter()

    class Meta:
        model = LeadStatus
        fields: list[str] = []


class LeadSourceFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = LeadSource
        fields: list[str] = []


class ContractTypeFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = ContractType
        fields: list[str] = []
