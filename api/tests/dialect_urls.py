"""A test-only URL conf: one tiny Department resource per dialect base, mounted where that
dialect lives, so the dialect classes are exercised exactly as real resources will use them.

Each resource: list, retrieve, create (admin only, `write_role`), destroy, and a `boom`
action that writes a row and then raises. A `gated` twin needs the BILLINGO_SYNC feature.
Used with `@pytest.mark.urls("api.tests.dialect_urls")`.
"""
from __future__ import annotations

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.urls import include, path
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.dialects.base import DialectMixin
from api.dialects.billingo.base import BillingoViewSet
from api.dialects.crm.base import CrmAPIView, CrmViewSet
from api.dialects.crm.exceptions import exception_handler as crm_exception_handler
from api.dialects.crm.throttling import (
    OrganizationRateThrottle,
    SyncRateThrottle,
    WebhookRateThrottle,
)
from api.dialects.services.base import ServicesAPIView, ServicesViewSet
from api.dialects.v1.base import V1ViewSet
from api.dialects.v2.base import V2ViewSet
from api.routers import OptionalSlashRouter, SlashRouter
from config.urls import handler403, handler404, handler500  # noqa: F401  (the product's JSON 404/500)
from tenancy.features import Feature
from tenancy.models import Department
from tenancy.roles import Role

BOOM_ROW = "written before the failure"


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "email"]


class DepartmentActions(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    write_role = Role.ADMIN
    # No update: PUT on a detail path is the 405 case.

    @action(detail=False, methods=["post"])
    def boom(self, request, *args, **kwargs):
        Department.objects.create(company=request.company, name=BOOM_ROW)
        raise RuntimeError("boom: an unexpected failure")


def _resource(base, name: str, **attrs):
    plain = type(f"{name}Departments", (DepartmentActions, base), dict(attrs))
    gated = type(f"{name}GatedDepartments", (plain,), {"required_feature": Feature.BILLINGO_SYNC})
    return plain, gated


V1Departments, V1GatedDepartments = _resource(V1ViewSet, "V1")
V2Departments, V2GatedDepartments = _resource(V2ViewSet, "V2")
# The test resource is looked up by integer id; real crm resources use UUIDs.
CrmDepartments, CrmGatedDepartments = _resource(
    CrmViewSet, "Crm", crm_items_key="departments", lookup_value_regex=r"[0-9]+"
)
BillingoDepartments, BillingoGatedDepartments = _resource(BillingoViewSet, "Billingo")


class ServicesDepartments(DepartmentActions, ServicesViewSet):
    """The services dialect's ids travel in the query string (`?id=`)."""

    def info(self, request, *args, **kwargs):
        department = get_object_or_404(self.get_queryset(), pk=request.query_params.get("id"))
        return Response(self.get_serializer(department).data)


class ServicesGatedDepartments(ServicesDepartments):
    required_feature = Feature.BILLINGO_SYNC


class ServicesPing(ServicesAPIView):
    """A plain services APIView: who is calling, in which company."""

    write_role = Role.ADMIN

    def get(self, request):
        return Response({"company_id": request.company.pk, "role": request.role})

    def post(self, request):
        return Response({"company_id": request.company.pk}, status=201)


class CrmConnectionSync(CrmAPIView):
    """Stands in for `POST .../connections/{connection_id}/sync` (10/hour per connection)."""

    throttle_classes = [OrganizationRateThrottle, SyncRateThrottle]

    def post(self, request, organization_id, connection_id):
        return Response({"connection_id": connection_id}, status=202)


class CrmWebhook(DialectMixin, APIView):
    """Stands in for `POST /api/v1/crm/webhook/<provider>/{connection_id}` (no JWT)."""

    dialect = "crm"
    dialect_exception_handler = staticmethod(crm_exception_handler)
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [WebhookRateThrottle]

    def post(self, request, provider, connection_id):
        return Response({"received": True})


def _router(router, *routes):
    for prefix, viewset in routes:
        router.register(prefix, viewset, basename=f"test-{viewset.__name__.lower()}")
    return router.urls


def _services(viewset, **actions):
    return viewset.as_view(actions)


urlpatterns = [
    # The HTML error pages outside the API are in the admin's look and link to it.
    path("admin/", admin.site.urls),
    path(
        "api/v1/crm/<str:organization_id>/connections/<str:connection_id>/sync",
        CrmConnectionSync.as_view(),
    ),
    path("api/v1/crm/webhook/<str:provider>/<str:connection_id>", CrmWebhook.as_view()),
    path(
        "api/v1/crm/<str:organization_id>/",
        include(
            _router(
                OptionalSlashRouter(),
                ("departments", CrmDepartments),
                ("gated-departments", CrmGatedDepartments),
            )
        ),
    ),
    path(
        "api/v1/",
        include(
            _router(
                OptionalSlashRouter(),
                ("departments", V1Departments),
                ("gated-departments", V1GatedDepartments),
            )
        ),
    ),
    path(
        "api/v2/",
        include(
            _router(
                OptionalSlashRouter(),
                ("departments", V2Departments),
                ("gated-departments", V2GatedDepartments),
            )
        ),
    ),
    path(
        "api/billingo-test/",
        include(
            _router(
                SlashRouter(),
                ("departments", BillingoDepartments),
                ("gated-departments", BillingoGatedDepartments),
            )
        ),
    ),
    path(
        "api/services/CRM/Invoice/Departments",
        _services(ServicesDepartments, get="list", post="create"),
    ),
    path("api/services/CRM/Invoice/GetDepartmentInfo", _services(ServicesDepartments, get="info")),
    path("api/services/CRM/Invoice/Boom", _services(ServicesDepartments, post="boom")),
    path(
        "api/services/CRM/Invoice/GatedDepartments",
        _services(ServicesGatedDepartments, get="list", post="create"),
    ),
    path("api/services/CRM/Invoice/Ping", ServicesPing.as_view()),
    path("api/", include("api.urls")),
]
