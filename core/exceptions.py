"""The error vocabulary of the domain.

Services raise these; each API dialect's exception handler maps them to its own shape, so a
service never knows which API called it.
"""
from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"
    default_message = "The request could not be completed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        # Field name -> message(s), as a form or serializer would report them.
        self.details = details or {}
        # Extra top-level keys that help the caller act (a 409's existing id, ...).
        self.extra = extra or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    status_code = 400
    default_code = "invalid"
    default_message = "Validation failed."


class NotFoundError(ApplicationError):
    status_code = 404
    default_code = "not_found"
    default_message = "Not found."


class ConflictError(ApplicationError):
    status_code = 409
    default_code = "conflict"
    default_message = "The request conflicts with the current state of the resource."


class PermissionDeniedError(ApplicationError):
    status_code = 403
    default_code = "permission_denied"
    default_message = "You do not have permission to perform this action."


class FeatureDisabled(PermissionDeniedError):
    default_code = "feature_disabled"

    def __init__(self, feature: str) -> None:
        super().__init__(f"{feature} feature is not enabled for your company")
        self.feature = feature


class ExternalServiceError(ApplicationError):
    status_code = 502
    default_code = "integration_error"
    default_message = "The external service failed."


class AuthenticationFailedError(ApplicationError):
    status_code = 401
    default_code = "authentication_failed"
    default_message = "Invalid or missing credentials."
