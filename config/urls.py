"""The one place that mounts every app's routes under their dialect's prefix."""
from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

import api.urls
import crm.urls
import jobs.urls
import staff.urls
from api.dialects.registry import json_error_for_path
from api.routers import OptionalSlashRouter, register_routes
from core.health import healthz

# Order matters only where prefixes overlap: more specific prefixes first.
V1_ROUTES = [*crm.urls.v1_routes, *staff.urls.v1_routes, *jobs.urls.v1_routes, *api.urls.v1_routes]
V2_ROUTES = [*crm.urls.v2_routes, *staff.urls.v2_routes, *jobs.urls.v2_routes]

v1_router = register_routes(OptionalSlashRouter(), V1_ROUTES)
v2_router = register_routes(OptionalSlashRouter(), V2_ROUTES)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include(api.urls.urlpatterns)),
    path("api/v1/", include(v1_router.urls)),
    path("api/v2/", include(v2_router.urls)),
]


def handler404(request, exception=None):
    from django.views.defaults import page_not_found

    return json_error_for_path(request, 404, "not_found", "Not found.") or page_not_found(
        request, exception
    )


def handler500(request):
    from django.views.defaults import server_error

    return json_error_for_path(
        request, 500, "server_error", "A server error occurred."
    ) or server_error(request)
