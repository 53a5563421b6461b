"""The id of the request being served, for logs and error bodies."""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

# A caller may pass its own id for tracing; anything else gets a fresh UUID.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def choose_request_id(incoming: str | None) -> str:
    if incoming and _ACCEPTABLE.match(incoming):
        return incoming
    return str(uuid.uuid4())
