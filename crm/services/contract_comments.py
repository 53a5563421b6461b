"""Comments on a contract: plain text, by the acting staff member; changed or deleted only
by their author or an admin."""
from __future__ import annotations

from django.db import transaction

from core.exceptions import PermissionDeniedError, ValidationFailed
from tenancy.actors import Actor
from tenancy.roles import Role

from ..activity import ActivityAction, activity_record
from ..models import Contract, ContractComment

COMMENT_NOT_YOURS_MESSAGE = "Only the comment's author or an admin can change it."


@transaction.atomic
def comment_create(
    *, contract: Contract, content: str, by: Actor | None = None
) -> ContractComment:
    content = _comment_content(content)
    comment = ContractComment.objects.create(
        company_id=contract.company_id,
        contract=contract,
        content=content,
        staff=by.membership if by else None,
    )
    activity_record(
        company=contract.company,
        obj=comment,
        action=ActivityAction.CREATED,
        by=by,
        changes={"contract": contract.pk, "content": content},
    )
    return comment


@transaction.atomic
def comment_update(
    *, comment: ContractComment, content: str, by: Actor | None = None
) -> ContractComment:
    _ensure_may_edit(comment, by)
    content = _comment_content(content)
    if content == comment.content:
        return comment
    changes = {"content": [comment.content, content]}
    comment.content = content
    comment.save(update_fields=["content", "updated_at"])
    activity_record(
        company=comment.company, obj=comment, action=ActivityAction.UPDATED, by=by, changes=changes
    )
    return comment


@transaction.atomic
def comment_delete(*, comment: ContractComment, by: Actor | None = None) -> None:
    _ensure_may_edit(comment, by)
    activity_record(
        company=comment.company,
        obj=comment,
        action=ActivityAction.DELETED,
        by=by,
        changes={"contract": comment.contract_id, "content": comment.content},
    )
    comment.delete()


def _comment_content(content: str) -> str:
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(details={"content": ["A comment cannot be empty."]})
    return content


def _ensure_may_edit(comment: ContractComment, by: Actor | None) -> None:
    """The author, an admin (member or API key) or the system."""
    if by is None or (by.membership is None and by.api_key is None):
        return
    if by.membership is not None:
        if by.membership.pk == comment.staff_id or by.membership.role == Role.ADMIN:
            return
    elif by.api_key.role == Role.ADMIN:
        return
    raise PermissionDeniedError(COMMENT_NOT_YOURS_MESSAGE)
