"""Leads and their per-company lookups (statuses, sources)."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from core.exceptions import ApplicationError
from tenancy.admin import (
    AssignedStaffFilter,
    ServiceAdmin,
    TenantModelForm,
    actor_for,
    error_text,
    staff_name,
)

from ..models import Lead, LeadSource, LeadStatus
from ..services import leads as lead_services
from ..services import lookups as lookup_services


class LookupAdmin(ServiceAdmin):
    """Lead statuses, lead sources and contract types: named per company, deleted only while
    nothing uses them (crm.services.lookups)."""

    search_fields = ("name",)
    list_select_related = ("company",)

    def perform_create(self, request, *, company, values, by):
        return lookup_services.lookup_create(model=self.model, company=company, by=by, **values)

    def perform_update(self, request, obj, *, values, by):
        return lookup_services.lookup_update(lookup=obj, by=by, **values)

    def perform_delete(self, request, obj, *, by):
        lookup_services.lookup_delete(lookup=obj, by=by)


@admin.register(LeadStatus)
class LeadStatusAdmin(LookupAdmin):
    list_display = ("name", "order", "color", "is_won")
    fields = ("company", "name", "order", "color", "is_won")


@admin.register(LeadSource)
class LeadSourceAdmin(LookupAdmin):
    list_display = ("name", "order")
    fields = ("company", "name", "order")


class LeadForm(TenantModelForm):
    # The model keeps the ISO code as text; offer the codes the service accepts.
    country = forms.ChoiceField(
        choices=[("", "---------"), *countries], required=False, label=gettext_lazy("country")
    )


@admin.register(Lead)
class LeadAdmin(ServiceAdmin):
    form = LeadForm
    list_display = (
        "name", "company_name", "status", "source", "assigned", "value", "converted",
        "created_at",
    )
    list_filter = ("status", "source", AssignedStaffFilter)
    search_fields = ("name", "company_name", "email", "phone")
    list_select_related = ("company", "status", "source", "assigned_to__user")
    date_hierarchy = "created_at"
    actions = (*ServiceAdmin.actions, "convert_selected")
    fieldsets = (
        (None, {"fields": (
            "company", "name", "title", "company_name", "email", "phone", "website",
            "status", "source", "assigned_to", "value", "tags", "last_contact_at",
            "description",
        )}),
        (gettext_lazy("Address"), {"fields": ("address", "city", "state", "zip", "country")}),
        (gettext_lazy("Conversion"), {"fields": ("converted_customer", "converted_at")}),
    )
    readonly_fields = ("converted_customer", "converted_at")

    @admin.display(description=gettext_lazy("assigned to"))
    def assigned(self, obj: Lead) -> str:
        return staff_name(obj.assigned_to)

    @admin.display(description=gettext_lazy("converted"), boolean=True, ordering="converted_at")
    def converted(self, obj: Lead) -> bool:
        return obj.is_converted

    def perform_create(self, request, *, company, values, by):
        return lead_services.lead_create(company=company, by=by, **values)

    def perform_update(self, request, obj, *, values, by):
        return lead_services.lead_update(lead=obj, by=by, **values)

    def perform_delete(self, request, obj, *, by):
        lead_services.lead_delete(lead=obj, by=by)

    @admin.action(description=gettext_lazy("Convert selected leads to customers"),
                  permissions=["change"])
    def convert_selected(self, request, queryset):
        converted = 0
        for lead in queryset.select_related("company"):
            try:
                lead_services.lead_convert(
                    company=lead.company, lead=lead, by=actor_for(request, lead.company_id)
                )
            except ApplicationError as exc:
                self.message_user(
                    request,
                    _("%(lead)s was not converted: %(reason)s")
                    % {"lead": lead, "reason": error_text(exc)},
                    messages.ERROR,
                )
            else:
                converted += 1
        if converted:
            self.message_user(
                request,
                ngettext("Converted %(count)d lead.", "Converted %(count)d leads.", converted)
                % {"count": converted},
                messages.SUCCESS,
            )
