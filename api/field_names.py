"""Service errors in the caller's words.

Services name fields as the model does (`date_end`); each dialect's serializer says which of
its names stands for which model field (`dateend = DateField(source="date_end")`). The dialect
base renames a service error's field keys through that map, so no serializer repeats a rule
only to say it under its own name.
"""
from __future__ import annotations

from functools import cache

from rest_framework import serializers

from core.exceptions import ApplicationError


@cache
def field_names_by_source(serializer_class: type[serializers.BaseSerializer]) -> dict[str, str]:
    """{model field: serializer field} for the fields whose name differs from their source.

    A writable field wins over a read-only one on the same source (`client` over
    `client_name`): errors are about what the caller sent.
    """
    names: dict[str, str] = {}
    fields = serializer_class().fields
    for name, field in sorted(fields.items(), key=lambda item: not item[1].read_only):
        source = field.source
        if source and source != name and source != "*" and "." not in source:
            names[source] = name
    return names


def rename_error_fields(exc: ApplicationError, names: dict[str, str]) -> None:
    """Rewrite `exc.details` keys (and a `read_only` list in `extra`) through `names`."""
    if not names:
        return
    if exc.details:
        exc.details = {names.get(key, key): errors for key, errors in exc.details.items()}
    read_only = exc.extra.get("read_only")
    if read_only:
        exc.extra["read_only"] = sorted(names.get(name, name) for name in read_only)


def view_field_names(view) -> dict[str, str]:
    """The map of the serializer the view reads and writes through, if it has one."""
    get_serializer_class = getattr(view, "get_serializer_class", None)
    if get_serializer_class is None:
        return {}
    try:
        serializer_class = get_serializer_class()
    except AssertionError:  # a view without a serializer_class
        return {}
    if not (isinstance(serializer_class, type) and issubclass(
        serializer_class, serializers.Serializer
    )):
        return {}
    return field_names_by_source(serializer_class)
