"""The activity log's writing side: services call `activity_record` for every change."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tenancy.actors import SYSTEM, Actor

from .models import ActivityAction, ActivityLog


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` (attnames for foreign keys) as the log stores them."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = _plain(getattr(obj, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def activity_record(
    *,
    company,
    obj: models.Model,
    action: str,
    by: Actor | None = None,
    changes: dict | None = None,
    description: str = "",
) -> ActivityLog:
    by = by or SYSTEM
    return ActivityLog.objects.create(
        company=company,
        actor=by.membership,
        api_key=by.api_key,
        actor_name=by.name[:200],
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        changes=changes or {},
        description=description[:500],
    )


def activity_record_many(
    *,
    company,
    objs: list[models.Model],
    action: str,
    by: Actor | None = None,
    fields: list[str] | None = None,
    description: str = "",
) -> list[ActivityLog]:
    """One log row per object, written with one bulk insert (batches, cascades). With
    `fields`, each row keeps those values of its object as its changes."""
    if not objs:
        return []
    by = by or SYSTEM
    content_type = ContentType.objects.get_for_model(type(objs[0]))
    return ActivityLog.objects.bulk_create(
        ActivityLog(
            company=company,
            actor=by.membership,
            api_key=by.api_key,
            actor_name=by.name[:200],
            action=action,
            content_type=content_type,
            object_id=obj.pk,
            object_repr=str(obj)[:200],
            changes=snapshot(obj, fields) if fields else {},
            description=description[:500],
        )
        for obj in objs
    )


def activity_for(*, company, obj_type: type[models.Model], object_id: int):
    """The log of one record, newest first (selector used by leads, tickets, projects)."""
    return ActivityLog.objects.for_company(company).filter(
        content_type=ContentType.objects.get_for_model(obj_type), object_id=object_id
    ).select_related("actor__user")


__all__ = [
    "ActivityAction",
    "activity_for",
    "activity_record",
    "activity_record_many",
    "diff",
    "snapshot",
]
