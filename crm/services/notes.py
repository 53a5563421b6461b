"""Every write about notes.

A note hangs on one record named by `rel_type` and `rel_id`. The type must be one of
`NoteRelType` and registered by the app that owns its model (crm.registry.note_targets: crm
registers customer, lead, contract and staff; billing, projects, ... theirs when they exist),
and the record must belong to the note's company: another company's id is refused exactly like
a missing one. The related record never changes after creation. Each write is recorded in the
activity log, on the note itself.
"""
from __future__ import annotations

from django.db import models, transaction

from core.exceptions import ValidationFailed
from tenancy.actors import Actor
from tenancy.models import Company

from ..activity import ActivityAction, activity_record, diff, snapshot
from ..models import Note, NoteRelType
from ..registry import note_targets

UNKNOWN_TYPE_MESSAGE = '"{value}" is not a valid choice.'
TYPE_NOT_AVAILABLE_MESSAGE = "Notes on {value} are not available yet."
TARGET_MISSING_MESSAGE = "No {rel_type} with id {rel_id}."
RELATION_FIXED_MESSAGE = "The record a note belongs to cannot change after creation."

_TRACKED = ["rel_type", "rel_id", "description", "staff"]


def note_target_model(rel_type: str) -> type[models.Model]:
    """The model behind `rel_type`; a 400 on `rel_type` for a type that is not one of the
    document's, or whose app has not registered it."""
    if rel_type not in NoteRelType.values:
        raise ValidationFailed(details={"rel_type": [UNKNOWN_TYPE_MESSAGE.format(value=rel_type)]})
    model = note_targets.get(rel_type)
    if model is None:
        raise ValidationFailed(
            details={"rel_type": [TYPE_NOT_AVAILABLE_MESSAGE.format(value=rel_type)]}
        )
    return model


def _ensure_target(*, company: Company, rel_type: str, rel_id: int) -> None:
    model = note_target_model(rel_type)
    # Scoped by company: another company's record reads as missing, with the same message.
    if not model._default_manager.filter(company_id=company.pk, pk=rel_id).exists():
        raise ValidationFailed(
            details={"rel_id": [TARGET_MISSING_MESSAGE.format(rel_type=rel_type, rel_id=rel_id)]}
        )


def _clean_description(description: str) -> str:
    description = description.strip()
    if not description:
        raise ValidationFailed(details={"description": ["This field may not be blank."]})
    return description


@transaction.atomic
def note_create(
    *,
    company: Company,
    rel_type: str,
    rel_id: int,
    description: str,
    by: Actor | None = None,
) -> Note:
    """A note by `by`'s membership (none for an API key or the system) on one record."""
    _ensure_target(company=company, rel_type=rel_type, rel_id=rel_id)
    note = Note(
        company=company,
        rel_type=rel_type,
        rel_id=rel_id,
        description=_clean_description(description),
        staff=by.membership if by is not None else None,
    )
    note.full_clean(exclude=["company", "staff"], validate_unique=False)
    note.save()
    activity_record(
        company=company,
        obj=note,
        action=ActivityAction.CREATED,
        by=by,
        changes=snapshot(note, _TRACKED),
    )
    return note


@transaction.atomic
def note_update(
    *,
    note: Note,
    description: str | None = None,
    rel_type: str | None = None,
    rel_id: int | None = None,
    by: Actor | None = None,
) -> Note:
    """Change the text. `rel_type` and `rel_id` may be sent back unchanged (a client that
    PUTs the whole note), never changed."""
    errors = {}
    if rel_type is not None and rel_type != note.rel_type:
        errors["rel_type"] = [RELATION_FIXED_MESSAGE]
    if rel_id is not None and rel_id != note.rel_id:
        errors["rel_id"] = [RELATION_FIXED_MESSAGE]
    if errors:
        raise ValidationFailed(details=errors)
    if description is None:
        return note
    before = snapshot(note, ["description"])
    note.description = _clean_description(description)
    changes = diff(before, snapshot(note, ["description"]))
    if not changes:
        return note
    note.save(update_fields=["description", "updated_at"])
    activity_record(
        company=note.company, obj=note, action=ActivityAction.UPDATED, by=by, changes=changes
    )
    return note


@transaction.atomic
def note_delete(*, note: Note, by: Actor | None = None) -> None:
    activity_record(
        company=note.company,
        obj=note,
        action=ActivityAction.DELETED,
        by=by,
        changes=snapshot(note, _TRACKED),
    )
    note.delete()


@transaction.atomic
def notes_delete_for(
    *, company: Company, rel_type: str, rel_id: int, by: Actor | None = None
) -> int:
    """Delete the notes of a record that is being deleted (each one logged); returns how many.

    The services deleting a record that notes may hang on call this inside their transaction.
    """
    notes = list(Note.objects.for_company(company).filter(rel_type=rel_type, rel_id=rel_id))
    for note in notes:
        note_delete(note=note, by=by)
    return len(notes)
