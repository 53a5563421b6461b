"""v1 (and services, billingo) error body: `{detail, code, errors?}`."""
from __future__ import annotations

from ..base import error_response
from ..problems import problem_from_exception


def v1_error_body(problem) -> dict:
    body = {"detail": problem.message, "code": problem.code}
    if problem.field_errors:
        body["errors"] = problem.field_errors
    body.update(problem.extra)
    return body


def exception_handler(exc, context):
    problem = problem_from_exception(exc, context)
    return error_response(v1_error_body(problem), problem)
