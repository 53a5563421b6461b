from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models.functions import Lower

from tenancy.models import Membership, TenantModel

from .customers import Customer


class ContractType(TenantModel):
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="crm_contract_type_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Contract(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contracts")
    subject = models.CharField(max_length=255)
    contract_type = models.ForeignKey(
        ContractType, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    date_start = models.DateField()
    date_end = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    description = models.TextField(blank=True)
    content = models.TextField(blank=True, help_text="The contract's text (sanitised HTML).")
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_name = models.CharField(max_length=200, blank=True)
    signer_email = models.EmailField(blank=True)
    signed_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date_start", "-id"]
        indexes = [
            models.Index(fields=["company", "date_end"]),
            models.Index(fields=["company", "customer"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_end__isnull=True)
                | models.Q(date_end__gte=models.F("date_start")),
                name="crm_contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ContractRenewal(TenantModel):
    """One renewal: the contract's end and value before and after."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="renewals")
    old_date_end = models.DateField(null=True, blank=True)
    new_date_end = models.DateField()
    old_value = models.DecimalField(max_digits=14, decimal_places=2)
    new_value = models.DecimalField(max_digits=14, decimal_places=2)
    renewed_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]


def contract_attachment_path(instance: ContractAttachment, filename: str) -> str:
    # Company and contract in the path; the stored name never trusts the client's.
    return f"companies/{instance.company_id}/contracts/{instance.contract_id}/{filename}"


class ContractAttachment(TenantModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=contract_attachment_path, max_length=300)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class ContractComment(TenantModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="comments")
    content = models.TextField()
    staff = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
