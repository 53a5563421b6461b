"""Query parameters of the customer and contact lists (v1) and the v2 customer list.

The parameter names are the API's (`company`, `assigned`, `customer_id`), not the model's.
Search and ordering live in the FilterSets, as in staff/filters.py.
"""
from __future__ import annotations

import re

import django_filters
from django.db.models import F, Func, QuerySet, TextField

from api.filters import (
    BooleanFilter,
    CreatedDateRangeFilterSet,
    IdFilter,
    SearchFilter,
    StableOrderingFilter,
)

from ..models import Contact, Customer


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


# On PostgreSQL each field has a trigram index over exactly the expression Django's icontains
# writes, UPPER("field"::text) (crm/migrations/0002_customer_search_trigram_indexes.py): keep the
# lookup `icontains` and the fields in step with that migration.
CUSTOMER_SEARCH_FIELDS = ("name", "email", "vat", "phone")

# A word with three letters or digits in a row has a trigram the indexes can look up; a
# shorter one ("hu", "+36") is matched row by row, as without the indexes.
_TRIGRAM_WORD = re.compile(r"[^\W_]{3}")


class _SameText(Func):
    """`name || ''`: the same text in the same order (same collation), but an order that no
    index provides."""

    template = "(%(expressions)s || '')"
    output_field = TextField()


def _name_order_from_matches(queryset: QuerySet) -> QuerySet:
    """A name-ordered page of a trigram search: sort the matches rather than read the
    (company, name) index in order.

    The planner assumes the matches are spread evenly along the name order, so for
    `LIMIT 20` it walks the (company, name) index testing each row, expecting to meet 20 soon.
    But the matches of a name search sit together in name order ("Zeph" finds the "Zephyr ..."
    names, at the very end): the walk then reads nearly every customer of the company, which
    is slower than no index at all. Ordering by `name || ''` leaves the planner the trigram
    bitmap scan and a top-N sort of the matches (or, for a word most customers match, a
    sequential scan and the same sort). Other orderings (`created_at`, `id`) keep their plan:
    a name search has no reason to cluster in them.
    """
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if not ordering or not isinstance(ordering[0], str) or ordering[0].lstrip("-") != "name":
        return queryset
    first = _SameText(F("name"))
    first = first.desc() if ordering[0].startswith("-") else first.asc()
    return queryset.order_by(first, *ordering[1:])


class CustomerSearchFilterSet(django_filters.FilterSet):
    """The customer lists' `search`: words found in the name, e-mail, VAT or phone."""

    search = SearchFilter(
        *CUSTOMER_SEARCH_FIELDS, help_text="Words found in the name, e-mail, VAT or phone"
    )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)  # search and the ordering filter
        if _TRIGRAM_WORD.search(self.form.cleaned_data.get("search") or ""):
            queryset = _name_order_from_matches(queryset)
        return queryset


def _country(queryset, name, value):
    return queryset.filter(country=value.strip().upper())


class CustomerFilter(CreatedDateRangeFilterSet, CustomerSearchFilterSet):
    active = BooleanFilter(field_name="is_active")
    country = django_filters.CharFilter(
        method=_country, help_text="ISO 3166-1 alpha-2 code, any case"
    )
    assigned = IdFilter(
        field_name="assigned_to_id", help_text="A staff id: the customers assigned to them"
    )
    ordering = AliasOrderingFilter(
        fields=(("name", "company"), ("created_at", "created_at"), ("id", "id")),
        aliases={"name": "name"},
    )

    class Meta:
        model = Customer
        fields: list[str] = []


class V2CustomerFilter(CustomerSearchFilterSet):
    """v2 customers: `search` only, as the v2 document's lists have."""

    class Meta:
        model = Customer
        fields: list[str] = []


CONTACT_SEARCH_FIELDS = ("first_name", "last_name", "email", "phone", "title")


class CustomerContactFilter(CreatedDateRangeFilterSet):
    """One customer's contacts (`customers/{id}/contacts`)."""

    search = SearchFilter(
        *CONTACT_SEARCH_FIELDS,
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
    customer_id = IdFilter(
        field_name="customer_id", help_text="A customer id: its contacts"
    )

    class Meta(CustomerContactFilter.Meta):
        pass
