"""What the v1 staff endpoints are sent and answer, shared by the API tests."""
from __future__ import annotations

from tenancy.models import Membership

NEW_STAFF = {
    "firstname": "Jane",
    "lastname": "Smith",
    "email": "jane@company.com",
    "password": "securePass123",
}
STAFF_FIELDS = {
    "id", "firstname", "lastname", "email", "username", "phonenumber", "role", "departments",
    "active", "last_login", "created_at", "updated_at",
}


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def expected(membership: Membership) -> dict:
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    user = membership.user
    return {
        "id": membership.pk,
        "firstname": user.first_name,
        "lastname": user.last_name,
        "email": user.email,
        "username": user.username,
        "phonenumber": membership.phone,
        "role": membership.role,
        "departments": list(membership.departments.values_list("pk", flat=True)),
        "active": membership.is_active,
        "last_login": _iso(user.last_login),
        "created_at": _iso(membership.created_at),
        "updated_at": _iso(membership.updated_at),
    }
