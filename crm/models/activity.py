from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tenancy.models import ApiKey, Membership, TenantModel


class ActivityAction(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    STATUS_CHANGED = "status_changed"
    CONVERTED = "converted"
    SIGNED = "signed"
    RENEWED = "renewed"


class ActivityLog(TenantModel):
    """Who did what to which record, and when, with the changed fields.

    Written by services (so the API, the pages and the admin all record), read by
    `leads/{id}/activities` now and ticket history and project activity later.
    """

    actor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still reads right after the actor is gone.
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=ActivityAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    # {field: [old, new]} for updates; the initial values for creations.
    changes = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "content_type", "object_id", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.object_repr}"
