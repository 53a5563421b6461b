"""The tenant-aware Django admin: the site, and the base classes of every tenant model's admin.

Who may use the admin is a question of membership (DESIGN.md: "Every active member may use the
Django admin, scoped to their companies"), so the site asks `company_roles()` instead of
`is_staff`. Superusers are the operators and see every company.

`TenantAdmin` (imported from `tenancy.admin` by the apps) decides what a member sees inside:
only the rows of their companies (for admins with `admin_role = Role.ADMIN`, only of the
companies where they are an admin), foreign-key choices limited to those companies, and a form
(`TenantModelForm`) that refuses to link a row to another company's object.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Company, Membership
from .roles import Role, role_allows

_CACHE_ATTRIBUTE = "_ledgerdesk_admin_company_roles"


def is_operator(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def _roles_of(user) -> dict[int, str]:
    if not user.is_authenticated or not user.is_active:
        return {}
    return dict(
        Membership.objects.filter(
            user=user, is_active=True, company__is_active=True
        ).values_list("company_id", "role")
    )


def company_roles(request: HttpRequest) -> dict[int, str]:
    """{company_id: role} of the user's active memberships in active companies.

    Read once per request: every model admin on a page asks, and the answer cannot change
    between them.
    """
    user = request.user
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None or cached[0] != user.pk:  # logging in or out changes the user
        cached = (user.pk, _roles_of(user))
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached[1]


def company_ids_for(request: HttpRequest, role: str) -> list[int]:
    """Ids of the companies where the user holds at least `role`."""
    return sorted(cid for cid, held in company_roles(request).items() if role_allows(held, role))


class MemberAuthenticationForm(AdminAuthenticationForm):
    """Admin login for operators and active members; `is_staff` plays no part."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of an active member of a "
            "company. Note that both fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        # AdminAuthenticationForm's own check is `is_staff`; skip it, keep the is_active one.
        AuthenticationForm.confirm_login_allowed(self, user)
        if not (is_operator(user) or _roles_of(user)):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class LedgerdeskAdminSite(admin.AdminSite):
    site_header = "Ledgerdesk"
    site_title = "Ledgerdesk admin"
    index_title = _("Back office")
    # No public site at "/" yet; the staff pages will set this when they exist.
    site_url = None
    login_form = MemberAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or company_roles(request)))


# -- the base of every tenant model's admin ----------------------------------------------------


def is_tenant_model(model) -> bool:
    """A model with a `company` foreign key to Company: its rows belong to one company."""
    try:
        field = model._meta.get_field("company")
    except FieldDoesNotExist:
        return False
    return bool(field.many_to_one and field.related_model is Company)


def tenant_relations(model) -> list:
    """The forward FK, one-to-one and M2M fields of `model` that point at tenant models."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        and not field.auto_created
        and field.name != "company"
        and field.related_model is not None
        and is_tenant_model(field.related_model)
    ]


class CompanyListFilter(admin.SimpleListFilter):
    """Filter by company, offering only the companies the viewer may see."""

    title = _("company")
    parameter_name = "company"

    def lookups(self, request, model_admin):
        companies = Company.objects.order_by("name")
        if not is_operator(request.user):
            companies = companies.filter(pk__in=model_admin.company_ids(request))
        return [(str(company.pk), company.name) for company in companies]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(company_id=self.value())
        return queryset


class TenantModelForm(forms.ModelForm):
    """Every related tenant object must belong to the row's company.

    Choices are limited to the viewer's companies by the admin; a member of two companies could
    still pick company A for the row and company B's object, which `clean()` refuses.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        company_id = getattr(self.instance, "company_id", None)
        if company_id is None:
            return
        # An existing row keeps its company, so only that company's objects are choices.
        for field in tenant_relations(self._meta.model):
            form_field = self.fields.get(field.name)
            if form_field is not None and hasattr(form_field, "queryset"):
                form_field.queryset = form_field.queryset.filter(company_id=company_id)

    def row_company(self) -> Company | None:
        if "company" in self.fields:
            return self.cleaned_data.get("company")
        return self.instance.company if self.instance.company_id else None

    def clean(self):
        cleaned_data = super().clean()
        company = self.row_company()
        if company is None:
            return cleaned_data
        for field in tenant_relations(self._meta.model):
            value = cleaned_data.get(field.name)
            if value is None:
                continue
            related = list(value) if field.many_to_many else [value]
            strangers = [obj for obj in related if obj.company_id != company.pk]
            if strangers:
                self.add_error(
                    field.name,
                    ValidationError(
                        _("%(objects)s does not belong to %(company)s."),
                        code="other_company",
                        params={"objects": ", ".join(map(str, strangers)), "company": company},
                    ),
                )
        return cleaned_data

    def _get_validation_exclusions(self):
        # A company shown read-only is not a form field, and Django would then skip every
        # constraint that includes it (all per-company uniqueness) and let the save fail with
        # an IntegrityError. The row's company is known, so validate with it.
        exclude = super()._get_validation_exclusions()
        if "company" not in self.fields and getattr(self.instance, "company_id", None):
            exclude.discard("company")
        return exclude


