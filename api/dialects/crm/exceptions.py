"""crm error body: `{success: false, error{code, message, details, timestamp, request_id}}`.

Codes and statuses as the crm document lists them; validation errors are 422.
"""
from __future__ import annotations

from datetime import UTC, datetime

from ..base import error_response
from ..problems import problem_from_exception

CODES_BY_STATUS = {
    400: "BAD_REQUEST",
    401: "AUTHENTICATION_FAILED",
    403: "AUTHORIZATION_DENIED",
    404: "RESOURCE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    502: "INTEGRATION_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def crm_error_body(problem, request=None) -> dict:
    status = problem.status
    if status == 400 and problem.field_errors:
        status = problem.status = 422
    # A domain code already in the document's vocabulary (CRM_CONNECTION_FAILED) is kept.
    code = problem.code if problem.code.isupper() else CODES_BY_STATUS.get(status)
    details: dict = dict(problem.field_errors)
    if status == 429:
        rate = getattr(getattr(request, "_request", request), "rate_limit", None) or {}
        wait = problem.wait or 0
        problem.message = f"Rate limit exceeded. Try again in {wait} seconds."
        details = {
            "limit": rate.get("limit"),
            "remaining": rate.get("remaining", 0),
            "reset_at": _iso(rate["reset"]) if rate.get("reset") else None,
        }
    details.update(problem.extra)
    return {
        "success": False,
        "error": {
            "code": code or "INTERNAL_ERROR",
            "message": problem.message,
            "details": details,
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "request_id": problem.request_id,
        },
    }


def exception_handler(exc, context):
    problem = problem_from_exception(exc, context)
    body = crm_error_body(problem, (context or {}).get("request"))
    return error_response(body, problem)
