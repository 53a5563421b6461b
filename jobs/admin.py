"""Jobs in the admin: read-only. Every write to a job goes through jobs/services.py."""
from __future__ import annotations

from django.contrib import admin

from tenancy.admin import TenantAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(TenantAdmin):
    list_display = (
        "id", "kind", "status", "total", "processed", "failed", "created_at", "finished_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("kind",)
    date_hierarchy = "created_at"
    list_select_related = ("company",)

    # Without change permission Django shows every field of the page read-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
