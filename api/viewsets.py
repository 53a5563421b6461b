"""The company-scoped bases of every tenant API: `TenantViewSet` for resources, `TenantAPIView`
for an endpoint that is not a resource (a synchronous trigger).

Both run the same company, feature and role checks (`api.permissions.TenantChecks`), and
scoping cannot be forgotten: a subclass may not override the methods that apply it
(`__init_subclass__` refuses), only narrow the queryset in `scope_queryset()`. A reviewed
bypass of the read path is spelled `dangerously_get_queryset()`, `dangerously_get_object()` or
`dangerously_filter_queryset()`, so it stands out in a diff and in a grep.
"""
from __future__ import annotations

from rest_framework.generics import GenericAPIView
from rest_framework.viewsets import GenericViewSet

from .permissions import TenantChecks

# The methods that apply scoping; the read path's may be bypassed by a `dangerously_` twin.
_BYPASSABLE = ("get_queryset", "get_object", "filter_queryset")
_GUARDED = (
    "get_queryset",
    "get_object",
    "filter_queryset",
    "perform_create",
    "get_serializer_context",
)


class TenantScoped(TenantChecks):
    """Company scoping for DRF's generic views; mixed in before GenericAPIView/GenericViewSet."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _GUARDED:
            owner = next(klass for klass in cls.__mro__ if name in klass.__dict__)
            if owner.__dict__[name] is TenantScoped.__dict__[name]:
                continue
            if owner.__module__.startswith("rest_framework."):
                # `class X(mixins.CreateModelMixin, V1ViewSet)` puts DRF's plain
                # `serializer.save()` ahead of ours in the MRO; scoping wins regardless.
                setattr(cls, name, TenantScoped.__dict__[name])
                continue
            bypass = ""
            if name in _BYPASSABLE:
                bypass = f", or spell a reviewed bypass dangerously_{name}()"
            raise TypeError(
                f"{cls.__name__} overrides {name}() (in {owner.__name__}), which applies "
                f"company scoping; narrow the queryset in scope_queryset(){bypass}."
            )

    def get_queryset(self):
        if hasattr(self, "dangerously_get_queryset"):
            return self.dangerously_get_queryset()
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request company
            return queryset.none()
        return self.scope_queryset(queryset.for_company(self.request.company))

    def scope_queryset(self, queryset):
        """Hook: narrow, annotate or prefetch the company's rows."""
        return queryset

    def get_object(self):
        """DRF's lookup (`lookup_field` in the filtered, company-scoped queryset): another
        company's id is 404, like a missing one."""
        if hasattr(self, "dangerously_get_object"):
            return self.dangerously_get_object()
        return super().get_object()

    def filter_queryset(self, queryset):
        """The view's filter backends, applied to the company's rows they are given."""
        if hasattr(self, "dangerously_filter_queryset"):
            return self.dangerously_filter_queryset(queryset)
        return super().filter_queryset(queryset)

    def perform_create(self, serializer):
        serializer.save(company=self.request.company)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["company"] = getattr(self.request, "company", None)
        return context


class TenantViewSet(TenantScoped, GenericViewSet):
    """Base of every tenant resource (through a dialect's base: `V1ViewSet`, ...)."""


class TenantAPIView(TenantScoped, GenericAPIView):
    """Base of a tenant endpoint that is not a resource (through a dialect's base:
    `BillingoAPIView`, ...): the same checks and scoping, per HTTP method."""
