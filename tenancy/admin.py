"""The admins of tenancy's models, and `TenantAdmin`, the base of every tenant model's admin.

Apps write `from tenancy.admin import TenantAdmin` (or `ServiceAdmin`, `ServiceInline`, ...);
the machinery itself lives in `tenancy/admin_site.py` with the site and in
`tenancy/admin_services.py` (admins whose writes are services'), so this module holds only
registrations.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import ConflictError

from .admin_site import (
    CompanyListFilter,
    OperatorOnlyMixin,
    TenantAdmin,
    TenantInline,
    TenantInlineFormSet,
    TenantModelForm,
    company_ids_for,
    is_operator,
    is_tenant_model,
)
from .admin_services import (  # noqa: F401  (the apps' admin bases, imported from here)
    AssignedStaffFilter,
    ReadOnlyInline,
    ServiceAddMixin,
    ServiceAdmin,
    ServiceInline,
    actor_for,
    error_text,
    staff_name,
)
from .features import Feature
from .models import ApiKey, Company, Department, Membership
from .roles import Role
from .services import (
    api_key_issue,
    api_key_revoke,
    company_create,
    membership_add,
    membership_ensure_another_active_admin,
)

__all__ = [
    "CompanyListFilter",
    "TenantAdmin",
    "TenantInline",
    "TenantInlineFormSet",
    "TenantModelForm",
    "is_tenant_model",
]


def _membership_of(request, company) -> Membership | None:
    return Membership.objects.filter(company=company, user=request.user).first()


# -- companies --------------------------------------------------------------------------------


class CompanyForm(forms.ModelForm):
    features = forms.MultipleChoiceField(
        choices=Feature.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Company
        fields = "__all__"

    def clean_features(self) -> list[str]:
        return sorted(set(self.cleaned_data["features"]))


# Operators' switches and identifiers: a company admin sees them but cannot change them.
OPERATOR_FIELDS = ("slug", "features", "is_active")


@admin.register(Company)
class CompanyAdmin(ServiceAddMixin, admin.ModelAdmin):
    form = CompanyForm
    list_display = (
        "name", "slug", "tax_number", "default_currency", "enabled_features", "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "tax_number")
    fieldsets = (
        (None, {"fields": ("name", "slug", "tax_number", "uuid")}),
        (_("Address"), {"fields": ("address", "city", "zip", "country")}),
        (_("Banking"), {"fields": ("bank_account", "iban", "default_currency")}),
        (_("Locale"), {"fields": ("time_zone", "locale")}),
        (_("Operator"), {"fields": ("features", "is_active", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_operator(request.user):
            return queryset
        return queryset.filter(pk__in=company_ids_for(request, Role.ADMIN))

    def _is_company_admin(self, request, obj=None) -> bool:
        if is_operator(request.user):
            return True
        ids = company_ids_for(request, Role.ADMIN)
        return bool(ids) if obj is None else obj.pk in ids

    def has_module_permission(self, request):
        return self._is_company_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_company_admin(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_company_admin(request, obj)

    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["uuid", "created_at", "updated_at"]
        if not is_operator(request.user):
            readonly = [*readonly, "enabled_features", *OPERATOR_FIELDS]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_operator(request.user):
            return fieldsets
        # Show the features as their names, not as the stored JSON list.
        return [
            (name, {**options, "fields": tuple(
                "enabled_features" if field == "features" else field for field in options["fields"]
            )})
            for name, options in fieldsets
        ]

    @admin.display(description=_("features"))
    def enabled_features(self, obj: Company) -> str:
        labels = dict(Feature.choices)
        return ", ".join(str(labels.get(value, value)) for value in obj.features or []) or "—"

    def perform_add(self, request, form) -> Company:
        # Through the service, so the hooks of company_created seed the new company.
        data = dict(form.cleaned_data)
        return company_create(**data)


# -- departments and memberships -------------------------------------------------------------


@admin.register(Department)
class DepartmentAdmin(TenantAdmin):
    list_display = ("name", "email")
    search_fields = ("name", "email")
    fields = ("company", "name", "email")


class MembershipForm(TenantModelForm):
    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk and instance.is_active and instance.role == Role.ADMIN:
            stays_admin = cleaned_data.get("is_active", True) and (
                cleaned_data.get("role", Role.ADMIN) == Role.ADMIN
            )
            if not stays_admin:
                # The admin's change view runs in a transaction: the lock holds until it saves.
                try:
                    membership_ensure_another_active_admin(
                        company=instance.company, excluding=instance
                    )
                except ConflictError:
                    raise ValidationError(
                        _("This is the company's last active admin; make another member an "
                          "admin first."),
                        code="last_admin",
                    ) from None
        return cleaned_data


@admin.register(Membership)
class MembershipAdmin(ServiceAddMixin, TenantAdmin):
    """Staff members. Company admins change roles and departments; adding a member here is for
    operators, company admins add staff through the API and the staff pages (passwords,
    e-mail checks)."""

    admin_role = Role.ADMIN
    form = MembershipForm
    list_display = ("user", "role", "is_active", "department_names", "is_default")
    list_filter = ("role", "is_active", "departments")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "company")
    filter_horizontal = ("departments",)
    add_fields = ("user", "company", "role")
    change_fields = (
        "user", "company", "role", "is_active", "is_default", "phone", "departments",
        "deactivated_at", "created_at",
    )

    def scope_queryset(self, request, queryset):
        return queryset.prefetch_related("departments")

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ["user", "company", "deactivated_at", "created_at"]
        if not is_operator(request.user):
            readonly.append("is_default")  # the member's own choice among their companies
        return readonly

    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        # Members are deactivated, which keeps their history; deleting is for operators.
        return is_operator(request.user)

    @admin.display(description=_("departments"))
    def department_names(self, obj: Membership) -> str:
        return ", ".join(department.name for department in obj.departments.all())

    def perform_add(self, request, form) -> Membership:
        return membership_add(
            company=form.cleaned_data["company"],
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data:
            obj.deactivated_at = None if obj.is_active else timezone.now()
        super().save_model(request, obj, form, change)


# -- API keys ----------------------------------------------------------------------------------


class ApiKeyForm(TenantModelForm):
    def clean(self):
        cleaned_data = super().clean()
        company, name = self.row_company(), cleaned_data.get("name")
        if company is not None and name and self.instance.revoked_at is None:
            taken = ApiKey.objects.filter(company=company, name=name, revoked_at__isnull=True)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("An active API key with this name already exists."))
        return cleaned_data


@admin.register(ApiKey)
class ApiKeyAdmin(ServiceAddMixin, TenantAdmin):
    """Keys are issued by the service and shown once; only the hash is kept, and never shown."""

    admin_role = Role.ADMIN
    form = ApiKeyForm
    list_display = ("name", "key_prefix", "role", "last_used_at", "revoked_at", "created_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix")
    actions = ("revoke_selected",)
    add_fields = ("company", "name", "role")
    change_fields = (
        "company", "name", "key_prefix", "role", "created_by", "last_used_at", "revoked_at",
        "created_at",
    )

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [field for field in self.change_fields if field != "name"]

    def has_delete_permission(self, request, obj=None):
        # Revoking keeps the record of the key; deleting is for operators.
        return is_operator(request.user)

    @admin.display(description=_("key"), ordering="prefix")
    def key_prefix(self, obj: ApiKey) -> str:
        return f"pk_{obj.prefix}…"

    def perform_add(self, request, form) -> ApiKey:
        company = form.cleaned_data["company"]
        key, raw = api_key_issue(
            company=company,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            created_by=_membership_of(request, company),
        )
        messages.success(
            request,
            _("The new API key is %(raw)s — copy it now, it will not be shown again.")
            % {"raw": raw},
        )
        return key

    @admin.action(description=_("Revoke selected keys"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            api_key_revoke(api_key=key)
        self.message_user(
            request,
            ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", len(keys))
            % {"count": len(keys)},
            messages.SUCCESS,
        )


# -- users and groups: operators only ----------------------------------------------------------


User = get_user_model()

for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class OperatorUserAdmin(OperatorOnlyMixin, UserAdmin):
    pass


@admin.register(Group)
class OperatorGroupAdmin(OperatorOnlyMixin, GroupAdmin):
    pass
