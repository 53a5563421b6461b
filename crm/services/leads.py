"""Every write about leads: create, update (status changes logged apart), delete, convert.

Fields are the model's names (`company_name`, `phone`, `assigned_to`, ...); the API dialects
rename theirs before calling. The status, source and assigned staff member must be the lead's
company's (the API looks them up there already; this keeps other callers honest).

Converting a lead makes, in one transaction, the customer and, when the lead has an e-mail, its
primary contact (a contact needs an e-mail, so a lead without one converts to a customer with no
contact). The lead's row is locked first, so two conversions of one lead cannot both create a
customer: the second waits, then finds the lead converted and answers 409 with the customer.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_countries import countries

from core.exceptions import ConflictError, ValidationFailed
from tenancy.actors import Actor
from tenancy.models import Company

from ..activity import ActivityAction, activity_record, diff, snapshot
from ..models import Contact, Customer, Lead, LeadSource, LeadStatus, NoteRelType
from ..selectors.leads import lead_default_status, lead_won_status
from .assignment import NOT_ASSIGNABLE_MESSAGE, is_assignable
from .contacts import contact_create
from .customers import customer_create
from .notes import notes_delete_for
from .rows import lock_if_present

# What callers may set; conversion and the clock set the rest.
LEAD_FIELDS: tuple[str, ...] = (
    "name",
    "title",
    "company_name",
    "email",
    "phone",
    "website",
    "address",
    "city",
    "state",
    "zip",
    "country",
    "description",
    "status",
    "source",
    "assigned_to",
    "value",
    "tags",
    "last_contact_at",
)
# Logged on "updated"; a status change has its own "status_changed" entry.
_DIFFED = [name for name in LEAD_FIELDS if name != "status"]
MAX_TAGS = 20
MAX_TAG_LENGTH = 50

NO_STATUS_MESSAGE = "The company has no lead statuses; create one first."
ALREADY_CONVERTED_MESSAGE = "This lead has already been converted."
ALREADY_CONVERTED_CODE = "already_converted"
NOT_A_MEMBER_MESSAGE = NOT_ASSIGNABLE_MESSAGE
NO_LAST_NAME = "-"
UNKNOWN_COUNTRY_MESSAGE = '"{value}" is not an ISO 3166 country code.'


@dataclass(frozen=True)
class LeadConversion:
    lead: Lead
    customer: Customer
    contact: Contact | None


# --- checks ----------------------------------------------------------------------------------


def _check_names(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(LEAD_FIELDS))
    if unknown:
        raise TypeError(f"Unknown lead fields: {', '.join(unknown)}")


def _clean_tags(tags) -> list[str]:
    """Trimmed, without blanks, each tag once whatever its case (the first spelling stays)."""
    if tags is None:
        tags = []
    if not isinstance(tags, (list, tuple)):
        # A string would be split into letters, a number is not iterable: both are a mistake.
        raise ValidationFailed(details={"tags": ["Tags must be a list of strings."]})
    cleaned: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        if not isinstance(tag, str):
            raise ValidationFailed(details={"tags": ["Each tag must be a string."]})
        tag = tag.strip()
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationFailed(
                details={"tags": [f"Each tag has at most {MAX_TAG_LENGTH} characters."]}
            )
        seen.add(tag.casefold())
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(details={"tags": [f"At most {MAX_TAGS} tags."]})
    return cleaned


def _normalise(
    company: Company, fields: dict[str, Any], current: Lead | None = None
) -> dict[str, Any]:
    """Cleaned values, and the related rows checked against the company. A staff member must
    be active to be assigned; one deactivated since stays on the leads they already have."""
    fields = dict(fields)
    errors: dict[str, list[str]] = {}
    for name in ("name", "email", "company_name", "phone"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if isinstance(fields.get("country"), str):
        code = fields["country"].strip().upper()
        if code and code not in countries:
            errors["country"] = [UNKNOWN_COUNTRY_MESSAGE.format(value=fields["country"])]
        fields["country"] = code
    if "tags" in fields:
        fields["tags"] = _clean_tags(fields["tags"])
    if fields.get("value") is not None and Decimal(fields["value"]) < 0:
        errors["value"] = ["Ensure this value is greater than or equal to 0."]
    for name, model in (("status", LeadStatus), ("source", LeadSource)):
        related = fields.get(name)
        if related is not None and (
            not isinstance(related, model)
            or related.company_id != company.pk
            or not lock_if_present(model, related.pk)
        ):
            errors[name] = [f"Not a {model._meta.verbose_name} of this company."]
    if not is_assignable(
        company=company,
        membership=fields.get("assigned_to"),
        current_id=current.assigned_to_id if current is not None else None,
    ):
        errors["assigned_to"] = [NOT_A_MEMBER_MESSAGE]
    if errors:
        raise ValidationFailed(details=errors)
    return fields


def _full_clean(lead: Lead) -> None:
    # Related rows are checked above without queries; a lead has no unique fields.
    lead.full_clean(
        exclude=["company", "status", "source", "assigned_to", "converted_customer"],
        validate_unique=False,
        validate_constraints=False,
    )


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def lead_create(*, company: Company, by: Actor | None = None, **fields: Any) -> Lead:
    """A new lead of `company`. `name` is required; without `status` it gets the company's
    first status by order (a 400 on `status` when the company has none)."""
    _check_names(fields)
    fields = _normalise(company, fields)
    if fields.get("status") is None:
        fields["status"] = lead_default_status(company=company)
        if fields["status"] is None:
            raise ValidationFailed(details={"status": [NO_STATUS_MESSAGE]})
    lead = Lead(company=company, **fields)
    _full_clean(lead)
    lead.save()
    activity_record(
        company=company,
        obj=lead,
        action=ActivityAction.CREATED,
        by=by,
        changes=snapshot(lead, list(LEAD_FIELDS)),
    )
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, by: Actor | None = None, **fields: Any) -> Lead:
    """Change the given fields. A status change is logged as `status_changed` with the
    statuses' names; the other changed fields as one `updated` entry. Nothing changed: no
    write, no log."""
    _check_names(fields)
    company = lead.company
    if "status" in fields and fields["status"] is None:
        raise ValidationFailed(details={"status": ["This field may not be null."]})
    fields = _normalise(company, fields, current=lead)
    old_status = lead.status
    before = snapshot(lead, _DIFFED)
    for name, value in fields.items():
        setattr(lead, name, value)
    _full_clean(lead)
    changes = diff(before, snapshot(lead, _DIFFED))
    status_changed = lead.status_id != old_status.pk
    if not changes and not status_changed:
        return lead
    update_fields = [*changes, "updated_at"]
    if status_changed:
        update_fields.append("status")
    lead.save(update_fields=update_fields)
    if changes:
        activity_record(
            company=company, obj=lead, action=ActivityAction.UPDATED, by=by, changes=changes
        )
    if status_changed:
        activity_record(
            company=company,
            obj=lead,
            action=ActivityAction.STATUS_CHANGED,
            by=by,
            changes={"status": [old_status.name, lead.status.name]},
        )
    return lead


@transaction.atomic
def lead_delete(*, lead: Lead, by: Actor | None = None) -> None:
    """Delete the lead and its notes. A converted lead's customer stays. The log keeps the
    lead's entries and records the deletion."""
    notes = notes_delete_for(company=lead.company, rel_type=NoteRelType.LEAD, rel_id=lead.pk, by=by)
    activity_record(
        company=lead.company,
        obj=lead,
        action=ActivityAction.DELETED,
        by=by,
        changes=snapshot(lead, list(LEAD_FIELDS)),
        description=f"Deleted with {notes} note{'' if notes == 1 else 's'}." if notes else "",
    )
    lead.delete()


