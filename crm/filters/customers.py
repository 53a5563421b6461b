"""Query parameters of the customer and contact lists (v1) and the v2 customer list.

The parameter names are the API's (`company`, `assigned`, `customer_id`), not the model's.
Search and ordering live in the FilterSets, as in staff/filters.py.
"""
from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from staff.filters import StableOrderingFilter

from ..models import Contact, Customer


def _words(queryset, value: str, fields: tuple[str, ...]):
    # Every word must match one of the fields: "acme budapest" finds ACME in Budapest.
    for term in value.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


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


def _day_start(day: datetime.date) -> datetime.datetime:
    # Bounds as datetimes in the current time zone, so the (company, created_at) index serves.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _created_from(queryset, name, value):
    return queryset.filter(created_at__gte=_day_start(value))


def _created_to(queryset, name, value):
    return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))


class AliasOrderingFilter(StableOrderingFilter):
    """An ordering that also answers to other names: `aliases={"name": "name"}` lets v1's
    customers be ordered by `name` as well as by their API name `company`."""

    def __init__(self, *args, aliases: dict[str, str] | None = None, **kwargs):
        self.aliases = aliases or {}  # parameter -> model field
        super().__init__(*args, **kwargs)
        self.param_map.update(self.aliases)

    def build_choices(self, fields, labels):
        choices = super().build_choices(fields, labels)
        for alias in self.aliases:
            choices += [(alias, alias), (f"-{alias}", f"{alias} (descending)")]
        return choices


class CreatedRangeFilterSet(django_filters.FilterSet):
    created_from = django_filters.DateFilter(
        method=_created_from, help_text="Created on or after this day (YYYY-MM-DD)"
    )
    created_to = django_filters.DateFilter(
        method=_created_to, help_text="Created on or before this day (YYYY-MM-DD)"
    )


CUSTOMER_SEARCH_FIELDS = ("name", "email", "vat", "phone")


def _search_customers(queryset, name, value):
    return _words(queryset, value, CUSTOMER_SEARCH_FIELDS)


def _country(queryset, name, value):
    return queryset.filter(country=value.strip().upper())


class CustomerFilter(CreatedRangeFilterSet):
    search = django_filters.CharFilter(
        method=_search_customers, help_text="Words found in the name, e-mail, VAT or phone"
    )
    active = BooleanFilter(field_name="is_active")
    country = django_filters.CharFilter(
        method=_country, help_text="ISO 3166-1 alpha-2 code, any case"
    )
    assigned = django_filters.NumberFilter(
        field_name="assigned_to_id", help_text="A staff id: the customers assigned to them"
    )
    ordering = AliasOrderingFilter(
        fields=(("name", "company"), ("created_at", "created_at"), ("id", "id")),
        aliases={"name": "name"},
    )

    class Meta:
        model = Customer
        fields: list[str] = []


class V2CustomerFilter(django_filters.FilterSet):
    """v2 customers: `search` only, as the v2 document's lists have."""

    search = django_filters.CharFilter(
        method=_search_customers, help_text="Words found in the name, e-mail, VAT or phone"
    )

    class Meta:
        model = Customer
        fields: list[str] = []


CONTACT_SEARCH_FIELDS = ("first_name", "last_name", "email", "phone", "title")


def _search_contacts(queryset, name, value):
    return _words(queryset, value, CONTACT_SEARCH_FIELDS)


class CustomerContactFilter(CreatedRangeFilterSet):
    """One customer's contacts (`customers/{id}/contacts`)."""

    search = django_filters.CharFilter(
        method=_search_contacts,
        help_text="Words found in the first or last name, e-mail, phone or title",
    )
    active = BooleanFilter(field_name="is_active")
    is_primary = BooleanFilter()
    ordering = StableOrderingFilter(
        fields=(
            ("id", "id"),
            ("first_name", "firstname"),
            ("last_name", "lastname"),
            ("email", "email"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = Contact
        fields: list[str] = []


class ContactFilter(CustomerContactFilter):
    customer_id = django_filters.NumberFilter(
        field_name="customer_id", help_text="A customer id: its contacts"
    )

    class Meta(CustomerContactFilter.Meta):
        pass
