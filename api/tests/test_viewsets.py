"""The base viewset's scoping cannot be displaced, whatever order the mixins come in."""
from __future__ import annotations

import pytest
from rest_framework import mixins

from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from api.dialects.billingo.base import BillingoAPIView
from api.dialects.crm.base import CrmAPIView
from api.dialects.services.base import ServicesAPIView
from api.dialects.v1.base import V1APIView, V1ViewSet
from api.dialects.v2.base import V2APIView
from api.permissions import TENANT_PERMISSIONS
from api.viewsets import TenantViewSet
from tenancy.features import Feature
from tenancy.models import Department
from tenancy.roles import Role


def test_drf_mixins_listed_first_do_not_displace_company_scoping():
    class Departments(mixins.CreateModelMixin, mixins.ListModelMixin, V1ViewSet):
        queryset = Department.objects.all()

    assert Departments.perform_create is TenantViewSet.perform_create
    assert Departments.get_queryset is TenantViewSet.get_queryset
    assert Departments.get_serializer_context is TenantViewSet.get_serializer_context

    class Narrower(Departments):
        pass

    assert Narrower.perform_create is TenantViewSet.perform_create


@pytest.mark.parametrize(
    "name",
    ["get_queryset", "get_object", "filter_queryset", "perform_create", "get_serializer_context"],
)
def test_overriding_a_scoping_method_is_a_class_definition_error(name):
    with pytest.raises(TypeError, match=f"overrides {name}"):
        type("Leaky", (V1ViewSet,), {name: lambda self, *args: None})


def test_a_project_mixin_cannot_smuggle_in_an_override():
    class Unscoped:
        def get_queryset(self):
            return Department.objects.all()

    with pytest.raises(TypeError, match=r"overrides get_queryset\(\) \(in Unscoped\)"):
        type("Leaky", (Unscoped, V1ViewSet), {})


@pytest.mark.parametrize("name", ["get_queryset", "get_object", "filter_queryset"])
def test_a_reviewed_bypass_is_spelled_dangerously(name):
    bypass = type("Reviewed", (V1ViewSet,), {f"dangerously_{name}": lambda self, *args: "raw"})
    view = bypass()
    assert getattr(view, name)(*([None] if name == "filter_queryset" else [])) == "raw"


API_VIEW_BASES = [V1APIView, V2APIView, CrmAPIView, ServicesAPIView, BillingoAPIView]


def _sync_view(base):
    """A synchronous trigger as Billingo's will be: a feature and an admin-only POST."""

    class Trigger(base):
        required_feature = Feature.BILLINGO_SYNC
        action_roles = {"post": Role.ADMIN}

        def get(self, request):
            return Response({})

        def post(self, request):
            return Response({})

    return Trigger


def _check(view_class, method, *, membership, features):
    company = membership.company
    company.features = features
    http = getattr(APIRequestFactory(), method)("/")
    http.company, http.role = company, membership.role
    request = Request(http)
    request.user = membership.user
    view = view_class()
    view.request, view.format_kwarg, view.kwargs = request, None, {}
    view.check_permissions(request)


@pytest.mark.django_db
@pytest.mark.parametrize("base", API_VIEW_BASES, ids=lambda base: base.__name__)
def test_every_api_view_base_checks_feature_and_role(base, admin_membership, user_membership):
    view = _sync_view(base)
    on = [Feature.BILLINGO_SYNC]
    _check(view, "post", membership=admin_membership, features=on)
    _check(view, "get", membership=user_membership, features=on)
    with pytest.raises(PermissionDenied, match="admin role"):
        _check(view, "post", membership=user_membership, features=on)
    with pytest.raises(PermissionDenied, match="BILLINGO_SYNC feature"):
        _check(view, "post", membership=admin_membership, features=[])


@pytest.mark.parametrize("base", API_VIEW_BASES, ids=lambda base: base.__name__)
def test_an_api_view_base_cannot_drop_a_tenant_check(base):
    with pytest.raises(TypeError, match="drops RolePermission"):
        type("Loose", (base,), {"permission_classes": TENANT_PERMISSIONS[:2]})


def test_action_roles_naming_a_missing_action_is_refused():
    with pytest.raises(TypeError, match="action_roles names activate"):
        type("Typo", (V1APIView,), {"action_roles": {"activate": Role.ADMIN}})
