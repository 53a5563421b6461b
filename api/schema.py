"""drf-spectacular extensions for our authentication classes (needed for --fail-on-warn)."""
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_basic_type, build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes


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
