"""api's own routes; it imports no app (config/urls.py mounts the apps' routes)."""
from django.urls import path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from .auth_views import LoginView, RefreshView
from .lookups import CountryViewSet
from .schema_views import SchemaView

urlpatterns = [
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/refresh/", RefreshView.as_view(), name="auth-refresh"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

v1_routes = [("countries", CountryViewSet, "countries")]
