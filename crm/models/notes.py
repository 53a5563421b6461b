from __future__ import annotations

from django.db import models

from tenancy.models import Membership, TenantModel


class NoteRelType(models.TextChoices):
    """What a note may be attached to (the v1 document's list). A type is accepted once the
    app that owns its model registers it (crm.registry.note_targets)."""

    CUSTOMER = "customer"
    LEAD = "lead"
    INVOICE = "invoice"
    ESTIMATE = "estimate"
    CONTRACT = "contract"
    PROPOSAL = "proposal"
    PROJECT = "project"
    TASK = "task"
    EXPENSE = "expense"
    STAFF = "staff"


class Note(TenantModel):
    rel_type = models.CharField(max_length=20, choices=NoteRelType.choices)
    rel_id = models.PositiveBigIntegerField()
    description = models.TextField()
    staff = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "rel_type", "rel_id"])]

    def __str__(self) -> str:
        return f"Note on {self.rel_type} {self.rel_id}"
