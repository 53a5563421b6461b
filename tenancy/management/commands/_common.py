"""Helpers shared by the tenancy commands (a leading underscore keeps Django from listing it)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.exceptions import ApplicationError

from ...features import Feature
from ...models import Company


def parse_features(raw: str | None) -> list[str]:
    """`"BILLINGO_SYNC,CRM_INTEGRATIONS"` -> a list; an unknown name is a CommandError."""
    names = [part.strip().upper() for part in (raw or "").split(",") if part.strip()]
    unknown = [name for name in names if name not in Feature.values]
    if unknown:
        raise CommandError(
            f"Unknown feature(s): {', '.join(unknown)}. Known: {', '.join(Feature.values)}."
        )
    return names


def error_text(exc: Exception) -> str:
    """One readable line from a domain or validation error."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    if isinstance(exc, ApplicationError):
        return exc.message
    return str(exc)


def company_lookup(value: str) -> Company:
    """A company by id, slug or UUID, as operators type it."""
    value = value.strip()
    queryset = Company.objects.all()
    if value.isascii() and value.isdigit():
        company = queryset.filter(pk=int(value)).first()
    else:
        company = queryset.filter(slug=value).first()
        if company is None:
            try:
                company = queryset.filter(uuid=value).first()
            except ValidationError:
                company = None
    if company is None:
        raise CommandError(f"No company with id, slug or UUID {value!r}.")
    return company
