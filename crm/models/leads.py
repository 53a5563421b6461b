from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models.functions import Lower

from tenancy.models import Membership, TenantModel

from .customers import Customer


class _NamedLookup(TenantModel):
    """A per-company lookup named by id or by name (case-insensitive)."""

    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class LeadStatus(_NamedLookup):
    color = models.CharField(max_length=7, blank=True)
    # The status a converted lead gets.
    is_won = models.BooleanField(default=False)

    class Meta(_NamedLookup.Meta):
        verbose_name_plural = "lead statuses"
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="crm_lead_status_name"),
        ]


class LeadSource(_NamedLookup):
    class Meta(_NamedLookup.Meta):
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="crm_lead_source_name"),
        ]


class Lead(TenantModel):
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    website = models.URLField(max_length=255, blank=True)
    address = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    description = models.TextField(blank=True)
    status = models.ForeignKey(LeadStatus, on_delete=models.PROTECT, related_name="leads")
    source = models.ForeignKey(
        LeadSource, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    assigned_to = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    tags = models.JSONField(default=list, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    converted_customer = models.OneToOneField(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead"
    )
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["company", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_converted(self) -> bool:
        # A conversion is a fact: it stays true if the customer is deleted later.
        return self.converted_at is not None