def split_name(name: str) -> tuple[str, str]:
    """"John Ronald Doe" -> ("John Ronald", "Doe"): the last word is the last name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


def _customer_fields(lead: Lead) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": (lead.company_name or lead.name)[:200],
        "email": lead.email,
        "phone": lead.phone,
        "website": lead.website,
        "address": lead.address,
        "city": lead.city,
        "state": lead.state,
        "zip": lead.zip,
        "country": lead.country,
    }
    if lead.assigned_to_id is not None:
        fields["assigned_to"] = lead.assigned_to
    return fields


def _contact_fields(lead: Lead) -> dict[str, Any]:
    first_name, last_name = split_name(lead.name)
    return {
        "first_name": first_name[:100],
        # A contact needs both names; a lead named in one word ("Madonna") gets a dash.
        "last_name": last_name[:100] or NO_LAST_NAME,
        "email": lead.email,
        "phone": lead.phone,
        "title": lead.title,
    }


@transaction.atomic
def lead_convert(*, company: Company, lead: Lead, by: Actor | None = None) -> LeadConversion:
    """Make the lead a customer (and its primary contact when the lead has an e-mail), mark it
    converted with the company's won status (if it has one) and log `converted`.

    A converted lead answers 409 `already_converted` with the customer's id."""
    # Locked and read again: a conversion that ran meanwhile is seen, not repeated.
    lead = Lead.objects.select_for_update(of=("self",)).get(company=company, pk=lead.pk)
    if lead.is_converted:
        raise ConflictError(
            ALREADY_CONVERTED_MESSAGE,
            code=ALREADY_CONVERTED_CODE,
            extra={"customer_id": lead.converted_customer_id},
        )
    customer = customer_create(company=company, by=by, **_customer_fields(lead))
    contact = None
    if lead.email:
        contact = contact_create(company=company, customer=customer, by=by, **_contact_fields(lead))

    old_status = lead.status
    won = lead_won_status(company=company)
    lead.converted_customer = customer
    lead.converted_at = timezone.now()
    update_fields = ["converted_customer", "converted_at", "updated_at"]
    changes: dict[str, list] = {"customer_id": [None, customer.pk]}
    if contact is not None:
        changes["contact_id"] = [None, contact.pk]
    if won is not None and won.pk != old_status.pk:
        lead.status = won
        update_fields.append("status")
        changes["status"] = [old_status.name, won.name]
    lead.save(update_fields=update_fields)
    activity_record(
        company=company,
        obj=lead,
        action=ActivityAction.CONVERTED,
        by=by,
        changes=changes,
        description=f"Converted to customer {customer.name}."[:500],
    )
    return LeadConversion(lead=lead, customer=customer, contact=contact)
