"""The company-scoped base of every tenant API.

Scoping cannot be forgotten: a subclass may not override the methods that apply it
(`__init_subclass__` refuses), only narrow the queryset in `scope_queryset()`.
"""
from __future__ import annotations

from rest_framework.viewsets import GenericViewSet

from tenancy.roles import Role

from .permissions import TENANT_PERMISSIONS

_GUARDED = ("get_queryset", "perform_create", "get_serializer_context")


class TenantViewSet(GenericViewSet):
    permission_classes = TENANT_PERMISSIONS
    # Minimum roles; `action_roles = {"activate": Role.ADMIN}` for per-action exceptions.
    read_role = Role.USER
    write_role = Role.USER
    action_roles: dict[str, str] = {}
    required_feature: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _GUARDED:
            owner = next(klass for klass in cls.__mro__ if name in klass.__dict__)
            if owner.__dict__[name] is TenantViewSet.__dict__[name]:
                continue
            if owner.__module__.startswith("rest_framework."):
                # `class X(mixins.CreateModelMixin, V1ViewSet)` puts DRF's plain
                # `serializer.save()` ahead of ours in the MRO; scoping wins regardless.
                setattr(cls, name, TenantViewSet.__dict__[name])
                continue
            raise TypeError(
                f"{cls.__name__} overrides {name}() (in {owner.__name__}), which applies "
                "company scoping; narrow the queryset in scope_queryset() instead."
            )

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request company
            return queryset.none()
        return self.scope_queryset(queryset.for_company(self.request.company))

    def scope_queryset(self, queryset):
        """Hook: narrow, annotate or prefetch the company's rows."""
        return queryset

    def perform_create(self, serializer):
        serializer.save(company=self.request.company)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["company"] = getattr(self.request, "company", None)
        return context
