"""What an attachment may be: the types and size limit of contract attachments.

Tickets, tasks and projects can take the same list (or their own) later; the checking itself
is core.uploads.validate_upload.
"""
from __future__ import annotations

from django.conf import settings

from core.uploads import CheckedUpload, validate_upload

ATTACHMENT_TYPES = ("pdf", "png", "jpeg", "gif", "webp", "txt", "csv", "docx", "xlsx", "odt")


def attachment_max_bytes() -> int:
    """The `UPLOAD_MAX_BYTES` setting (10 MB by default), read at call time."""
    return settings.UPLOAD_MAX_BYTES


def validate_attachment(file, *, field: str = "file") -> CheckedUpload:
    return validate_upload(
        file, max_bytes=attachment_max_bytes(), allowed_types=ATTACHMENT_TYPES, field=field
    )
