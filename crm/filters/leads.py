"""Query parameters of the leads and lead lookup lists."""
from __future__ import annotations

import json

import django_filters
from django.db import connection
from django.db.models import QuerySet

from api.filters import (
    BooleanFilter,
    CreatedDateRangeFilterSet,
    IdFilter,
    LookupFilter,
    SearchFilter,
    StableOrderingFilter,
)

from ..models import ContractType, Lead, LeadSource, LeadStatus

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
    search = SearchFilter(
        "name",
        "email",
        "company_name",
        "phone",
        help_text="Words found in the name, e-mail, company or phone",
    )
    status = LookupFilter(field_name="status", help_text="A lead status id or name")
    source = LookupFilter(field_name="source", help_text="A lead source id or name")
    assigned = IdFilter(field_name="assigned_to", help_text="The assigned staff id")
    converted = BooleanFilter(
        field_name="converted_at", lookup_expr="isnull", exclude=True
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
    search = SearchFilter("name")
    is_won = BooleanFilter()

    class Meta:
        model = LeadStatus
        fields: list[str] = []


class LeadSourceFilter(django_filters.FilterSet):
    search = SearchFilter("name")

    class Meta:
        model = LeadSource
        fields: list[str] = []


class ContractTypeFilter(django_filters.FilterSet):
    search = SearchFilter("name")

    class Meta:
        model = ContractType
        fields: list[str] = []
