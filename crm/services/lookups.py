"""Every write about the CRM's per-company lookups: lead statuses, lead sources, contract types.

A lookup is named in requests by id or by name, case-insensitively (DESIGN.md "Decisions"), so
a name is unique per company whatever its case: a clash is a 400 on `name`, also when a
concurrent request inserts the same name first (the database constraint decides, inside a
savepoint). A lookup still used by leads or contracts is not deleted: 409 `in_use` with
`blocked_by` counting what holds it.
"""
from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Max

from core.exceptions import ConflictError, ValidationFailed
from tenancy.actors import Actor
from tenancy.models import Company

from ..activity import ActivityAction, activity_record, diff, snapshot
from ..models import ContractType, LeadSource, LeadStatus

Lookup = TypeVar("Lookup", LeadStatus, LeadSource, ContractType)

NAME_TAKEN_MESSAGE = "A {kind} with this name already exists."
IN_USE_MESSAGE = "The {kind} is still in use."

# The fields each lookup's services may set besides `name`.
_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    LeadStatus: ("name", "order", "color", "is_won"),
    LeadSource: ("name", "order"),
    ContractType: ("name",),
}


def _kind(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


# --- generic ---------------------------------------------------------------------------------


@transaction.atomic
def lookup_create(
    *, model: type[Lookup], company: Company, name: str, by: Actor | None = None, **fields: Any
) -> Lookup:
    """A new lookup row. `order`, when the model has one and it is not given, puts it last."""
    name = name.strip()
    _ensure_name_free(model=model, company=company, name=name)
    _refuse_unknown(model, fields)
    if "order" in _FIELDS[model] and fields.get("order") is None:
        fields["order"] = _next_order(model=model, company=company)
    lookup = model(company=company, name=name, **fields)
    lookup.full_clean(exclude=["company"], validate_constraints=False)
    _save(lookup)
    activity_record(
        company=company,
        obj=lookup,
        action=ActivityAction.CREATED,
        by=by,
        changes=snapshot(lookup, list(_FIELDS[model])),
    )
    return lookup


@transaction.atomic
def lookup_update(*, lookup: Lookup, by: Actor | None = None, **fields: Any) -> Lookup:
    """Change the fields given (a value of None leaves the field as it is)."""
    model = type(lookup)
    _refuse_unknown(model, fields)
    tracked = list(_FIELDS[model])
    before = snapshot(lookup, tracked)
    name = fields.pop("name", None)
    if name is not None:
        name = name.strip()
        if name.lower() != lookup.name.lower():
            _ensure_name_free(model=model, company=lookup.company, name=name, excluding=lookup)
        lookup.name = name
    for field, value in fields.items():
        if value is not None:
            setattr(lookup, field, value)
    changes = diff(before, snapshot(lookup, tracked))
    if not changes:
        return lookup
    lookup.full_clean(exclude=["company"], validate_constraints=False)
    _save(lookup)
    activity_record(
        company=lookup.company, obj=lookup, action=ActivityAction.UPDATED, by=by, changes=changes
    )
    return lookup


@transaction.atomic
def lookup_delete(*, lookup: Lookup, by: Actor | None = None) -> None:
    """Delete a lookup nothing uses; 409 `in_use` with `blocked_by` ({"leads": 3}) otherwise."""
    kind = _kind(type(lookup))
    blocked_by = lookup_usage(lookup=lookup)
    if blocked_by:
        raise _in_use(kind, blocked_by)
    activity_record(
        company=lookup.company,
        obj=lookup,
        action=ActivityAction.DELETED,
        by=by,
        changes=snapshot(lookup, list(_FIELDS[type(lookup)])),
    )
    try:
        with transaction.atomic():  # a row that started using it meanwhile still protects it
            lookup.delete()
    except (models.ProtectedError, models.RestrictedError):
        raise _in_use(kind, lookup_usage(lookup=lookup)) from None


def lookup_usage(*, lookup: models.Model) -> dict[str, int]:
    """How many rows of each kind still point at `lookup` through a protecting foreign key,
    by the related model's plural name: {"leads": 3, "contracts": 1}. Later apps' models
    that protect a lookup are counted too, without this module knowing them."""
    usage: dict[str, int] = {}
    for relation in lookup._meta.related_objects:
        if relation.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        related = relation.related_model
        count = related._base_manager.filter(**{relation.field.name: lookup}).count()
        if count:
            key = str(related._meta.verbose_name_plural)
            usage[key] = usage.get(key, 0) + count
    return usage


def _in_use(kind: str, blocked_by: dict[str, int]) -> ConflictError:
    return ConflictError(
        IN_USE_MESSAGE.format(kind=kind), code="in_use", extra={"blocked_by": blocked_by}
    )


def _refuse_unknown(model: type[models.Model], fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(_FIELDS[model])
    if unknown:
        raise TypeError(f"{model.__name__} has no settable fields {sorted(unknown)}")


# PositiveIntegerField's ceiling on PostgreSQL; a new lookup never goes past it.
MAX_ORDER = 2_147_483_647


def _next_order(*, model: type[models.Model], company: Company) -> int:
    """After the last one; a list already at the ceiling puts the new one beside it."""
    highest = model.objects.for_company(company).aggregate(highest=Max("order"))["highest"]
    return 0 if highest is None else min(highest + 1, MAX_ORDER)


def _ensure_name_free(
    *, model: type[models.Model], company: Company, name: str, excluding=None
) -> None:
    clash = model.objects.for_company(company).filter(name__iexact=name)
    if excluding is not None:
        clash = clash.exclude(pk=excluding.pk)
    if clash.exists():
        raise _name_taken(model)


def _name_taken(model: type[models.Model]) -> ValidationFailed:
    return ValidationFailed(details={"name": [NAME_TAKEN_MESSAGE.format(kind=_kind(model))]})


def _save(lookup: models.Model) -> None:
    try:
        with transaction.atomic():  # a concurrent insert of the same name loses on the constraint
            lookup.save()
    except IntegrityError:
        raise _name_taken(type(lookup)) from None


# --- lead sources by name (v2 leads) ----------------------------------------------------------


@transaction.atomic
def lead_source_get_or_create(
    *, company: Company, name: str, by: Actor | None = None
) -> LeadSource:
    """The company's source named `name` (any case), created when there is none yet.

    Two requests naming the same new source at once create it once: the loser of the race
    finds the winner's row after its insert fails on the unique constraint.
    """
    name = name.strip()
    if not name:
        raise ValidationFailed(details={"source": ["This field may not be blank."]})
    existing = LeadSource.objects.for_company(company).filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return lookup_create(model=LeadSource, company=company, name=name, by=by)
    except ValidationFailed:
        found = LeadSource.objects.for_company(company).filter(name__iexact=name).first()
        if found is None:
            raise
        return found
