from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    USER = "user", _("User")


class Permission(models.TextChoices):
    """What a role may do. Checked by the API's role permission, the admin and the pages."""

    DATA_READ = "data.read", _("Read company data")
    DATA_WRITE = "data.write", _("Create, change and delete company data")
    STAFF_MANAGE = "staff.manage", _("Manage staff members")
    API_KEYS_MANAGE = "api_keys.manage", _("Manage API keys")
    SETTINGS_MANAGE = "settings.manage", _("Manage company settings")
    INTEGRATIONS_MANAGE = "integrations.manage", _("Manage integrations")


ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.USER: (Permission.DATA_READ, Permission.DATA_WRITE),
    Role.ADMIN: tuple(Permission.values),
}

# Roles ordered by reach, so "at least user" includes admins.
_RANK = {Role.USER: 1, Role.ADMIN: 2}


def role_allows(role: str | None, required: str) -> bool:
    return _RANK.get(role, 0) >= _RANK[required]


def permissions_for(role: str) -> tuple[str, ...]:
    return ROLE_PERMISSIONS.get(role, ())
