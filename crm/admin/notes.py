"""Notes, and the activity log (read-only: it is written by the services alone)."""
from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tenancy.admin import ServiceAdmin, TenantAdmin, staff_name

from ..models import ActivityLog, Note
from ..services import notes as note_services


@admin.register(Note)
class NoteAdmin(ServiceAdmin):
    list_display = ("excerpt", "rel_type", "rel_id", "author", "created_at")
    list_filter = ("rel_type",)
    search_fields = ("description",)
    list_select_related = ("company", "staff__user")
    date_hierarchy = "created_at"
    fields = ("company", "rel_type", "rel_id", "description", "author")

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "author"]
        if obj is not None:
            readonly += ["rel_type", "rel_id"]  # fixed after creation
        return readonly

    @admin.display(description=_("note"))
    def excerpt(self, obj: Note) -> str:
        return obj.description if len(obj.description) <= 80 else f"{obj.description[:79]}…"

    @admin.display(description=_("author"))
    def author(self, obj: Note) -> str:
        return staff_name(obj.staff)

    def perform_create(self, request, *, company, values, by):
        return note_services.note_create(company=company, by=by, **values)

    def perform_update(self, request, obj, *, values, by):
        return note_services.note_update(note=obj, by=by, **values)

    def perform_delete(self, request, obj, *, by):
        note_services.note_delete(note=obj, by=by)


@admin.register(ActivityLog)
class ActivityLogAdmin(TenantAdmin):
    list_display = ("created_at", "actor_name", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_name", "description")
    list_select_related = ("company", "content_type")
    date_hierarchy = "created_at"
    fields = (
        "company", "created_at", "actor_name", "actor", "api_key", "action", "content_type",
        "object_id", "object_repr", "changes_display", "description",
    )
    readonly_fields = ("changes_display",)

    @admin.display(description=_("changes"))
    def changes_display(self, obj: ActivityLog):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.changes, indent=2, ensure_ascii=False, default=str)
        )

    # Without change permission Django shows every field of the page read-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
