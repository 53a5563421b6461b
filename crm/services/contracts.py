"""Every write about contracts: create, update, delete, sign, renew.

Rules:
- a contract ends on or after its start (the database checks it too); its value is >= 0;
  `content` is HTML, sanitised with nh3 before it is stored;
- signing records who and when, once: signing again is a 409;
- a signed contract's terms (customer, subject, type, dates, value, content) are read-only:
  only its description may still change, and renewal is the one way to change its end and
  value. It cannot be deleted;
- a renewal moves the end later (past the current end, or past the start when there is none)
  and is kept in the contract's renewal history.

Attachments: crm.services.contract_attachments; comments: crm.services.contract_comments.

Field errors use the model's field names; each API renames them to its own.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import nh3
from django.db import models, transaction
from django.utils import timezone

from core.exceptions import ConflictError, ValidationFailed
from tenancy.actors import Actor
from tenancy.models import Company

from ..activity import ActivityAction, activity_record, diff, snapshot
from ..models import Contract, ContractAttachment, ContractRenewal, ContractType, Customer
from .contract_attachments import delete_stored_files_on_commit
from .notes import notes_delete_for
from .rows import lock_if_present

SIGNED_READ_ONLY_MESSAGE = "A signed contract cannot be changed; renew it instead."
SIGNED_DELETE_MESSAGE = "A signed contract cannot be deleted."
ALREADY_SIGNED_MESSAGE = "This contract is already signed."
ENDS_BEFORE_START_MESSAGE = "The end date cannot be before the start date."
NEGATIVE_VALUE_MESSAGE = "The value cannot be negative."

# The fields an update may change; the terms among them are frozen once signed.
EDITABLE_FIELDS = [
    "customer",
    "subject",
    "contract_type",
    "date_start",
    "date_end",
    "value",
    "description",
    "content",
]
TERMS = [name for name in EDITABLE_FIELDS if name != "description"]
LOGGED_FIELDS = [*EDITABLE_FIELDS, "signed_at", "signer_name", "signer_email", "signed_by"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def sanitize_html(html: str) -> str:
    return nh3.clean(html) if html else ""


# --- contracts -----------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    company: Company,
    customer: Customer,
    subject: str,
    date_start: datetime.date,
    date_end: datetime.date | None = None,
    contract_type: ContractType | None = None,
    value: Decimal = Decimal("0.00"),
    description: str = "",
    content: str = "",
    by: Actor | None = None,
) -> Contract:
    _ensure_own(company=company, customer=customer, contract_type=contract_type)
    contract = Contract(
        company=company,
        customer=customer,
        subject=subject,
        contract_type=contract_type,
        date_start=date_start,
        date_end=date_end,
        value=value,
        description=description,
        content=sanitize_html(content),
        created_by=by.membership if by else None,
    )
    _validate_terms(contract)
    contract.save()
    activity_record(
        company=company,
        obj=contract,
        action=ActivityAction.CREATED,
        by=by,
        changes=snapshot(contract, EDITABLE_FIELDS),
    )
    return contract


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    customer: Customer = UNSET,
    subject: str = UNSET,
    contract_type: ContractType | None = UNSET,
    date_start: datetime.date = UNSET,
    date_end: datetime.date | None = UNSET,
    value: Decimal = UNSET,
    description: str = UNSET,
    content: str = UNSET,
    by: Actor | None = None,
) -> Contract:
    """Change what is given (UNSET = unchanged). On a signed contract a change of its terms is
    a 409; sending a term with its current value is not a change."""
    contract = _locked(contract)
    given = {
        "customer": customer,
        "subject": subject,
        "contract_type": contract_type,
        "date_start": date_start,
        "date_end": date_end,
        "value": value,
        "description": description,
        "content": sanitize_html(content) if content is not UNSET else UNSET,
    }
    given = {name: new for name, new in given.items() if new is not UNSET}
    _ensure_own(
        company=contract.company,
        customer=given.get("customer"),
        contract_type=given.get("contract_type"),
    )
    before = snapshot(contract, EDITABLE_FIELDS)
    for name, new in given.items():
        setattr(contract, name, new)
    changes = diff(before, snapshot(contract, EDITABLE_FIELDS))
    if contract.is_signed and any(name in TERMS for name in changes):
        raise ConflictError(
            SIGNED_READ_ONLY_MESSAGE,
            code="contract_signed",
            extra={"read_only": sorted(name for name in changes if name in TERMS)},
        )
    if not changes:
        return contract
    _validate_terms(contract)
    contract.save(update_fields=[*changes, "updated_at"])
    activity_record(
        company=contract.company,
        obj=contract,
        action=ActivityAction.UPDATED,
        by=by,
        changes=changes,
    )
    return contract


@transaction.atomic
def contract_delete(*, contract: Contract, by: Actor | None = None) -> None:
    """Delete an unsigned contract with its renewals, comments and attachments (whose stored
    files go once the transaction commits)."""
    contract = _locked(contract)
    if contract.is_signed:
        raise ConflictError(SIGNED_DELETE_MESSAGE, code="contract_signed")
    file_names = list(
        ContractAttachment.objects.filter(contract=contract).values_list("file", flat=True)
    )
    notes_delete_for(company=contract.company, rel_type="contract", rel_id=contract.pk, by=by)
    activity_record(
        company=contract.company,
        obj=contract,
        action=ActivityAction.DELETED,
        by=by,
        changes=snapshot(contract, LOGGED_FIELDS),
    )
    try:
        with transaction.atomic():
            contract.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        blocked_by = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
        raise ConflictError(
            "The contract is still in use.", code="in_use", extra={"blocked_by": blocked_by}
        ) from None
    delete_stored_files_on_commit(file_names)


@transaction.atomic
def contract_sign(
    *,
    contract: Contract,
    signer_name: str = "",
    signer_email: str = "",
    by: Actor | None = None,
) -> Contract:
    """Sign once. The signer defaults to the acting staff member (name and e-mail), or for an
    API key to the key's name: the documented call (`POST .../sign` with a key and no body)
    must work, and the record still says which credential signed."""
    contract = _locked(contract)
    if contract.is_signed:
        raise ConflictError(ALREADY_SIGNED_MESSAGE, code="already_signed")
    membership = by.membership if by else None
    user = membership.user if membership is not None else None
    credential = by if by is not None and (by.membership or by.api_key) else None
    signer_name = (signer_name or "").strip() or (credential.name if credential else "")
    if not signer_name:  # the system signs for nobody
        raise ValidationFailed(details={"signer_name": ["Say who signs the contract."]})
    signer_email = (signer_email or "").strip() or (user.email if user is not None else "")
    before = snapshot(contract, LOGGED_FIELDS)
    contract.signed_at = timezone.now()
    contract.signed_by = membership
    contract.signer_name = signer_name[:200]
    contract.signer_email = signer_email
    contract.save(
        update_fields=["signed_at", "signed_by", "signer_name", "signer_email", "updated_at"]
    )
    activity_record(
        company=contract.company,
        obj=contract,
        action=ActivityAction.SIGNED,
        by=by,
        changes=diff(before, snapshot(contract, LOGGED_FIELDS)),
        description=f"Signed by {contract.signer_name}",
    )
    return contract


@transaction.atomic
def contract_renew(
    *,
    contract: Contract,
    date_end: datetime.date,
    value: Decimal | None = None,
    by: Actor | None = None,
) -> ContractRenewal:
    """Move the end later (and optionally change the value), keeping the old ones in the
    renewal history. Allowed on a signed contract: renewal is the change it may take."""
    contract = _locked(contract)
    if contract.date_end is not None and date_end <= contract.date_end:
        message = f"The new end date must be after the current one ({contract.date_end})."
        raise ValidationFailed(details={"date_end": [message]})
    if date_end <= contract.date_start:
        message = f"The new end date must be after the start date ({contract.date_start})."
        raise ValidationFailed(details={"date_end": [message]})
    new_value = contract.value if value is None else value
    if new_value < 0:
        raise ValidationFailed(details={"value": [NEGATIVE_VALUE_MESSAGE]})
    renewal = ContractRenewal.objects.create(
        company=contract.company,
        contract=contract,
        old_date_end=contract.date_end,
        new_date_end=date_end,
        old_value=contract.value,
        new_value=new_value,
        renewed_by=by.membership if by else None,
    )
    before = snapshot(contract, ["date_end", "value"])
    contract.date_end, contract.value = date_end, new_value
    contract.save(update_fields=["date_end", "value", "updated_at"])
    activity_record(
        company=contract.company,
        obj=contract,
        action=ActivityAction.RENEWED,
        by=by,
        changes=diff(before, snapshot(contract, ["date_end", "value"])),
        description=f"Renewed until {date_end.isoformat()}",
    )
    return renewal


def _locked(contract: Contract) -> Contract:
    """The contract's row, locked until the transaction ends and read afresh, so two
    concurrent signs, renewals or edits happen one after the other."""
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=contract.pk)
    )


def _validate_terms(contract: Contract) -> None:
    errors: dict[str, list[str]] = {}
    if contract.date_end is not None and contract.date_end < contract.date_start:
        errors["date_end"] = [ENDS_BEFORE_START_MESSAGE]
    if contract.value is not None and contract.value < 0:
        errors["value"] = [NEGATIVE_VALUE_MESSAGE]
    if errors:
        raise ValidationFailed(details=errors)


def _ensure_own(
    *, company: Company, customer: Customer | None = None, contract_type: ContractType | None = None
) -> None:
    # The API already looks ids up inside the company; this keeps other callers honest.
    # The rows are locked until commit: a customer or type deleted meanwhile would otherwise
    # fail the foreign key at commit time, after the error handlers (a 500).
    if customer is not None and (
        customer.company_id != company.pk or not lock_if_present(Customer, customer.pk)
    ):
        raise ValidationFailed(details={"customer": ["Unknown customer."]})
    if contract_type is not None and (
        contract_type.company_id != company.pk or not lock_if_present(ContractType, contract_type.pk)
    ):
        raise ValidationFailed(details={"contract_type": ["Unknown contract type."]})

