"""Filter pieces every list shares: ids, a stable ordering, a created-date range in the
company's time zone, and word search. Each is safe on any input: a 400 or no match, never a
database error (ids past the bigint range, dates at the calendar's ends, endless searches).
"""
from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError as RequestValidationError

MAX_ID = 2**63 - 1  # ids are bigints
# A search reads at most this many words; more make a query that costs, and finds, no more.
MAX_SEARCH_WORDS = 8
MAX_SEARCH_LENGTH = 200


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1 to the largest bigint (else 400); an `integer` in the
    schema (api.schema.IdFilterTypes), like every id in paths and bodies."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """`true`/`false` (or 1/0, any case); anything else is a 400 rather than "no filter"."""

    widget = forms.TextInput  # the raw text: a select widget maps unknown values to None

    def to_python(self, value):
        if value in (None, ""):
            return None
        result = super().to_python(value.lower() if isinstance(value, str) else value)
        if result is None:
            raise ValidationError("Enter true or false.", code="invalid")
        return result

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the requested fields, then by id, so pages never overlap or skip rows.

    Several fields go comma-separated in one parameter (`ordering=name,-created_at`), the one
    way the schema declares; a repeated `ordering` is refused (refuse_repeated_parameters)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class LookupFilter(django_filters.CharFilter):
    """A lookup by id or by name (case-insensitive), as bodies name them."""

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        value = value.strip()
        if value.isascii() and value.isdigit():
            if len(value) > 19 or int(value) > MAX_ID:  # past the bigint range: no such row
                return qs.none()
            return qs.filter(**{self.field_name: int(value)})
        return qs.filter(**{f"{self.field_name}__name__iexact": value})


def search_words(value: str) -> list[str]:
    return value.split()[:MAX_SEARCH_WORDS]


def word_search(*fields: str):
    """A filter method: every word must be found (case-insensitively) in one of `fields`,
    so "john acme" finds John at ACME Corp."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in search_words(value):
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))
            )
        return queryset

    return search


class SearchFilter(django_filters.CharFilter):
    """`?search=` over `fields` (see word_search), at most MAX_SEARCH_LENGTH characters."""

    def __init__(self, *fields: str, **kwargs):
        kwargs.setdefault("method", word_search(*fields))
        kwargs.setdefault("max_length", MAX_SEARCH_LENGTH)
        super().__init__(**kwargs)


def company_zone(request) -> ZoneInfo:
    company = getattr(request, "company", None)
    try:
        return ZoneInfo(company.time_zone) if company is not None else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def day_start(day: datetime.date, zone: ZoneInfo) -> datetime.datetime | None:
    """The first instant of `day` in `zone`; None at the calendar's ends, where the instant
    does not exist in UTC (the range is then open on that side)."""
    if day <= datetime.date.min + datetime.timedelta(days=1) or day >= datetime.date.max:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


class CreatedDateRangeFilterSet(django_filters.FilterSet):
    """`created_from` / `created_to` (inclusive days in the company's time zone; `date_from` /
    `date_to` say the same, as the documents name them). Compared as a range of instants, so
    the `(company, created_at)` index serves it."""

    created_from = django_filters.DateFilter(
        method="filter_created_from", help_text="Created on or after this day (company time zone)"
    )
    created_to = django_filters.DateFilter(
        method="filter_created_to", help_text="Created on or before this day (company time zone)"
    )
    date_from = django_filters.DateFilter(method="filter_created_from", help_text="= created_from")
    date_to = django_filters.DateFilter(method="filter_created_to", help_text="= created_to")

    def filter_created_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        start = day_start(value, company_zone(self.request))
        return queryset if start is None else queryset.filter(created_at__gte=start)

    def filter_created_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value >= datetime.date.max:
            return queryset
        end = day_start(value + datetime.timedelta(days=1), company_zone(self.request))
        return queryset if end is None else queryset.filter(created_at__lt=end)


REPEATED_MESSAGE = (
    "Give this parameter once; where it takes several values, separate them with commas."
)


def multi_valued_parameters(view) -> set[str]:
    """Query parameters the view reads as a list of repeats (`?tag=a&tag=b`): its FilterSet's
    multiple-choice filters. Comma-separated filters (ordering) are single parameters."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return set()
    return {
        name
        for name, field in filterset_class.base_filters.items()
        if isinstance(field, django_filters.MultipleChoiceFilter)
        and not isinstance(field, django_filters.filters.BaseCSVFilter)
    }


def refuse_repeated_parameters(request, view) -> None:
    """A parameter read as one value, sent twice (`?ordering=a&ordering=b`, `?active=true&
    active=false`), is a 400 naming it: Django keeps the last, so the first would be silently
    dropped. Checked for every API view, before any filter, paginator or action reads it."""
    repeated = {
        name: [REPEATED_MESSAGE]
        for name, values in request.query_params.lists()
        if len(values) > 1
    }
    if not repeated:
        return
    for name in multi_valued_parameters(view):
        repeated.pop(name, None)
    if repeated:
        raise RequestValidationError(repeated)
