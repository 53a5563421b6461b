"""Reads about staff members (memberships seen as people), departments and roles."""
from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tenancy.models import Company, Department, Membership
from tenancy.roles import Role, permissions_for


def staff_with_relations(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    """What every staff representation reads: the user (joined) and the department ids (one
    prefetch), so a page of staff costs the same number of queries whatever its size."""
    return queryset.select_related("user").prefetch_related(
        Prefetch("departments", queryset=Department.objects.only("id", "name"))
    )


def staff_list(*, company: Company) -> QuerySet[Membership]:
    return staff_with_relations(Membership.objects.for_company(company))


def staff_get(*, company: Company, staff_id: int) -> Membership | None:
    return staff_list(company=company).filter(pk=staff_id).first()


def department_list(*, company: Company) -> QuerySet[Department]:
    return Department.objects.for_company(company)


def role_catalogue() -> list[dict]:
    """The roles a staff member can have and what each allows; the same for every company."""
    return [
        {"id": role.value, "name": str(role.label), "permissions": list(permissions_for(role))}
        for role in (Role.ADMIN, Role.USER)
    ]


def staff_permissions(*, membership: Membership) -> dict:
    """What this staff member may do. An inactive member may do nothing."""
    codes = list(permissions_for(membership.role)) if membership.is_active else []
    return {"staff_id": membership.pk, "role": membership.role, "permissions": codes}
