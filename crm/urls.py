"""This app's routes per dialect, mounted by config/urls.py: (prefix, viewset, basename)."""
from .api.v1_contract_attachments import ContractAttachmentViewSet
from .api.v1_contract_comments import ContractCommentViewSet
from .api.v1_contracts import ContractViewSet, CustomerContractViewSet
from .api.v1_customers import ContactViewSet, CustomerViewSet
from .api.v1_leads import LeadViewSet
from .api.v1_lookups import ContractTypeViewSet, LeadSourceViewSet, LeadStatusViewSet
from .api.v1_notes import NoteViewSet
from .api.v2_customers import V2CustomerBatchViewSet, V2CustomerViewSet
from .api.v2_leads import LeadCreateViewSet

v1_routes: list = []
v2_routes: list = []

# contracts; nested prefixes first (each is anchored, so the order is a courtesy)
v1_routes += [
    (r"customers/(?P<customer_pk>\d+)/contracts", CustomerContractViewSet, "v1-customer-contracts"),
    (
        r"contracts/(?P<contract_pk>\d+)/attachments",
        ContractAttachmentViewSet,
        "v1-contract-attachments",
    ),
    (r"contracts/(?P<contract_pk>\d+)/comments", ContractCommentViewSet, "v1-contract-comments"),
    ("contracts", ContractViewSet, "v1-contracts"),
]

# customers and contacts
v1_routes += [
    ("customers", CustomerViewSet, "v1-customers"),
    ("contacts", ContactViewSet, "v1-contacts"),
]
v2_routes += [
    ("customers", V2CustomerViewSet, "v2-customers"),
    ("batch/customers", V2CustomerBatchViewSet, "v2-batch-customers"),
]

# leads, notes and the CRM lookups
v1_routes += [
    ("leads", LeadViewSet, "v1-leads"),
    ("notes", NoteViewSet, "v1-notes"),
    ("lead-statuses", LeadStatusViewSet, "v1-lead-statuses"),
    ("lead-sources", LeadSourceViewSet, "v1-lead-sources"),
    ("contract-types", ContractTypeViewSet, "v1-contract-types"),
]
v2_routes += [
    ("leads", LeadCreateViewSet, "v2-leads"),
]
