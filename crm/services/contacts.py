"""Every write about a customer's contacts.

- An e-mail is unique among one customer's contacts, whatever its case (400 on `email`).
- A customer with contacts has exactly one primary contact: the first contact becomes it;
  making another one primary demotes the previous one in the same transaction; the primary
  contact can be neither demoted directly nor deleted (make another contact primary first).

Every write that touches the primary flag or the e-mails locks the customer's row first, so
two concurrent writes for one customer run one after the other; the database's unique
constraints stay the last word, and a violation they still catch is a 400, never a 500.
"""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower

from core.exceptions import ConflictError, NotFoundError, ValidationFailed
from tenancy.actors import Actor
from tenancy.models import Company

from ..activity import activity_record, diff, snapshot
from ..models import ActivityAction, Contact, Customer

CONTACT_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "is_primary",
    "is_active",
)
EMAIL_TAKEN_MESSAGE = "This customer already has a contact with this e-mail address."
CUSTOMER_ELSEWHERE_MESSAGE = "The customer is not a customer of this company."
CUSTOMER_GONE_MESSAGE = "The customer no longer exists."
PRIMARY_DEMOTE_MESSAGE = (
    "A customer keeps one primary contact: make another contact primary instead."
)
PRIMARY_DELETE_MESSAGE = (
    "The primary contact cannot be deleted: make another contact primary first."
)
PRIMARY_DELETE_CODE = "primary_contact"


def _check_names(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(CONTACT_FIELDS))
    if unknown:
        raise TypeError(f"Unknown contact fields: {', '.join(unknown)}")


def _lock_customer(customer: Customer) -> bool:
    """Lock the customer's row; False when it is gone (deleted by a request that held it)."""
    # The customer's row, not its contacts: it exists even before the first contact, so
    # two "first" contacts cannot both become primary.
    return (
        Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()
        is not None
    )


def _lock_contact(contact: Contact) -> bool:
    """Lock the contact's customer and re-read the contact's primary flag under the lock (it
    may have moved since the caller loaded the row). False when the contact is gone."""
    if not _lock_customer(contact.customer):
        return False
    flag = (
        Contact.objects.filter(pk=contact.pk).values_list("is_primary", flat=True).first()
    )
    if flag is None:
        return False
    contact.is_primary = flag
    return True


def _contacts_of(customer: Customer):
    return Contact.objects.for_company(customer.company_id).filter(customer=customer)


def _ensure_email_free(*, customer: Customer, email: str, excluding: Contact | None = None):
    # Lower() on both sides, as the unique constraint compares them.
    taken = _contacts_of(customer).alias(email_lower=Lower("email")).filter(
        email_lower=Lower(Value(email))
    )
    if excluding is not None and excluding.pk is not None:
        taken = taken.exclude(pk=excluding.pk)
    if taken.exists():
        raise ValidationFailed(details={"email": [EMAIL_TAKEN_MESSAGE]})


def _demote_primary(*, customer: Customer, keep: Contact, by: Actor | None) -> None:
    previous_primaries = _contacts_of(customer).filter(is_primary=True)
    if keep.pk is not None:
        previous_primaries = previous_primaries.exclude(pk=keep.pk)
    for previous in previous_primaries:
        previous.is_primary = False
        previous.save(update_fields=["is_primary", "updated_at"])
        activity_record(
            company=previous.company,
            obj=previous,
            action=ActivityAction.UPDATED,
            by=by,
            changes={"is_primary": [True, False]},
            description=f"Replaced as primary contact by {keep}.",
        )


def _clean(contact: Contact) -> None:
    # The customer is checked by the caller; the unique constraints by the queries above
    # (full_clean's own check would answer with the constraint's name).
    contact.full_clean(
        exclude=["company", "customer"], validate_unique=False, validate_constraints=False
    )


def _save(contact: Contact, **kwargs) -> None:
    try:
        with transaction.atomic():
            contact.save(**kwargs)
    except IntegrityError as exc:
        # A race the customer's lock did not cover (a write that bypassed the services).
        _ensure_email_free(customer=contact.customer, email=contact.email, excluding=contact)
        raise ConflictError(
            "The customer's contacts changed meanwhile; try again.", code="conflict"
        ) from exc


@transaction.atomic
def contact_create(
    *, company: Company, customer: Customer, by: Actor | None = None, **fields: Any
) -> Contact:
    """A new contact of `customer`. The customer's first contact becomes primary; one created
    with `is_primary=True` takes over from the previous primary."""
    _check_names(fields)
    if customer.company_id != company.pk:
        raise ValidationFailed(details={"customer": [CUSTOMER_ELSEWHERE_MESSAGE]})
    fields = dict(fields)
    fields["email"] = (fields.get("email") or "").strip()
    if not _lock_customer(customer):
        raise ValidationFailed(details={"customer": [CUSTOMER_GONE_MESSAGE]})
    _ensure_email_free(customer=customer, email=fields["email"])
    has_primary = _contacts_of(customer).filter(is_primary=True).exists()
    fields["is_primary"] = bool(fields.get("is_primary")) or not has_primary
    contact = Contact(company=company, customer=customer, **fields)
    _clean(contact)
    if contact.is_primary and has_primary:
        _demote_primary(customer=customer, keep=contact, by=by)
    _save(contact)
    activity_record(
        company=company,
        obj=contact,
        action=ActivityAction.CREATED,
        by=by,
        changes={**snapshot(contact, list(CONTACT_FIELDS)), "customer": customer.pk},
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: Actor | None = None, **fields: Any) -> Contact:
    """Change the given fields (a contact stays with its customer). `is_primary=True` makes it
    the primary contact; `is_primary=False` on the primary one is refused."""
    _check_names(fields)
    customer = contact.customer
    if not _lock_contact(contact):
        raise NotFoundError()
    fields = dict(fields)
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip()
        if fields["email"].lower() != contact.email.lower():
            _ensure_email_free(customer=customer, email=fields["email"], excluding=contact)
    if "is_primary" in fields:
        fields["is_primary"] = bool(fields["is_primary"])
        if contact.is_primary and not fields["is_primary"]:
            raise ValidationFailed(details={"is_primary": [PRIMARY_DEMOTE_MESSAGE]})
    before = snapshot(contact, list(fields))
    for name, value in fields.items():
        setattr(contact, name, value)
    changes = diff(before, snapshot(contact, list(fields)))
    if not changes:
        return contact
    _clean(contact)
    if changes.get("is_primary") == [False, True]:
        _demote_primary(customer=customer, keep=contact, by=by)
    _save(contact, update_fields=[*changes, "updated_at"])
    activity_record(
        company=contact.company, obj=contact, action=ActivityAction.UPDATED, by=by, changes=changes
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: Actor | None = None) -> None:
    """Delete a contact that is not the customer's primary one (409 `primary_contact`)."""
    if not _lock_contact(contact):
        raise NotFoundError()
    if contact.is_primary:
        raise ConflictError(PRIMARY_DELETE_MESSAGE, code=PRIMARY_DELETE_CODE)
    activity_record(
        company=contact.company,
        obj=contact,
        action=ActivityAction.DELETED,
        by=by,
        changes={**snapshot(contact, list(CONTACT_FIELDS)), "customer": contact.customer_id},
    )
    contact.delete()
