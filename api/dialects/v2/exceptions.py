"""v2 error body: `{success: false, message, errors?{field: message}}`."""
from __future__ import annotations

from ..base import error_response
from ..problems import VALIDATION_MESSAGE, problem_from_exception

# The v2 document's wording for the two errors it shows.
V2_MESSAGES = {401: "Invalid API key or unauthorized access"}
V2_VALIDATION_MESSAGE = "Validation failed"


def v2_error_body(problem) -> dict:
    message = V2_MESSAGES.get(problem.status, problem.message)
    if message == VALIDATION_MESSAGE:
        message = V2_VALIDATION_MESSAGE
    body = {"success": False, "message": message}
    if problem.field_errors:
        body["errors"] = problem.first_errors()
    body.update(problem.extra)
    return body


def exception_handler(exc, context):
    problem = problem_from_exception(exc, context)
    return error_response(v2_error_body(problem), problem)
