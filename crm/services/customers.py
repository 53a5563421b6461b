"""Every write about customers.

Fields are the model's names (`name`, `vat`, `phone`, ..., `assigned_to`); the API dialects
rename theirs before calling. Each write records the activity log.

A customer is deleted with its contacts, unless other records still need it: each app that
has such records registers a counter in `crm.registry.customer_delete_blockers` (crm counts
contracts; billing adds invoices and payments), and a delete they block is a 409
`customer_has_dependents` naming what blocks it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction

from core.exceptions import ConflictError, NotFoundError, ValidationFailed
from tenancy.actors import Actor
from tenancy.models import Company, Membership

from ..activity import activity_record, activity_record_many, diff, snapshot
from ..models import ActivityAction, Customer
from ..registry import customer_delete_blockers
from .assignment import NOT_ASSIGNABLE_MESSAGE, is_assignable
from .contacts import CONTACT_FIELDS
from .notes import notes_delete_for

# What callers may set; everything else on the row is the company's or the clock's.
CUSTOMER_FIELDS: tuple[str, ...] = (
    "name",
    "vat",
    "phone",
    "email",
    "website",
    "address",
    "city",
    "state",
    "zip",
    "country",
    "shipping_address",
    "shipping_city",
    "shipping_state",
    "shipping_zip",
    "shipping_country",
    "default_currency",
    "is_active",
    "assigned_to",
)
MAX_BULK_CUSTOMERS = 1000

ASSIGNED_ELSEWHERE_MESSAGE = NOT_ASSIGNABLE_MESSAGE
DEPENDENTS_CODE = "customer_has_dependents"


def _check_names(fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - set(CUSTOMER_FIELDS))
    if unknown:
        # A caller's mistake, not the client's: the API never passes names it did not map.
        raise TypeError(f"Unknown customer fields: {', '.join(unknown)}")


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("country", "shipping_country", "default_currency"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip().upper()
    if isinstance(fields.get("email"), str):
        fields["email"] = fields["email"].strip()
    return fields


def _check_assigned(
    *, company: Company, assigned_to: Membership | None, current_id: int | None = None
) -> None:
    if not is_assignable(company=company, membership=assigned_to, current_id=current_id):
        raise ValidationFailed(details={"assigned_to": [ASSIGNED_ELSEWHERE_MESSAGE]})


def _lock(customer: Customer) -> bool:
    """Lock the customer's row; False when another request deleted it meanwhile."""
    return (
        Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").first()
        is not None
    )


def _full_clean(customer: Customer) -> None:
    # company and assigned_to are checked above without a query; a customer has no unique
    # fields or constraints, so nothing else needs the database.
    customer.full_clean(
        exclude=["company", "assigned_to"], validate_unique=False, validate_constraints=False
    )


@transaction.atomic
def customer_create(*, company: Company, by: Actor | None = None, **fields: Any) -> Customer:
    """A new customer of `company`. `fields` are model field names; `name` is required."""
    _check_names(fields)
    fields = _normalise(dict(fields))
    _check_assigned(company=company, assigned_to=fields.get("assigned_to"))
    customer = Customer(company=company, **fields)
    _full_clean(customer)
    customer.save()
    activity_record(
        company=company,
        obj=customer,
        action=ActivityAction.CREATED,
        by=by,
        changes=snapshot(customer, list(CUSTOMER_FIELDS)),
    )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: Actor | None = None, **fields: Any) -> Customer:
    """Change the given fields; records the changed ones (nothing changed: no write)."""
    _check_names(fields)
    if not _lock(customer):
        raise NotFoundError()
    fields = _normalise(dict(fields))
    if "assigned_to" in fields:
        _check_assigned(
            company=customer.company,
            assigned_to=fields["assigned_to"],
            current_id=customer.assigned_to_id,
        )
    before = snapshot(customer, list(fields))
    for name, value in fields.items():
        setattr(customer, name, value)
    _full_clean(customer)
    changes = diff(before, snapshot(customer, list(fields)))
    if not changes:
        return customer
    customer.save(update_fields=[*changes, "updated_at"])
    activity_record(
        company=customer.company,
        obj=customer,
        action=ActivityAction.UPDATED,
        by=by,
        changes=changes,
    )
    return customer


