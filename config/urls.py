"""The one place that mounts every app's routes under their dialect's prefix."""
from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

import api.urls
import crm.urls
import jobs.urls
import staff.urls
from api.routers import OptionalSlashRouter, register_routes
from config.views import FaviconRedirect
from core.health import healthz

# Order matters only where prefixes overlap: more specific prefixes first.
V1_ROUTES = [*crm.urls.v1_routes, *staff.urls.v1_routes, *jobs.urls.v1_routes, *api.urls.v1_routes]
V2_ROUTES = [*crm.urls.v2_routes, *staff.urls.v2_routes, *jobs.urls.v2_routes]

v1_router = register_routes(OptionalSlashRouter(), V1_ROUTES)
v2_router = register_routes(OptionalSlashRouter(), V2_ROUTES)

urlpatterns = [
    # The start page: the admin until the staff pages exist (logged out, its login page).
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    # APPEND_SLASH is off (the API routers serve both spellings), so the admin's bare name is
    # redirected here.
    path("admin", RedirectView.as_view(url="/admin/", permanent=True)),
    path("favicon.ico", FaviconRedirect.as_view()),
    path("admin/", admin.site.urls),
    # POST language=hu|en: the user's own choice, used where no company decides (see
    # tenancy.locale).
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("api/", include(api.urls.urlpatterns)),
    path("api/v1/", include(v1_router.urls)),
    path("api/v2/", include(v2_router.urls)),
]


handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_failure"
