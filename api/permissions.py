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
    action = getattr(view, "action", None)
    action_roles = getattr(view, "action_roles", {}) or {}
    if action in action_roles:
        return action_roles[action]
    if method in SAFE_METHODS:
        return getattr(view, "read_role", Role.USER)
    return getattr(view, "write_role", Role.USER)


TENANT_PERMISSIONS = [HasCompany, FeaturePermission, RolePermission]
