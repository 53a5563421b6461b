"""CRM models, one module per sub-domain."""
from .activity import ActivityAction, ActivityLog
from .contracts import Contract, ContractAttachment, ContractComment, ContractRenewal, ContractType
from .customers import Contact, Customer
from .leads import Lead, LeadSource, LeadStatus
from .notes import Note, NoteRelType

__all__ = [
    "ActivityAction",
    "ActivityLog",
    "Contact",
    "Contract",
    "ContractAttachment",
    "ContractComment",
    "ContractRenewal",
    "ContractType",
    "Customer",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "Note",
    "NoteRelType",
]
