from __future__ import annotations

import logging
from http import HTTPStatus

from .request_id import choose_request_id, current_request_id


class RequestIdMiddleware:
    """Gives every request an id, puts it in the logs and in the `X-Request-ID` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = choose_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


request_logger = logging.getLogger("core.requests")


class ClientErrorLogMiddleware:
    """One warning line per 4xx answer, with the request id (the log format carries it), and no
    traceback: a refused or unknown request is the client's mistake, not a fault to debug.
    Installed inside `RequestIdMiddleware`, so the id is still current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if 400 <= response.status_code < 500:
            request_logger.warning(
                "%s %s %s %s",
                response.status_code,
                _reason(response.status_code),
                request.method,
                request.get_full_path(),
            )
        return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Client Error"
