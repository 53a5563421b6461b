"""Notes, and the activity log (read-only: it is written by the services alone)."""
from __future__ import annotations

import json

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.exceptions import ValidationFailed
from tenancy.admin import TenantAdmin, TenantModelForm

from ..models import ActivityLog, Note
from ..services import notes as note_services
from .base import CrmAdmin, staff_name


class NoteForm(TenantModelForm):
    """The record a note hangs on must exist in the note's company: said on the form, in the
    service's words (crm.services.notes checks again when it saves)."""

    def clean(self):
        cleaned_data = super().clean()
        company, rel_type, rel_id = (
            self.row_company(), cleaned_data.get("rel_type"), cleaned_data.get("rel_id")
        )
        if self.instance.pk is not None or company is None or not rel_type or rel_id is None:
            return cleaned_data
        try:
            model = note_services.note_target_model(rel_type)
        except ValidationFailed as exc:
            self.add_error("rel_type", ValidationError(exc.details.get("rel_type", exc.message)))
            return cleaned_data
        if not model._default_manager.filter(company_id=company.pk, pk=rel_id).exists():
            self.add_error(
                "rel_id",
                note_services.TARGET_MISSING_MESSAGE.format(rel_type=rel_type, rel_id=rel_id),
            )
        return cleaned_data


@admin.register(Note)
class NoteAdmin(CrmAdmin):
    form = NoteForm
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
