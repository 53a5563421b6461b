"""Jobs in the admin: read-only. Every write to a job goes through jobs/services.py."""
from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tenancy.admin import TenantAdmin

from .models import Job
from .registry import get_kind, kind_choices


class KindListFilter(admin.SimpleListFilter):
    """By kind: every registered kind with its label (the registry, not the rows, says which
    kinds exist), and a kind that the viewer's jobs still have but nothing registers now."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        choices = list(kind_choices())
        registered = {name for name, _label in choices}
        # One query, over the rows the viewer may see only.
        leftover = (
            model_admin.get_queryset(request)
            .exclude(kind__in=registered)
            .order_by("kind")
            .values_list("kind", flat=True)
            .distinct()
        )
        choices += [(kind, _("%(kind)s (not registered)") % {"kind": kind}) for kind in leftover]
        return choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


def _error_line(error: dict) -> tuple[str, str]:
    if error.get("attempt") is not None:
        return (str(_("Attempt %(n)s")) % {"n": error["attempt"]}, error.get("message", ""))
    if error.get("item") is not None:
        return (str(_("Item %(item)s")) % {"item": error["item"]}, error.get("message", ""))
    return (str(_("Job")), error.get("message", ""))


@admin.register(Job)
class JobAdmin(TenantAdmin):
    list_display = (
        "id", "kind", "status", "attempts", "total", "processed", "failed", "last_error",
        "created_at", "finished_at",
    )
    list_filter = ("status", KindListFilter)
    search_fields = ("kind",)
    date_hierarchy = "created_at"
    list_select_related = ("company",)
    fieldsets = (
        (None, {"fields": ("company", "kind", "kind_label", "status", "attempts", "params")}),
        (_("Progress"), {"fields": ("total", "processed", "succeeded", "failed", "result")}),
        (_("Errors"), {"fields": ("error_list",)}),
        (_("Run"), {
            "fields": (
                "created_by", "api_key", "worker", "started_at", "finished_at", "created_at",
                "updated_at",
            )
        }),
    )
    readonly_fields = ("kind_label", "error_list", "created_at", "updated_at")

    @admin.display(description=_("label"))
    def kind_label(self, job: Job) -> str:
        registered = get_kind(job.kind)
        return registered.label if registered else _("(not registered)")

    @admin.display(description=_("last error"))
    def last_error(self, job: Job) -> str:
        if not job.errors:
            return ""
        where, message = _error_line(job.errors[-1])
        return Truncator(f"{where}: {message}").chars(100)

    @admin.display(description=_("errors"))
    def error_list(self, job: Job) -> str:
        """One line per entry, in order: each failed attempt and each failed item."""
        if not job.errors:
            return "-"
        return format_html(
            "<ol class='job-errors'>{}</ol>",
            format_html_join(
                "", "<li><strong>{}</strong>: {}</li>",
                (_error_line(error) for error in job.errors),
            ),
        )

    # Without change permission Django shows every field of the page read-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
