"""The base viewset's scoping cannot be displaced, whatever order the mixins come in."""
from __future__ import annotations

import pytest
from rest_framework import mixins

from api.dialects.v1.base import V1ViewSet
from api.viewsets import TenantViewSet
from tenancy.models import Department


def test_drf_mixins_listed_first_do_not_displace_company_scoping():
    class Departments(mixins.CreateModelMixin, mixins.ListModelMixin, V1ViewSet):
        queryset = Department.objects.all()

    assert Departments.perform_create is TenantViewSet.perform_create
    assert Departments.get_queryset is TenantViewSet.get_queryset
    assert Departments.get_serializer_context is TenantViewSet.get_serializer_context

    class Narrower(Departments):
        pass

    assert Narrower.perform_create is TenantViewSet.perform_create


@pytest.mark.parametrize("name", ["get_queryset", "perform_create", "get_serializer_context"])
def test_overriding_a_scoping_method_is_a_class_definition_error(name):
    with pytest.raises(TypeError, match=f"overrides {name}"):
        type("Leaky", (V1ViewSet,), {name: lambda self, *args: None})


def test_a_project_mixin_cannot_smuggle_in_an_override():
    class Unscoped:
        def get_queryset(self):
            return Department.objects.all()

    with pytest.raises(TypeError, match=r"overrides get_queryset\(\) \(in Unscoped\)"):
        type("Leaky", (Unscoped, V1ViewSet), {})
