"""Django REST framework, simplejwt and drf-spectacular."""
from __future__ import annotations

from datetime import timedelta

from config.env import env

REST_FRAMEWORK = {
    # Every API view takes its classes from its dialect (api/dialects/<name>/); these defaults
    # only apply to a view that has none, and they deny.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only: a form or multipart body is a 415. The one upload view (contract
    # attachments) sets api.parsers.UPLOAD_PARSER_CLASSES itself. Every parser listed here is a
    # request body type in the schema, and a client generated from three of them did not
    # import and sent multipart.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONBodyParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.dialects.v1.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {
        "v1": env.str("API_RATE_V1", default="1000/hour"),
        "v2": env.str("API_RATE_V2", default="1000/hour"),
        "billingo": env.str("API_RATE_BILLINGO", default="1000/hour"),
        "services": env.str("API_RATE_SERVICES", default="1000/hour"),
        "crm": env.str("API_RATE_CRM", default="1000/hour"),
        "crm_sync": env.str("API_RATE_CRM_SYNC", default="10/hour"),
        "crm_webhook": env.str("API_RATE_CRM_WEBHOOK", default="10000/hour"),
        "login": env.str("API_RATE_LOGIN", default="30/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Ledgerdesk API",
    "DESCRIPTION": (
        "One back office, five documented API dialects: v1 (`/api/v1/`), v2 (`/api/v2/`), "
        "crm (`/api/v1/crm/{organization_id}/`), billingo (`/api/billingo-*/`) and services "
        "(`/api/services/CRM/Invoice/*`). `PUT` is partial everywhere."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The session is for the browsable API only; integrators authenticate with a key or a token.
    "AUTHENTICATION_WHITELIST": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.CompanyJWTAuthentication",
        "api.authentication.OrganizationJWTAuthentication",
    ],
    # Swagger UI and ReDoc from drf-spectacular-sidecar's pinned static files: the docs work
    # offline and load nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "tenancy.roles.Role",
        "JobStatusEnum": "jobs.models.JobStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "api.schema.declare_dialect_errors",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.documented_path_spelling",
    ],
}
