"""core.uploads.validate_upload: type by name and by content, size, names."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import ValidationFailed
from core.uploads import FILE_TYPES, SNIFF_BYTES, validate_upload

ALL_TYPES = tuple(FILE_TYPES)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
GIF = b"GIF89a\x01\x00\x01\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
ZIP = b"PK\x03\x04\x14\x00\x06\x00"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/x-anything")


def _error(exc_info, field: str = "file") -> str:
    assert list(exc_info.value.details) == [field]
    return exc_info.value.details[field][0]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("terms.pdf", PDF, "application/pdf"),
        ("scan.PNG", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("anim.gif", GIF, "image/gif"),
        ("pic.webp", WEBP, "image/webp"),
        ("notes.txt", "árvíztűrő tükörfúrógép\n".encode(), "text/plain"),
        ("rows.csv", b"a,b\n1,2\n", "text/csv"),
        (
            "offer.docx",
            ZIP,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("sheet.xlsx", ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("letter.odt", ZIP, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_types_get_the_content_type_from_the_table_not_the_client(
    name, content, content_type
):
    checked = validate_upload(_upload(name, content), max_bytes=1000, allowed_types=ALL_TYPES)

    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.display_name == name
    assert checked.extension == name.rsplit(".", 1)[1].lower()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"MZ\x90\x00 this is an executable"),
        ("fake.pdf", PNG),
        ("fake.png", JPEG),
        ("fake.jpg", b"GIF89a"),
        ("fake.gif", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("fake.webp", b"RIFF\x24\x00\x00\x00WAVEfmt "),
        ("fake.docx", PDF),
        ("binary.txt", b"abc\x00def"),
    ],
)
def test_content_that_contradicts_the_name_is_refused(name, content):
    with pytest.raises(ValidationFailed) as exc_info:
        validate_upload(_upload(name, content), max_bytes=1000, allowed_types=ALL_TYPES)

    kind = FILE_TYPES[name.rsplit(".", 1)[1].replace("jpg", "jpeg")].name.upper()
    assert _error(exc_info) == f"The file's content is not {kind}, as its name says."


@pytest.mark.parametrize("name", ["run.exe", "page.html", "image.svg", "noextension", "pdf"])
def test_other_extensions_are_refused_naming_the_allowed_ones(name):
    with pytest.raises(ValidationFailed) as exc_info:
        validate_upload(_upload(name, PDF), max_bytes=1000, allowed_types=("pdf", "jpeg"))

    assert _error(exc_info) == "Files of this type are not accepted. Allowed: jpeg, jpg, pdf."


def test_a_type_left_out_of_the_allowed_list_is_refused():
    with pytest.raises(ValidationFailed):
        validate_upload(_upload("scan.png", PNG), max_bytes=1000, allowed_types=("pdf",))


def test_the_size_limit_is_inclusive():
    content = PDF + b"x" * (1024 - len(PDF))
    assert validate_upload(_upload("a.pdf", content), max_bytes=1024, allowed_types=("pdf",))

    with pytest.raises(ValidationFailed) as exc_info:
        validate_upload(_upload("a.pdf", content + b"x"), max_bytes=1024, allowed_types=("pdf",))
    assert _error(exc_info) == "The file is too large: the limit is 1 KB."


def test_the_limit_is_named_in_megabytes():
    content = PDF + b"x" * (1024 * 1024)
    with pytest.raises(ValidationFailed) as exc_info:
        validate_upload(_upload("a.pdf", content), max_bytes=1024 * 1024, allowed_types=("pdf",))
    assert _error(exc_info) == "The file is too large: the limit is 1 MB."


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as exc_info:
        validate_upload(_upload("a.txt", b""), max_bytes=1000, allowed_types=("txt",))
    assert _error(exc_info) == "The file is empty."


def test_errors_name_the_field_given():
    with pytest.raises(ValidationFailed) as exc_info:
        validate_upload(_upload("a.exe", b"x"), max_bytes=10, allowed_types=("txt",), field="doc")
    assert list(exc_info.value.details) == ["doc"]


def test_the_file_is_rewound_after_sniffing():
    upload = _upload("a.pdf", PDF)
    upload.read(3)

    validate_upload(upload, max_bytes=1000, allowed_types=("pdf",))

    assert upload.read() == PDF


def test_only_the_start_is_sniffed_for_text():
    content = b"a" * SNIFF_BYTES + b"\x00"
    assert validate_upload(_upload("a.txt", content), max_bytes=10**6, allowed_types=("txt",))


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\terms.txt", "terms.txt"),
        ("bad\x00na\nme.txt", "badname.txt"),
        ("a" * 300 + ".txt", "a" * 251 + ".txt"),
    ],
)
def test_the_display_name_keeps_only_a_safe_last_component(name, display):
    upload = _upload("x.txt", b"hello")
    upload.name = name  # Django's own cleaning is bypassed: validate_upload must not rely on it

    assert validate_upload(upload, max_bytes=1000, allowed_types=("txt",)).display_name == display


def test_the_storage_name_is_generated_and_keeps_the_extension():
    checked = validate_upload(_upload("My Terms.PDF", PDF), max_bytes=1000, allowed_types=("pdf",))

    first, second = checked.storage_name(), checked.storage_name()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", first)
    assert first != second


def test_an_unknown_type_name_is_a_programming_error():
    with pytest.raises(KeyError):
        validate_upload(_upload("a.pdf", PDF), max_bytes=1000, allowed_types=("exe",))
