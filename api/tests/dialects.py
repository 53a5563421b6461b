"""The five dialects as the tests see them: where the test resource lives in
`api.tests.dialect_urls`, which credentials each accepts, and what its error body looks like."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tenancy.models import Company

ISO_SECOND = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

# What `code` v1, billingo and services answer for each status.
V1_CODES = {
    400: "invalid",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
    500: "server_error",
}
# The crm document's table (and 405 for a method the resource lacks).
CRM_CODES = {
    400: "BAD_REQUEST",
    401: "AUTHENTICATION_FAILED",
    403: "AUTHORIZATION_DENIED",
    404: "RESOURCE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
}


@dataclass(frozen=True)
class Dialect:
    name: str
    list_path: str
    detail_path: str  # "{pk}"; services take the id in the query string
    gated_path: str
    boom_path: str
    accepts_api_key: bool
    # A method the detail resource does not offer, and the path to send it to.
    missing_method: tuple[str, str]

    def url(self, template: str, company: Company, **kwargs) -> str:
        return template.format(org=company.uuid, **kwargs)

    @property
    def family(self) -> str:
        """Dialects that share an error body: v1 (v1, billingo, services), v2, crm."""
        return {"billingo": "v1", "services": "v1"}.get(self.name, self.name)


V1 = Dialect(
    "v1",
    "/api/v1/departments",
    "/api/v1/departments/{pk}",
    "/api/v1/gated-departments",
    "/api/v1/departments/boom",
    True,
    ("put", "/api/v1/departments/{pk}"),
)
V2 = Dialect(
    "v2",
    "/api/v2/departments",
    "/api/v2/departments/{pk}",
    "/api/v2/gated-departments",
    "/api/v2/departments/boom",
    True,
    ("put", "/api/v2/departments/{pk}"),
)
CRM = Dialect(
    "crm",
    "/api/v1/crm/{org}/departments",
    "/api/v1/crm/{org}/departments/{pk}",
    "/api/v1/crm/{org}/gated-departments",
    "/api/v1/crm/{org}/departments/boom",
    False,
    ("put", "/api/v1/crm/{org}/departments/{pk}"),
)
BILLINGO = Dialect(
    "billingo",
    "/api/billingo-test/departments/",
    "/api/billingo-test/departments/{pk}/",
    "/api/billingo-test/gated-departments/",
    "/api/billingo-test/departments/boom/",
    False,
    ("put", "/api/billingo-test/departments/{pk}/"),
)
SERVICES = Dialect(
    "services",
    "/api/services/CRM/Invoice/Departments",
    "/api/services/CRM/Invoice/GetDepartmentInfo?id={pk}",
    "/api/services/CRM/Invoice/GatedDepartments",
    "/api/services/CRM/Invoice/Boom",
    True,
    ("delete", "/api/services/CRM/Invoice/Departments"),
)
DIALECTS = [V1, V2, CRM, BILLINGO, SERVICES]
KEY_DIALECTS = [d for d in DIALECTS if d.accepts_api_key]


def dialect_id(dialect: Dialect) -> str:
    return dialect.name


def assert_error(dialect: Dialect, response, status: int, *, code: str | None = None) -> dict:
    """The response is `status` with exactly the dialect's error body; returns the body.

    `code` is the v1-family code to expect when the status alone does not decide it.
    """
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Request-ID"]
    body = response.json()
    if dialect.family == "v1":
        assert set(body) in ({"detail", "code"}, {"detail", "code", "errors"}), body
        assert isinstance(body["detail"], str) and body["detail"]
        assert body["code"] == (code or V1_CODES[status]), body
    elif dialect.family == "v2":
        assert set(body) in ({"success", "message"}, {"success", "message", "errors"}), body
        assert body["success"] is False
        assert isinstance(body["message"], str) and body["message"]
        if "errors" in body:
            assert all(isinstance(message, str) for message in body["errors"].values()), body
    else:
        assert set(body) == {"success", "error"}, body
        assert body["success"] is False
        error = body["error"]
        assert set(error) == {"code", "message", "details", "timestamp", "request_id"}, error
        assert error["code"] == CRM_CODES[status], error
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error["details"], dict)
        assert ISO_SECOND.match(error["timestamp"]), error
        assert error["request_id"] == response["X-Request-ID"]
    return body


def error_message(dialect: Dialect, body: dict) -> str:
    return {"v1": body.get("detail"), "v2": body.get("message")}.get(
        dialect.family, body.get("error", {}).get("message")
    )
