"""Each dialect's OpenAPI description: its success envelope, its error bodies, its headers.

Declared once here and chosen by the dialect's base (`schema = V2AutoSchema()`), so every
endpoint's schema says what the renderer, paginator and exception handler really send.
"""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ..authentication import COMPANY_HEADER, CompanyJWTAuthentication
from ..filters import MAX_ID

_HEADER = {"schema": {"type": "integer"}}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {**_HEADER, "description": "Requests allowed in the window"},
    "X-RateLimit-Remaining": {**_HEADER, "description": "Requests left in the window"},
    "X-RateLimit-Reset": {**_HEADER, "description": "Unix time when the window resets"},
}
REQUEST_ID_HEADER = {
    "X-Request-ID": {"schema": {"type": "string"}, "description": "The request's id, as logged"}
}
RETRY_AFTER_HEADER = {"Retry-After": {**_HEADER, "description": "Seconds to wait"}}


def id_schema() -> dict:
    """A row id, wherever it travels (path, query, header): a bigint from 1."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


# A path id the router matches with `\d+` (v1, v2): drf-spectacular reads the regex as a
# string with a digits pattern, and a generated client then takes a `str`.
_DIGITS_PATTERNS = {r"^\d+$", r"^[0-9]+$"}

COMPANY_HEADER_PARAMETER = OpenApiParameter(
    name=COMPANY_HEADER,
    type=id_schema(),
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "JWT only: the company to act in, for a user who is a member of several (default: "
        "the user's default membership). A company the user is not an active member of is a "
        "403. An API key is bound to its company and ignores it."
    ),
)


class V1ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field name -> messages (validation errors only)",
    )


class V2ErrorSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=False)
    message = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Field name -> message"
    )


class CrmErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="AUTHENTICATION_FAILED, VALIDATION_ERROR, ...")
    message = serializers.CharField()
    details = serializers.DictField(help_text="Field errors, or limit/remaining/reset_at on 429")
    timestamp = serializers.DateTimeField()
    request_id = serializers.CharField()


class CrmErrorSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=False)
    error = CrmErrorDetailSerializer()


class DialectAutoSchema(AutoSchema):
    error_serializer: type[serializers.Serializer] = V1ErrorSerializer
    validation_status = "400"

    # -- success bodies -------------------------------------------------------------------
    def wrap_success(self, schema: dict) -> dict:
        return schema

    def _is_paginated(self, serializer) -> bool:
        serializer = force_instance(serializer)
        return bool(
            self._is_list_view(serializer)
            and self._get_paginator() is not None
            and not isinstance(serializer, dict)
        )

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        is_success = "200" <= str(status_code) < "300"
        if is_success and "content" in response and not self._is_paginated(serializer):
            for media in response["content"].values():
                media["schema"] = self.wrap_success(media["schema"])
        return response

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and "pattern" in (schema or {}):
            # drf-spectacular's pattern also matches "", "." and a sign the field refuses.
            schema["pattern"] = _decimal_pattern(field)
        if (
            direction == "request"
            and isinstance(field, (serializers.ListSerializer, serializers.ListField))
            and (schema or {}).get("type") == "array"
        ):
            # A list's own bounds; drf-spectacular reads only its validators.
            if not field.allow_empty:
                schema["minItems"] = max(schema.get("minItems", 0), 1)
            if isinstance(field, serializers.ListSerializer):
                if field.min_length is not None:
                    schema["minItems"] = max(schema.get("minItems", 0), field.min_length)
                if field.max_length is not None:
                    schema["maxItems"] = field.max_length
        if (
            direction == "response"
            and isinstance(field, (serializers.EmailField, serializers.URLField))
            and not field.allow_blank
            and schema is not None
            and "format" in schema
        ):
            # A response shows what is stored, and the models keep e-mails and URLs
            # `blank=True`: a row written by the admin, a command or another dialect (an
            # operator's user made without --email) reads back as "". Described the way
            # drf-spectacular describes an allow_blank field.
            outer = {"readOnly", "writeOnly", "nullable", "description", "title", "deprecated"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        # PUT is partial everywhere (DESIGN.md): describe its body as DRF describes PATCH.
        if self.method != "PUT":
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PATCH"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PUT"

    # -- parameters -----------------------------------------------------------------------
    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "integer" or (
                schema.get("type") == "string" and schema.get("pattern") in _DIGITS_PATTERNS
            ):
                parameter["schema"] = id_schema()
        return parameters

    def _takes_company_header(self) -> bool:
        # crm paths name their company in the path ({organization_id}); OrganizationJWT reads
        # the header only where a path has none.
        if "{organization_id}" in self.path:
            return False
        return any(
            isinstance(auth, type) and issubclass(auth, CompanyJWTAuthentication)
            for auth in getattr(self.view, "authentication_classes", ())
        )

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._takes_company_header():
            parameters.append(COMPANY_HEADER_PARAMETER)
        return parameters

    # -- errors and headers ---------------------------------------------------------------
    def _error_statuses(self) -> list[str]:
        statuses = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.append(self.validation_status)
        elif self.method == "GET" and self._is_list_view():
            paginated = self._get_paginator() is not None
            # A filter value its FilterSet refuses (a bad date, a NUL in `search`), or a page
            # size that is not a whole number.
            if self._get_filter_parameters() or paginated:
                statuses.append(self.validation_status)
            # DRF's paginators answer 404 "Invalid page." for a page past the last one.
            if paginated:
                statuses.append("404")
        if "{" in self.path and "404" not in statuses:
            statuses.append("404")
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error_ref = self.resolve_serializer(self.error_serializer(), "response").ref
        for status in self._error_statuses():
            if status not in responses:
                headers = {**REQUEST_ID_HEADER}
                if status == "429":
                    headers.update(RATE_LIMIT_HEADERS | RETRY_AFTER_HEADER)
                responses[status] = {
                    "description": "Error, in the dialect's shape",
                    "headers": headers,
                    "content": {"application/json": {"schema": error_ref}},
                }
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        headers = {**REQUEST_ID_HEADER, **headers}
        if getattr(self.view, "throttle_classes", None):
            headers = {**RATE_LIMIT_HEADERS, **headers}
        return headers


def _decimal_pattern(field: serializers.DecimalField) -> str:
    """Digits as the field reads and writes them: a sign only when negatives are allowed."""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    whole = max(field.max_whole_digits or 1, 1)
    return rf"^{sign}\d{{1,{whole}}}(?:\.\d{{1,{field.decimal_places}}})?$"


def _success(data_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"type": "boolean", "example": True}, "data": data_schema},
    }


class V1AutoSchema(DialectAutoSchema):
    """v1, billingo and services: bodies as they are, `{detail, code, errors?}` errors."""


class V2AutoSchema(DialectAutoSchema):
    error_serializer = V2ErrorSerializer

    def wrap_success(self, schema):
        return _success(schema)


class CrmAutoSchema(DialectAutoSchema):
    error_serializer = CrmErrorSerializer
    validation_status = "422"

    def wrap_success(self, schema):
        return _success(schema)

    def _get_paginator(self):
        paginator = super()._get_paginator()
        if paginator is not None:
            paginator.items_key = getattr(self.view, "crm_items_key", "items")
        return paginator