def customer_delete_blocked_by(*, customer: Customer) -> dict[str, int]:
    """{"contracts": 2, "invoices": 1}: the records that keep `customer` from being deleted."""
    blocked: dict[str, int] = {}
    for count in customer_delete_blockers:
        for name, number in count(customer).items():
            if number:
                blocked[name] = blocked.get(name, 0) + number
    return blocked


def _describe(blocked: Mapping[str, int]) -> str:
    parts = [
        f"{number} {name[:-1] if number == 1 and name.endswith('s') else name}"
        for name, number in blocked.items()
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Customer has {listed}; delete or reassign them first."


def _refuse_delete(blocked: Mapping[str, int]) -> ConflictError:
    return ConflictError(_describe(blocked), code=DEPENDENTS_CODE, extra={"blocked_by": blocked})


@transaction.atomic
def customer_delete(*, customer: Customer, by: Actor | None = None) -> None:
    """Delete the customer and its contacts; 409 while other records still need it."""
    # Locked so a contact written meanwhile waits for the outcome.
    if not _lock(customer):
        raise NotFoundError()
    blocked = customer_delete_blocked_by(customer=customer)
    if blocked:
        raise _refuse_delete(blocked)
    contacts = list(customer.contacts.all())
    # The contacts go by cascade; each still gets its own "deleted" entry.
    activity_record_many(
        company=customer.company,
        objs=contacts,
        action=ActivityAction.DELETED,
        by=by,
        fields=list(CONTACT_FIELDS),
        description=f"Deleted with customer {customer}.",
    )
    contacts = len(contacts)
    notes_delete_for(company=customer.company, rel_type="customer", rel_id=customer.pk, by=by)
    activity_record(
        company=customer.company,
        obj=customer,
        action=ActivityAction.DELETED,
        by=by,
        changes=snapshot(customer, list(CUSTOMER_FIELDS)),
        description=f"Deleted with {contacts} contact{'' if contacts == 1 else 's'}.",
    )
    try:
        with transaction.atomic():
            customer.delete()
    except (models.ProtectedError, models.RestrictedError, IntegrityError):
        # A dependant nobody registered a counter for: refused all the same (the log row
        # goes with the rolled-back transaction).
        raise _refuse_delete(customer_delete_blocked_by(customer=customer) or {"records": 1})


@transaction.atomic
def customer_bulk_create(
    *, company: Company, by: Actor | None = None, rows: Iterable[Mapping[str, Any]]
) -> list[Customer]:
    """Create every customer or none: one INSERT for the customers, one for their log rows.

    `rows` are dicts of model field names, already checked by the caller's serializer; they
    are still cleaned here, and any invalid row refuses the whole batch with errors keyed
    `customers.<index>.<field>`.
    """
    rows = list(rows)
    if not rows:
        raise ValidationFailed(details={"customers": ["This list may not be empty."]})
    if len(rows) > MAX_BULK_CUSTOMERS:
        raise ValidationFailed(
            details={"customers": [f"At most {MAX_BULK_CUSTOMERS} customers per batch."]}
        )
    customers: list[Customer] = []
    errors: dict[str, Any] = {}
    for index, row in enumerate(rows):
        _check_names(row)
        fields = _normalise(dict(row))
        customer = Customer(company=company, **fields)
        try:
            _check_assigned(company=company, assigned_to=fields.get("assigned_to"))
            _full_clean(customer)
        except ValidationFailed as exc:
            errors[f"customers.{index}"] = exc.details
        except DjangoValidationError as exc:
            errors[f"customers.{index}"] = exc.message_dict
        customers.append(customer)
    if errors:
        raise ValidationFailed(details=errors)
    created = Customer.objects.bulk_create(customers)
    activity_record_many(
        company=company,
        objs=created,
        action=ActivityAction.CREATED,
        by=by,
        fields=list(CUSTOMER_FIELDS),
        description="Created in a batch.",
    )
    return created
