"""Query parameters of the notes lists (`/notes` and `/leads/{id}/notes`)."""
from __future__ import annotations

import django_filters

from ..models import Note, NoteRelType
from api.filters import CreatedDateRangeFilterSet, IdFilter, SearchFilter, StableOrderingFilter


class NoteFilter(CreatedDateRangeFilterSet):
    rel_type = django_filters.ChoiceFilter(choices=NoteRelType.choices)
    rel_id = IdFilter(help_text="The related record's id (with rel_type)")
    staff_id = IdFilter(field_name="staff", help_text="The author's staff id")
    search = SearchFilter("description", help_text="Words in the text")
    ordering = StableOrderingFilter(
        fields=(("id", "id"), ("created_at", "created_at"), ("updated_at", "updated_at"))
    )

    class Meta:
        model = Note
        fields: list[str] = []
