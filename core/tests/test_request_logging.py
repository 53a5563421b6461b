"""One log line per 4xx answer, carrying the request id, and no traceback for 403 or 404."""
from __future__ import annotations

import logging

import pytest
from django.conf import settings

from core.logging import RequestIdFilter

pytestmark = pytest.mark.django_db


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["standard"]["format"]))

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    """What the console handler would print: every logger's records, formatted as configured."""
    handler = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def _warnings(handler):
    return [r for r in handler.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/customers/999999", 404),
        ("/api/v2/nothing-here", 404),
        ("/no-such-page", 404),
        ("/api/v1/customers?ordering=no_such_field", 400),
    ],
)
def test_a_client_error_is_one_line_with_the_request_id(path, status, admin_client_api, log_lines):
    response = admin_client_api.get(path, HTTP_X_REQUEST_ID="trace-4xx-1")

    assert response.status_code == status
    warnings = _warnings(log_lines)
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].exc_info is None
    line = log_lines.lines[log_lines.records.index(warnings[0])]
    assert "[trace-4xx-1]" in line
    assert f"{status} " in line and path.split("?")[0] in line


def test_an_unauthenticated_request_is_one_line(anon_client, log_lines):
    response = anon_client.get("/api/v1/customers", HTTP_X_REQUEST_ID="trace-401")

    assert response.status_code == 401
    (warning,) = _warnings(log_lines)
    assert "[trace-401]" in log_lines.lines[log_lines.records.index(warning)]


def test_a_forbidden_admin_page_is_one_line_without_a_traceback(
    client, user_membership, log_lines
):
    client.force_login(user_membership.user)

    response = client.get("/admin/tenancy/membership/add/", HTTP_X_REQUEST_ID="trace-403")

    assert response.status_code == 403
    (warning,) = _warnings(log_lines)
    assert warning.exc_info is None
    assert "[trace-403]" in log_lines.lines[log_lines.records.index(warning)]


def test_a_development_server_4xx_record_is_dropped():
    logger = logging.getLogger("django.server")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        logger.warning('"GET /x HTTP/1.1" 404 0', extra={"status_code": 404})
        logger.info('"GET /y HTTP/1.1" 200 0', extra={"status_code": 200})
    finally:
        logger.removeHandler(handler)

    assert [r.status_code for r in handler.records] == [200]
