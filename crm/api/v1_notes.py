"""v1 notes (api-v1-reference.md "Notes"): notes on customers, leads, contracts, staff, ...

`rel_type` and `rel_id` name the record; both are fixed once the note exists. The author
(`staff_id`) is whoever created the note: the acting staff member, or null for an API key.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api.context import actor_of
from api.dialects.v1.base import V1ViewSet
from api.filters import MAX_ID
from api.mixins import CrudMixin

from ..filters.notes import NoteFilter
from ..models import Note, NoteRelType
from ..selectors import notes as selectors
from ..services import notes as services

MAX_NOTE_LENGTH = 20_000


class V1NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    rel_type = serializers.ChoiceField(
        choices=NoteRelType.choices,
        help_text="What the note is on; a type is accepted once its app exists. Fixed after "
        "creation.",
    )
    rel_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The record's id, in this company. Fixed after creation.",
    )
    description = serializers.CharField(max_length=MAX_NOTE_LENGTH)
    staff_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The author's staff id; null for an API key"
    )
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was added")
    updated_at = serializers.DateTimeField(read_only=True)

    def _actor(self):
        request = self.context.get("request")
        return actor_of(request) if request is not None else None

    def create(self, validated_data):
        return services.note_create(
            company=validated_data["company"],
            rel_type=validated_data["rel_type"],
            rel_id=validated_data["rel_id"],
            description=validated_data["description"],
            by=self._actor(),
        )

    def update(self, instance, validated_data):
        return services.note_update(
            note=instance,
            description=validated_data.get("description"),
            rel_type=validated_data.get("rel_type"),
            rel_id=validated_data.get("rel_id"),
            by=self._actor(),
        )


@extend_schema_view(
    update=extend_schema(
        request=V1NoteSerializer(partial=True),
        description="`PUT` is partial. `rel_type` and `rel_id` cannot change: sending other "
        "values is a 400 (sending the same ones is fine).",
    ),
    create=extend_schema(
        description="`rel_id` must be a record of this company (400 otherwise); a `rel_type` "
        "whose app does not exist yet is a 400."
    ),
)
class NoteViewSet(
    CrudMixin,
    V1ViewSet,
):
    """The company's notes, newest first."""

    queryset = Note.objects.all()
    serializer_class = V1NoteSerializer
    filterset_class = NoteFilter

    def perform_destroy(self, instance):
        services.note_delete(note=instance, by=actor_of(self.request))


def note_page_response(view, *, rel_type: str, rel_id: int):
    """A page of one record's notes in the view's pagination (`leads/{id}/notes`, ...)."""
    queryset = selectors.notes_for(company=view.request.company, rel_type=rel_type, rel_id=rel_id)
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(V1NoteSerializer(page, many=True).data)
