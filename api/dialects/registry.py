"""Which dialect answers a path, for errors raised outside any API view (an unknown URL)."""
from __future__ import annotations

from django.http import JsonResponse

from .crm.exceptions import crm_error_body
from .problems import Problem
from .v1.exceptions import v1_error_body
from .v2.exceptions import v2_error_body

# Longest prefix first: crm paths live under /api/v1/.
_BODIES = [
    ("/api/v1/crm/", crm_error_body),
    ("/api/v1/", v1_error_body),
    ("/api/v2/", v2_error_body),
    ("/api/", v1_error_body),  # billingo, services, auth: `{detail, code}`
]


def error_body_for_path(path: str, problem: Problem) -> dict | None:
    for prefix, body in _BODIES:
        if path.startswith(prefix):
            return body(problem)
    return None


def json_error_for_path(request, status: int, code: str, message: str) -> JsonResponse | None:
    problem = Problem(status=status, code=code, message=message)
    body = error_body_for_path(request.path, problem)
    if body is None:
        return None
    return JsonResponse(body, status=problem.status)
