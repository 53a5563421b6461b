"""Reads about notes."""
from __future__ import annotations

from django.db.models import QuerySet

from tenancy.models import Company

from ..models import Note


def note_list(*, company: Company) -> QuerySet[Note]:
    # A note's representation reads only its own columns: no join, whatever the page size.
    return Note.objects.for_company(company)


def notes_for(*, company: Company, rel_type: str, rel_id: int) -> QuerySet[Note]:
    """The notes on one record, newest first."""
    return note_list(company=company).filter(rel_type=rel_type, rel_id=rel_id)
