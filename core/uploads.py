"""Size and type limits for uploaded files, whatever app receives them (DESIGN.md "Storage").

An upload is accepted by its extension, and its leading bytes must agree with that extension
where the format has a signature: a `.pdf` that does not start like a PDF is refused. The
content type we store and serve comes from this table, never from the client. The stored name
is generated; the client's name is kept only for display (`display_name`).

Apps choose their types and limit: `validate_upload(file, max_bytes=..., allowed_types=("pdf",
"png"))`. Errors are `ValidationFailed` on the upload's field, so every dialect answers 400.
"""
from __future__ import annotations

import os
import unicodedata
import uuid
from dataclasses import dataclass

from .exceptions import ValidationFailed

# How much of the file's start is read to check its signature (and, for text, its bytes).
SNIFF_BYTES = 8192
_ZIP = (b"PK\x03\x04",)


@dataclass(frozen=True)
class FileType:
    name: str
    extensions: tuple[str, ...]
    content_type: str
    # The file must start with one of these; empty means the format has none we check.
    signatures: tuple[bytes, ...] = ()
    # Text formats: refused when a NUL byte appears in the first SNIFF_BYTES (a binary file).
    text: bool = False

    def matches(self, head: bytes) -> bool:
        if self.name == "webp":  # RIFF....WEBP: the size sits between the two marks
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        if self.text:
            return b"\x00" not in head
        return not self.signatures or head.startswith(self.signatures)


FILE_TYPES: dict[str, FileType] = {
    file_type.name: file_type
    for file_type in (
        FileType("pdf", ("pdf",), "application/pdf", (b"%PDF-",)),
        FileType("png", ("png",), "image/png", (b"\x89PNG\r\n\x1a\n",)),
        FileType("jpeg", ("jpg", "jpeg"), "image/jpeg", (b"\xff\xd8\xff",)),
        FileType("gif", ("gif",), "image/gif", (b"GIF87a", b"GIF89a")),
        FileType("webp", ("webp",), "image/webp", (b"RIFF",)),
        FileType("txt", ("txt",), "text/plain", text=True),
        FileType("csv", ("csv",), "text/csv", text=True),
        # Office Open XML and OpenDocument files are ZIP archives.
        FileType(
            "docx",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ZIP,
        ),
        FileType(
            "xlsx",
            ("xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _ZIP,
        ),
        FileType("odt", ("odt",), "application/vnd.oasis.opendocument.text", _ZIP),
    )
}


@dataclass(frozen=True)
class CheckedUpload:
    """What validate_upload learned: the type (from our table), size and names to use."""

    file_type: FileType
    size: int
    display_name: str
    extension: str

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    def storage_name(self) -> str:
        """A generated name: the client's name never reaches the storage path."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def validate_upload(
    file, *, max_bytes: int, allowed_types: tuple[str, ...] | list[str], field: str = "file"
) -> CheckedUpload:
    """Check an uploaded file (a Django `UploadedFile` or any file with `name`, `size`,
    `read` and `seek`) against a size limit and a list of FILE_TYPES names."""
    types = [FILE_TYPES[name] for name in allowed_types]  # a KeyError is a programming error
    display_name = _display_name(getattr(file, "name", "") or "")
    extension = os.path.splitext(display_name)[1].lstrip(".").lower()
    file_type = next((t for t in types if extension in t.extensions), None)
    if file_type is None:
        allowed = ", ".join(sorted(ext for t in types for ext in t.extensions))
        _fail(field, f"Files of this type are not accepted. Allowed: {allowed}.")

    size = file.size
    if size is None:
        _fail(field, "The file's size is unknown.")
    if size == 0:
        _fail(field, "The file is empty.")
    if size > max_bytes:
        _fail(field, f"The file is too large: the limit is {_human(max_bytes)}.")

    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if not file_type.matches(head):
        _fail(field, f"The file's content is not {file_type.name.upper()}, as its name says.")
    return CheckedUpload(
        file_type=file_type, size=size, display_name=display_name, extension=extension
    )


def _display_name(name: str) -> str:
    # Only the last path component, without control characters; at most 255 characters,
    # keeping the extension.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension)] + extension
    return name


def _human(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _fail(field: str, message: str):
    raise ValidationFailed(details={field: [message]})
