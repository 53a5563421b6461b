import logging

from .request_id import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class DropClientErrors(logging.Filter):
    """Drops the records Django writes for a 4xx answer: `django.request` logs each one (a 403
    with a full traceback) and the development server logs it again. `ClientErrorLogMiddleware`
    writes the one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        return not (isinstance(status, int) and 400 <= status < 500)
