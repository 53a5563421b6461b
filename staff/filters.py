"""Query parameters of the staff, users and departments lists.

Search and ordering live in the FilterSets (not DRF's SearchFilter/OrderingFilter), because the
API's names (`firstname`, `email`) are the user's fields, one join away from the membership.
"""
from __future__ import annotations

import django_filters
from django.db.models import Q

from tenancy.models import Department, Membership
from tenancy.roles import Role


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the requested fields, then by id, so pages never overlap or skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


def _search_staff(queryset, name, value):
    # Every word must match one of the fields: "jane smi" finds Jane Smith.
    for term in value.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__email__icontains=term)
            | Q(user__username__icontains=term)
        )
    return queryset


class StaffFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method=_search_staff, help_text="Words found in the first or last name, e-mail or username"
    )
    role = django_filters.ChoiceFilter(choices=Role.choices)
    active = django_filters.BooleanFilter(field_name="is_active")
    department = django_filters.NumberFilter(
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

    search = django_filters.CharFilter(
        method=_search_staff, help_text="Words found in the name, e-mail or username"
    )

    class Meta:
        model = Membership
        fields: list[str] = []


class DepartmentFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Department
        fields: list[str] = []
