"""What every dialect shares: its exception handler hook and the rate-limit headers."""
from __future__ import annotations

from django.utils import translation
from rest_framework.response import Response

from core.exceptions import ApplicationError

from ..context import clear_company
from ..field_names import rename_error_fields, view_field_names
from ..filters import refuse_repeated_parameters


class DialectMixin:
    """Mixed into every API view; a dialect's base sets the class attributes."""

    dialect: str = ""
    # A function (exc, context) -> Response, the dialect's exception handler.
    dialect_exception_handler = None

    def get_exception_handler(self):
        return type(self).dialect_exception_handler

    def perform_authentication(self, request):
        super().perform_authentication(request)
        company = getattr(request, "company", None)
        if company is not None:
            # Messages in the company's language (DESIGN: the company first, then the
            # browser's); restored in finalize_response, so nothing leaks past the request.
            self._language_before = translation.get_language()
            translation.activate(company.locale)

    def initial(self, request, *args, **kwargs):
        clear_company(request)
        super().initial(request, *args, **kwargs)
        # After authentication and permissions: a caller without access learns no more.
        refuse_repeated_parameters(request, self)

    def handle_exception(self, exc):
        if isinstance(exc, ApplicationError):
            # A service's field errors, under the names this dialect's caller sent.
            rename_error_fields(exc, view_field_names(self))
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_rate_limit_headers(request, response)
        language_before = self.__dict__.pop("_language_before", None)
        if language_before is not None:
            response["Content-Language"] = translation.get_language()
            translation.activate(language_before)
        # Django calls a response's closers when the server is done with it (api.context).
        for callback in getattr(request._request, "after_response", ()):
            response._resource_closers.append(callback)
        return response


def add_rate_limit_headers(request, response) -> None:
    rate = getattr(getattr(request, "_request", request), "rate_limit", None)
    if not rate:
        return
    response["X-RateLimit-Limit"] = str(rate["limit"])
    response["X-RateLimit-Remaining"] = str(rate["remaining"])
    response["X-RateLimit-Reset"] = str(rate["reset"])
    response["X-RateLimit-Window"] = str(rate["window"])


def error_response(body: dict, problem) -> Response:
    response = Response(body, status=problem.status, headers=problem.headers or None)
    return response
