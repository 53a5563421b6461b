"""Who may be assigned to a customer or a lead: a staff member of the company who is active,
or the one already assigned (a staff member deactivated since stays on what they have)."""
from __future__ import annotations

from tenancy.models import Company, Membership

NOT_ASSIGNABLE_MESSAGE = "Not an active staff member of this company."


def is_assignable(
    *, company: Company, membership: Membership | None, current_id: int | None = None
) -> bool:
    if membership is None:
        return True
    if not isinstance(membership, Membership) or membership.company_id != company.pk:
        return False
    return membership.is_active or membership.pk == current_id
