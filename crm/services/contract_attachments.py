"""Contract attachments: checked (crm.uploads: type by name and by content, size), stored
through Django storage under a generated name, and removed from storage once a delete
commits."""
from __future__ import annotations

from django.db import transaction

from tenancy.actors import Actor

from ..activity import ActivityAction, activity_record
from ..models import Contract, ContractAttachment
from ..uploads import validate_attachment


@transaction.atomic
def attachment_add(
    *, contract: Contract, file, by: Actor | None = None
) -> ContractAttachment:
    """Check the upload (type by name and content, size) and store it under a generated name."""
    checked = validate_attachment(file)
    attachment = ContractAttachment(
        company_id=contract.company_id,
        contract=contract,
        file_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by.membership if by else None,
    )
    attachment.file.save(checked.storage_name(), file, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            activity_record(
                company=contract.company,
                obj=attachment,
                action=ActivityAction.CREATED,
                by=by,
                changes={
                    "contract": contract.pk,
                    "file_name": attachment.file_name,
                    "size": checked.size,
                },
                description=f"Attached {attachment.file_name} to contract {contract.pk}",
            )
    except Exception:
        attachment.file.storage.delete(attachment.file.name)  # no row, no file
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: ContractAttachment, by: Actor | None = None) -> None:
    activity_record(
        company=attachment.company,
        obj=attachment,
        action=ActivityAction.DELETED,
        by=by,
        changes={"contract": attachment.contract_id, "file_name": attachment.file_name},
        description=f"Removed {attachment.file_name} from contract {attachment.contract_id}",
    )
    name = attachment.file.name
    attachment.delete()
    delete_stored_files_on_commit([name])


def delete_stored_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the transaction that deleted their rows commits (a rollback
    keeps them, with their rows)."""
    storage = ContractAttachment._meta.get_field("file").storage

    def delete() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)
