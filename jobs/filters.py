from __future__ import annotations

import django_filters

from api.filters import CreatedDateRangeFilterSet, SearchFilter, StableOrderingFilter

from .models import Job, JobStatus


class JobFilter(CreatedDateRangeFilterSet):
    kind = django_filters.CharFilter(help_text="e.g. platform.health_check")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    search = SearchFilter("kind", help_text="Words found in the kind")
    ordering = StableOrderingFilter(
        fields=(
            ("id", "id"),
            ("created_at", "created_at"),
            ("started_at", "started_at"),
            ("finished_at", "finished_at"),
            ("kind", "kind"),
            ("status", "status"),
        )
    )

    class Meta:
        model = Job
        fields: list[str] = []