class CompanyScopedMixin:
    """What the tenant admin and its inlines share: whose rows the viewer may see, what they
    may do with them (membership and role, not Django's model permissions, which members do
    not have), and related choices limited to those companies."""

    # The least role a member needs in a company to see and edit its rows here.
    admin_role: str = Role.USER

    def company_ids(self, request) -> list[int]:
        return company_ids_for(request, self.admin_role)

    def _own_companies(self, request, queryset):
        if is_operator(request.user):
            return queryset
        return queryset.filter(company_id__in=self.company_ids(request))

    def has_company_access(self, request, obj=None) -> bool:
        """`obj` is the row (for an inline: the parent row; None on an add page)."""
        if is_operator(request.user):
            return True
        ids = self.company_ids(request)
        return bool(ids) if obj is None else obj.company_id in ids

    def has_view_permission(self, request, obj=None):
        return self.has_company_access(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_company_access(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_company_access(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_company_access(request, obj)

    def _related_choices(self, db_field, request, using):
        queryset = self.get_field_queryset(using, db_field, request)
        if queryset is None:
            queryset = db_field.related_model._default_manager.using(using)
        return queryset

    def _tenant_choices(self, db_field, request, using):
        return self._own_companies(request, self._related_choices(db_field, request, using))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if is_tenant_model(db_field.related_model) and "queryset" not in kwargs:
            kwargs["queryset"] = self._tenant_choices(db_field, request, kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if is_tenant_model(db_field.related_model) and "queryset" not in kwargs:
            kwargs["queryset"] = self._tenant_choices(db_field, request, kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TenantAdmin(CompanyScopedMixin, admin.ModelAdmin):
    """Base admin of every tenant model. Narrow with `scope_queryset()`, never `get_queryset()`."""

    form = TenantModelForm

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset(), which applies company scoping; "
                "narrow the queryset in scope_queryset() instead."
            )
        if not issubclass(cls.form, TenantModelForm):
            raise TypeError(f"{cls.__name__}.form must derive from TenantModelForm.")

    # -- whose rows -------------------------------------------------------------------------

    def single_company_id(self, request) -> int | None:
        """The member's only company for this admin, which forms then fill in by themselves."""
        if is_operator(request.user):
            return None
        ids = self.company_ids(request)
        return ids[0] if len(ids) == 1 else None

    def shows_company(self, request) -> bool:
        return is_operator(request.user) or len(self.company_ids(request)) > 1

    def get_queryset(self, request):
        queryset = self._own_companies(request, super().get_queryset(request))
        return self.scope_queryset(request, queryset)

    def scope_queryset(self, request, queryset):
        """Hook: narrow, annotate or prefetch the rows the viewer may see."""
        return queryset

    def has_module_permission(self, request):
        return self.has_company_access(request)

    # -- forms --------------------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company" and db_field.related_model is Company:
            queryset = self._related_choices(db_field, request, kwargs.get("using"))
            if not is_operator(request.user):
                queryset = queryset.filter(pk__in=self.company_ids(request))
            kwargs.setdefault("queryset", queryset)
            if self.single_company_id(request) is not None:
                kwargs["widget"] = forms.HiddenInput()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        single = self.single_company_id(request)
        if single is not None:
            initial["company"] = single
        return initial

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A row never moves between companies: whatever points at it would cross companies.
        if obj is not None and "company" not in readonly:
            readonly.append("company")
        return readonly

    def save_model(self, request, obj, form, change):
        if not change and not obj.company_id:
            obj.company_id = self.single_company_id(request)
        super().save_model(request, obj, form, change)

    # -- lists --------------------------------------------------------------------------------

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if self.shows_company(request) and "company" not in display:
            display.insert(1, "company")
        return display

    def get_list_filter(self, request):
        filters = [
            self._scoped_filter(entry) for entry in super().get_list_filter(request)
            if entry != "company"
        ]
        if self.shows_company(request):
            filters.insert(0, CompanyListFilter)
        return filters

    def _scoped_filter(self, entry):
        # Django's plain related filter lists every row of the related table, of every
        # company; the "related only" one lists those that the visible rows point at.
        if not isinstance(entry, str):
            return entry
        try:
            fields = get_fields_from_path(self.model, entry)
        except FieldDoesNotExist:
            return entry
        if fields and fields[-1].is_relation:
            return (entry, admin.RelatedOnlyFieldListFilter)
        return entry


class TenantInlineFormSet(forms.BaseInlineFormSet):
    """An inline's rows take the parent's company before they are validated.

    So `TenantModelForm` limits a new row's choices to that company and refuses another
    company's objects, and the company is known to constraint checks that involve it. (Django
    skips, in an inline form, the constraints that involve the parent's foreign key: check
    those in the form's clean().) On an add page the parent's company comes from its own form,
    validated before the inline forms are built.
    """

    def _parent_company_id(self) -> int | None:
        return getattr(self.instance, "company_id", None)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        company_id = self._parent_company_id()
        # New rows (extra forms and the empty template); existing rows come from the database.
        if company_id is not None and (index is None or index >= self.initial_form_count()):
            kwargs.setdefault("instance", self.model(company_id=company_id))
        return kwargs

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if getattr(form.instance, "company_id", None) is None:
            form.instance.company_id = self._parent_company_id()
        return form

    def save_new(self, form, commit=True):
        form.instance.company_id = self._parent_company_id()
        return super().save_new(form, commit=commit)


class TenantInline(CompanyScopedMixin, admin.TabularInline):
    """Base of every inline of tenant rows inside a tenant model's admin page.

    Rows are the parent's company's (the formset sets it), choices are limited like
    `TenantAdmin`'s, and permissions follow the viewer's role in the parent's company, not
    Django's model permissions (members have none). Read-only inlines override
    `has_add/change/delete_permission` to return False.
    """

    form = TenantModelForm
    formset = TenantInlineFormSet
    extra = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not issubclass(cls.form, TenantModelForm):
            raise TypeError(f"{cls.__name__}.form must derive from TenantModelForm.")
        if not issubclass(cls.formset, TenantInlineFormSet):
            raise TypeError(f"{cls.__name__}.formset must derive from TenantInlineFormSet.")

    def get_queryset(self, request):
        # The formset narrows to the parent's rows; the company filter is belt and braces.
        return self._own_companies(request, super().get_queryset(request))


class OperatorOnlyMixin:
    """Accounts span companies, so only operators manage them here."""

    def has_module_permission(self, request):
        return is_operator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_operator(request.user)

    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)
