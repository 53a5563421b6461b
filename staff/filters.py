"""Query parameters of the staff, users and departments lists.

Search and ordering live in the FilterSets (not DRF's SearchFilter/OrderingFilter), because the
API's names (`firstname`, `email`) are the user's fields, one join away from the membership.
"""
from __future__ import annotations

import django_filters

from api.filters import (
    BooleanFilter,
    CreatedDateRangeFilterSet,
    IdFilter,
    SearchFilter,
    StableOrderingFilter,
)
from tenancy.models import Department, Membership
from tenancy.roles import Role

STAFF_SEARCH_FIELDS = ("user__first_name", "user__last_name", "user__email", "user__username")


class StaffFilter(CreatedDateRangeFilterSet):
    search = SearchFilter(
        *STAFF_SEARCH_FIELDS, help_text="Words found in the first or last name, e-mail or username"
    )
    role = django_filters.ChoiceFilter(choices=Role.choices)
    active = BooleanFilter(field_name="is_active")
    department = IdFilter(
        field_name="departments", help_text="A department id: its members"
    )
    ordering = StableOrderingFilter(
        fields=(
            ("id", "id"),
            ("user__first_name", "firstname"),
            ("user__last_name", "lastname"),
            ("user__email", "email"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = Membership
        fields: list[str] = []


class UserFilter(django_filters.FilterSet):
    """v2 users: `search` only, as the v2 document's lists have."""

    search = SearchFilter(
        *STAFF_SEARCH_FIELDS, help_text="Words found in the name, e-mail or username"
    )

    class Meta:
        model = Membership
        fields: list[str] = []


class DepartmentFilter(CreatedDateRangeFilterSet):
    search = SearchFilter("name")

    class Meta:
        model = Department
        fields: list[str] = []
