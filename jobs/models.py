"""The job record: what a long-running task was asked to do, how far it got, and how it ended."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenancy.models import ApiKey, Membership, TenantModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    # Finished, but some items failed (their messages are in `errors`).
    PARTIAL = "partial", _("Partially completed")
    FAILED = "failed", _("Failed")


FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.PARTIAL, JobStatus.FAILED)


class Job(TenantModel):
    """One run of a registered job kind (jobs/registry.py), executed by a Celery worker.

    Written only by jobs/services.py: queued by `job_enqueue`, claimed and finished by
    `job_run`, with the handler reporting progress through `JobProgress`; a retryable failure
    puts it back to QUEUED, `attempts` counting the runs (jobs/registry.py has the rules).
    """

    kind = models.CharField(
        max_length=100, help_text=_("The registered kind, e.g. platform.health_check.")
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    # Progress: `processed` = `succeeded` + `failed`, out of `total` items.
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    # [{"item": "<id or name>" (optional), "message": "..."}], capped at MAX_RECORDED_ERRORS:
    # the failed items of the current attempt, and one entry per failed attempt, which has
    # {"attempt": n} instead of an item and is kept across attempts.
    errors = models.JSONField(default=list, blank=True)
    # How many times a worker started the job: 1 on its first run, +1 per retry or reclaim.
    attempts = models.PositiveIntegerField(
        default=0, help_text=_("How many times a worker started this job.")
    )
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Celery's request.hostname of the run: the node name under prefork, the host under the
    # solo pool and when run eagerly.
    worker = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="job_company_created"),
            models.Index(fields=["company", "kind", "status"], name="job_company_kind_status"),
            models.Index(fields=["company", "status"], name="job_company_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed=models.F("succeeded") + models.F("failed")),
                name="job_processed_is_succeeded_plus_failed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES
