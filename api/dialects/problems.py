"""Every exception, whatever raised it, becomes one `Problem`; each dialect only formats it.

This is the single place that knows how DRF, Django and the domain (core.exceptions) report
errors. A dialect's exception handler is `problem_from_exception` plus its own body shape.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.views import set_rollback

from core.exceptions import ApplicationError
from core.request_id import current_request_id

logger = logging.getLogger("api.errors")

VALIDATION_MESSAGE = "Validation failed."


@dataclass
class Problem:
    status: int
    code: str
    message: str
    # field -> messages; "non_field_errors" for errors of the whole body.
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    wait: int | None = None

    @property
    def request_id(self) -> str:
        return current_request_id.get()

    def first_errors(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.field_errors.items() if messages}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail -> {"field": [...], "items.0.qty": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(detail, list) and detail and all(isinstance(v, (dict, list)) for v in detail):
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(detail, list):
        flat[prefix or "non_field_errors"] = [str(item) for item in detail]
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def _code_of(exc: drf.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _is_message_dict(detail) -> bool:
    return isinstance(detail, dict) and isinstance(detail.get("detail"), str)


def _seconds(wait: float | None) -> int | None:
    # Rounded up: "Retry-After: 0" for a wait of 0.4s would invite a retry that fails again.
    return math.ceil(wait) if wait else None


def problem_from_exception(exc: Exception, context: dict | None = None) -> Problem:
    if isinstance(exc, ApplicationError):
        problem = Problem(
            status=exc.status_code,
            code=exc.code,
            message=exc.message,
            field_errors=_flatten(exc.details) if exc.details else {},
            extra=dict(exc.extra),
        )
    elif isinstance(exc, drf.ValidationError):
        problem = Problem(400, "invalid", VALIDATION_MESSAGE, _flatten(exc.detail))
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        problem = Problem(400, "invalid", VALIDATION_MESSAGE, _flatten(detail))
    elif isinstance(exc, (Http404, drf.NotFound)):
        problem = Problem(404, "not_found", "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        problem = Problem(403, "permission_denied", str(drf.PermissionDenied.default_detail))
    elif isinstance(exc, drf.Throttled):
        problem = Problem(429, "throttled", str(exc.detail), wait=_seconds(exc.wait))
    elif isinstance(exc, drf.APIException) and _is_message_dict(exc.detail):
        # simplejwt's InvalidToken carries `{detail, code, messages}`: a message, not fields.
        code = str(exc.detail.get("code") or exc.default_code)
        problem = Problem(exc.status_code, code, str(exc.detail["detail"]))
    elif isinstance(exc, drf.APIException):
        problem = Problem(exc.status_code, _code_of(exc), str(exc.detail))
        if isinstance(exc.detail, (dict, list)):
            problem.message = VALIDATION_MESSAGE if exc.status_code == 400 else exc.default_detail
            problem.field_errors = _flatten(exc.detail)
    else:
        logger.exception("Unhandled error [request_id=%s]", current_request_id.get())
        problem = Problem(500, "server_error", "A server error occurred.")

    if isinstance(exc, drf.APIException):
        if getattr(exc, "auth_header", None):
            problem.headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            problem.headers["Retry-After"] = str(_seconds(exc.wait))
    # Whatever the request wrote before it failed is rolled back (ATOMIC_REQUESTS).
    set_rollback()
    return problem
