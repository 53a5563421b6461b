"""Contracts with their renewal history and attachments (read-only here), contract types,
and contract comments."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tenancy.admin import ReadOnlyInline, ServiceAdmin, TenantModelForm, staff_name

from ..models import Contract, ContractAttachment, ContractComment, ContractRenewal, ContractType
from ..services import contract_comments as comment_services
from ..services import contracts as contract_services
from .leads import LookupAdmin


@admin.register(ContractType)
class ContractTypeAdmin(LookupAdmin):
    list_display = ("name",)
    fields = ("company", "name")


class ContractForm(TenantModelForm):
    """The terms' rules are crm.services.contracts' alone; the page shows its errors on the
    fields (tenancy.admin_services)."""

    def _get_validation_exclusions(self):
        # The end-after-start constraint is the service's to say, in its words, on date_end.
        return super()._get_validation_exclusions() | {"date_end"}


class RenewalInline(ReadOnlyInline):
    model = ContractRenewal
    fields = ("created_at", "old_date_end", "new_date_end", "old_value", "new_value", "renewer")
    readonly_fields = fields
    verbose_name_plural = _("renewal history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("renewed_by__user")

    @admin.display(description=_("renewed by"))
    def renewer(self, obj: ContractRenewal) -> str:
        return staff_name(obj.renewed_by)


class AttachmentInline(ReadOnlyInline):
    # No link to the stored file: downloads go through the API, which checks the company.
    model = ContractAttachment
    fields = ("file_name", "content_type", "size", "uploader", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by__user")

    @admin.display(description=_("uploaded by"))
    def uploader(self, obj: ContractAttachment) -> str:
        return staff_name(obj.uploaded_by)


SIGNATURE_FIELDS = ("signed_at", "signer_name", "signer_email", "signer", "creator")


@admin.register(Contract)
class ContractAdmin(ServiceAdmin):
    form = ContractForm
    list_display = (
        "subject", "customer", "contract_type", "date_start", "date_end", "value", "signed",
    )
    list_filter = ("contract_type", ("signed_at", admin.EmptyFieldListFilter))
    search_fields = ("subject", "customer__name")
    list_select_related = ("company", "customer", "contract_type")
    autocomplete_fields = ("customer",)
    date_hierarchy = "date_start"
    inlines = (RenewalInline, AttachmentInline)
    fieldsets = (
        (None, {"fields": (
            "company", "customer", "subject", "contract_type", "date_start", "date_end",
            "value", "description", "content",
        )}),
        (_("Signature"), {"fields": SIGNATURE_FIELDS}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), *SIGNATURE_FIELDS]
        if obj is not None and obj.is_signed:
            # Signed terms change only by renewal (crm.services.contracts).
            readonly += [name for name in contract_services.TERMS if name not in readonly]
        return readonly

    @admin.display(description=_("signed"), boolean=True, ordering="signed_at")
    def signed(self, obj: Contract) -> bool:
        return obj.is_signed

    @admin.display(description=_("signed by"))
    def signer(self, obj: Contract) -> str:
        return staff_name(obj.signed_by)

    @admin.display(description=_("created by"))
    def creator(self, obj: Contract) -> str:
        return staff_name(obj.created_by)

    def perform_create(self, request, *, company, values, by):
        return contract_services.contract_create(company=company, by=by, **values)

    def perform_update(self, request, obj, *, values, by):
        return contract_services.contract_update(contract=obj, by=by, **values)

    def perform_delete(self, request, obj, *, by):
        contract_services.contract_delete(contract=obj, by=by)


@admin.register(ContractComment)
class ContractCommentAdmin(ServiceAdmin):
    list_display = ("excerpt", "contract", "author", "created_at")
    search_fields = ("content", "contract__subject")
    list_select_related = ("company", "contract", "staff__user")
    autocomplete_fields = ("contract",)
    fields = ("company", "contract", "content", "author")
    readonly_fields = ("author",)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("contract")
        return readonly

    @admin.display(description=_("comment"))
    def excerpt(self, obj: ContractComment) -> str:
        return obj.content if len(obj.content) <= 80 else f"{obj.content[:79]}…"

    @admin.display(description=_("author"))
    def author(self, obj: ContractComment) -> str:
        return staff_name(obj.staff)

    def perform_create(self, request, *, company, values, by):
        return comment_services.comment_create(
            contract=values["contract"], content=values["content"], by=by
        )

    def perform_update(self, request, obj, *, values, by):
        if "content" not in values:
            return obj
        return comment_services.comment_update(comment=obj, content=values["content"], by=by)

    def perform_delete(self, request, obj, *, by):
        comment_services.comment_delete(comment=obj, by=by)
