"""Role and feature checks, set once on the base viewset and configured by attributes."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.exceptions import FeatureDisabled, PermissionDeniedError
from tenancy.roles import Role, role_allows


class HasCompany(BasePermission):
    """Authenticated, and the credential resolved to a company."""

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and getattr(request, "company", None) is not None
        )


# These answer False with `message` and `code` set rather than raising: DRF then raises its
# own PermissionDenied, which OPTIONS metadata (SimpleMetadata) expects when it probes the
# write actions; a raised domain error would turn a user's OPTIONS into a 403.


class FeaturePermission(BasePermission):
    """`required_feature = Feature.X` on a view: 403 naming the feature when it is off."""

    code = FeatureDisabled.default_code

    def has_permission(self, request, view) -> bool:
        feature = getattr(view, "required_feature", None)
        if feature and not request.company.has_feature(feature):
            self.message = FeatureDisabled(feature).message
            return False
        return True


class RolePermission(BasePermission):
    """`read_role` / `write_role` on a view, `action_roles` per action for exceptions."""

    code = PermissionDeniedError.default_code

    def has_permission(self, request, view) -> bool:
        required = required_role(view, request.method)
        if not role_allows(getattr(request, "role", None), required):
            self.message = f"This action requires the {required} role."
            return False
        return True


def required_role(view, method: str) -> str:
    # A viewset names its action ("create", "activate"); a plain API view's action is the
    # HTTP method it serves ("post"), so `action_roles = {"post": Role.ADMIN}` works there.
    action = getattr(view, "action", None) or method.lower()
    action_roles = getattr(view, "action_roles", {}) or {}
    if action in action_roles:
        return action_roles[action]
    if method in SAFE_METHODS:
        return getattr(view, "read_role", Role.USER)
    return getattr(view, "write_role", Role.USER)


TENANT_PERMISSIONS = [HasCompany, FeaturePermission, RolePermission]


class TenantChecks:
    """The company, feature and role checks of every API base (viewsets and plain views).

    Configured by attributes, never by replacing the permissions: a subclass may add
    permission classes, but one that drops a tenant check, or names an action in
    `action_roles` that the view does not have (a typo would silently fall back to
    `write_role`), is refused when the class is defined.
    """

    permission_classes = TENANT_PERMISSIONS
    # Minimum roles; `action_roles = {"activate": Role.ADMIN}` for per-action exceptions
    # (on a plain API view, per HTTP method: `{"post": Role.ADMIN}`).
    read_role = Role.USER
    write_role = Role.USER
    action_roles: dict[str, str] = {}
    # `Feature.BILLINGO_SYNC`: every method answers 403 naming it while it is off.
    required_feature: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        missing = [p.__name__ for p in TENANT_PERMISSIONS if p not in cls.permission_classes]
        if missing:
            raise TypeError(
                f"{cls.__name__}.permission_classes drops {', '.join(missing)}; add to "
                "[*TENANT_PERMISSIONS, ...] and configure roles and features by attribute."
            )
        unknown = [name for name in cls.action_roles if not callable(getattr(cls, name, None))]
        if unknown:
            raise TypeError(
                f"{cls.__name__}.action_roles names {', '.join(sorted(unknown))}, which "
                f"{cls.__name__} does not serve."
            )
