"""drf-spectacular extensions and hooks: our authentication classes (needed for
--fail-on-warn), lookup fields, filter parameters, and the paths as the documents spell them."""
from __future__ import annotations

import re

import django_filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_basic_type, build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from rest_framework.views import APIView

from .dialects.schema import (
    CrmAutoSchema,
    CrmErrorSerializer,
    V1ErrorSerializer,
    V2ErrorSerializer,
    id_schema,
)
from .filters import IdFilter


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-KEY"}


class CompanyJWTScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.CompanyJWTAuthentication"
    name = "jwtAuth"
    match_subclasses = True

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer", bearer_format="JWT"
        )
        scheme["description"] = (
            "simplejwt access token from POST /api/auth/login/. A user in several companies "
            "picks one with the X-Company-ID header (crm paths: {organization_id})."
        )
        return scheme


# Dialects whose documents spell paths without a trailing slash (the routers accept both).
_SLASHLESS_PREFIXES = ("/api/v1/", "/api/v2/")


def documented_path_spelling(result, generator, request, public):
    """Postprocessing hook: show v1, v2 and crm paths as their documents spell them."""
    paths = result.get("paths", {})
    result["paths"] = {
        (path.rstrip("/") if path.startswith(_SLASHLESS_PREFIXES) else path): item
        for path, item in paths.items()
    }
    return result


# Every dialect's error body, by dialect (component names: V1Error, V2Error, CrmError). billingo,
# services and the auth endpoints answer v1's shape.
DIALECT_ERRORS = {
    "v1": V1ErrorSerializer,
    "v2": V2ErrorSerializer,
    "crm": CrmErrorSerializer,
}


def declare_dialect_errors(result, generator, request, public):
    """Postprocessing hook: every dialect's error shape is a component, even a dialect whose
    operations are not in this schema yet (crm), so a generated client has a model to parse
    an error body with. Runs before the enum hook; an error body has no enum."""
    auto_schema = CrmAutoSchema()
    auto_schema.registry = generator.registry
    auto_schema.method, auto_schema.path, auto_schema.path_regex = "GET", "/api/", "^api/$"
    # Error serializers read nothing from their view; drf-spectacular only needs one to build
    # a serializer context.
    view = APIView()
    view.request, view.format_kwarg, view.kwargs = None, None, {}
    auto_schema.view = view
    for serializer_class in DIALECT_ERRORS.values():
        auto_schema.resolve_serializer(serializer_class(), "response")
    built = generator.registry.build({})
    components = result.setdefault("components", {})
    for kind, entries in built.items():
        section = components.setdefault(kind, {})
        for name, entry in entries.items():
            section.setdefault(name, entry)
    return result


class CompanyLookupFieldExtension(OpenApiSerializerFieldExtension):
    """A per-company lookup: requests may send its id or its name; responses carry the id."""

    target_class = "api.fields.CompanyLookupField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return build_basic_type(OpenApiTypes.INT)
        # A blank name is refused ("This field may not be blank.").
        name = {**build_basic_type(OpenApiTypes.STR), "minLength": 1}
        return {"oneOf": [build_basic_type(OpenApiTypes.INT), name]}


class DjangoFilterTypes(DjangoFilterExtension):
    """django-filter parameters as a generated client should send them.

    - an IdFilter is an `integer` from 1 to the largest bigint (drf-spectacular guesses
      `number` where the filter has a method or no model field, and a client takes a float);
    - an ordering is one comma-separated `string` (`name,-created_at`) whose pattern lists the
      fields, not an array: generators ignore `explode: false` and repeat the parameter,
      which the API refuses (api.filters.refuse_repeated_parameters).
    """

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        if isinstance(filter_field, IdFilter):
            for parameter in parameters:
                parameter["schema"] = id_schema()
        elif isinstance(filter_field, django_filters.OrderingFilter):
            for parameter in parameters:
                _as_comma_separated(parameter)
        return parameters


def _as_comma_separated(parameter: dict) -> None:
    choices = parameter["schema"].get("items", {}).get("enum") or []
    parameter.pop("explode", None)
    parameter.pop("style", None)
    schema: dict = {"type": "string", "minLength": 1}
    fields = sorted({choice.lstrip("-") for choice in choices})
    if fields:
        if set(choices) == set(fields) | {f"-{name}" for name in fields} and all(
            re.fullmatch(r"\w+", name) for name in fields
        ):
            one = "-?(?:" + "|".join(fields) + ")"
        else:
            one = "(?:" + "|".join(re.escape(choice) for choice in choices) + ")"
        schema["pattern"] = rf"^{one}(?:,{one})*$"
        schema["example"] = ",".join([fields[0], *(f"-{name}" for name in fields[1:2])])
    parameter["schema"] = schema
    described = ", ".join(f"`{name}`" for name in fields)
    parameter["description"] = (
        "Comma-separated fields to order by (`-` first for descending), then by id; give the "
        f"parameter once. Fields: {described}."
    )
