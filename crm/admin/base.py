"""The base of the CRM's admins: every write goes through a crm service.

The issue asks the activity log to record every create, update and delete made "through the
API, the pages or the admin", and the services both keep the rules (a primary contact is not
deleted, a signed contract's terms are frozen, ...) and record the log. So the admin writes
nothing itself: `CrmAdmin` (a `TenantAdmin`) and `CrmInline` (a `TenantInline`) turn a
validated form into the model field values it changed and hand them to `perform_create`,
`perform_update` and `perform_delete`, which each model's admin implements with its services,
acting as the viewer's membership in the row's company.

A service may still refuse what the form accepted (a rule the form cannot see, a concurrent
change): the view's transaction is rolled back and the page shows the service's message,
never a 500. A bulk delete deletes row by row, each in a savepoint, and reports the refusals.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError
from tenancy.actors import Actor
from tenancy.admin import TenantAdmin, TenantInline, TenantInlineFormSet
from tenancy.models import Membership

_ACTORS_ATTRIBUTE = "_crm_admin_actors"


def actor_for(request: HttpRequest, company_id: int) -> Actor:
    """The viewer as an actor in `company_id`: their membership there (an operator without
    one acts as the system). Read once per request and company."""
    cache = getattr(request, _ACTORS_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(request, _ACTORS_ATTRIBUTE, cache)
    if company_id not in cache:
        membership = (
            Membership.objects.select_related("user")
            .filter(company_id=company_id, user_id=request.user.pk, is_active=True)
            .first()
        )
        cache[company_id] = Actor(membership=membership)
    return cache[company_id]


def staff_name(membership: Membership | None) -> str:
    if membership is None:
        return "—"
    user = membership.user
    return user.get_full_name() or user.get_username()


class AssignedStaffFilter(admin.SimpleListFilter):
    """The staff members the visible rows are assigned to, by name: Django's related filter
    would print each membership as "user @ company", two queries apiece."""

    title = gettext_lazy("assigned to")
    parameter_name = "assigned_to"

    def lookups(self, request, model_admin):
        assigned = model_admin.get_queryset(request).filter(assigned_to__isnull=False)
        members = (
            Membership.objects.filter(pk__in=assigned.values("assigned_to"))
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username", "pk")
        )
        return [(str(member.pk), staff_name(member)) for member in members]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(assigned_to_id=self.value())
        return queryset


def error_text(exc: ApplicationError) -> str:
    """The service's message with its field errors, for a one-line admin message."""
    parts = [str(exc.message)]
    for field, errors in exc.details.items():
        listed = errors if isinstance(errors, (list, tuple)) else [errors]
        parts.append(f"{field}: {' '.join(str(error) for error in listed)}")
    return " ".join(parts)


def fresh(obj: models.Model) -> models.Model:
    """The row as stored: a bound form has already written its input onto `obj`."""
    return type(obj)._base_manager.get(pk=obj.pk)


def adopt(target: models.Model, source: models.Model) -> None:
    """Make `target` (the instance the admin view and its inlines hold) the row a service
    saved, so the view's redirect, history entry and inlines see its id and values."""
    if target is source:
        return
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


def _editable_names(form, skip: set[str]) -> list[str]:
    model_fields = {field.name for field in form._meta.model._meta.concrete_fields}
    return [
        name for name in form.fields
        if name in model_fields and name not in skip and name in form.cleaned_data
    ]


def form_values(form, *, skip: set[str] = frozenset()) -> dict[str, Any]:
    """Every model field value of a new row's form, but its company, id and `skip`."""
    skip = {"company", form._meta.model._meta.pk.name, *skip}
    return {name: form.cleaned_data[name] for name in _editable_names(form, skip)}


def changed_values(form, *, skip: set[str] = frozenset()) -> dict[str, Any]:
    """The model field values the form changed."""
    skip = {"company", form._meta.model._meta.pk.name, *skip}
    changed = set(form.changed_data)
    return {
        name: form.cleaned_data[name]
        for name in _editable_names(form, skip)
        if name in changed
    }


class CrmAdmin(TenantAdmin):
    """A tenant admin whose writes are the crm services' (see the module docstring)."""

    # Django 6 makes https the default scheme of a URL typed without one; take it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # -- what each model's admin implements with its services ---------------------------------

    def perform_create(self, request, *, company, values: dict[str, Any], by: Actor):
        raise NotImplementedError

    def perform_update(self, request, obj, *, values: dict[str, Any], by: Actor):
        """`obj` is the stored row; `values` the changed fields. Returns the saved row."""
        raise NotImplementedError

    def perform_delete(self, request, obj, *, by: Actor) -> None:
        raise NotImplementedError

    # -- Django's hooks, routed to them -------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and not obj.company_id:
            obj.company_id = self.single_company_id(request)
        by = actor_for(request, obj.company_id)
        if change:
            saved = self.perform_update(request, fresh(obj), values=changed_values(form), by=by)
        else:
            saved = self.perform_create(
                request, company=obj.company, values=form_values(form), by=by
            )
        adopt(obj, saved)

    def delete_model(self, request, obj):
        self.perform_delete(request, fresh(obj), by=actor_for(request, obj.company_id))

    def delete_queryset(self, request, queryset):
        """Row by row, each in a savepoint: refused rows stay. Returns (deleted, refused)."""
        deleted, refused = [], []
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.log_deletions(request, [obj])
                    self.delete_model(request, obj)
            except ApplicationError as exc:
                refused.append((obj, exc))
            else:
                deleted.append(obj)
        return deleted, refused

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            # The view's transaction has been rolled back: nothing of the submission stays.
            self.message_user(request, error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )

    @admin.action(
        permissions=["delete"],
        description=gettext_lazy("Delete selected %(verbose_name_plural)s"),
    )
    def delete_selected(self, request, queryset):
        """Django's action (its confirmation page, its protected-objects page), except that
        the confirmed delete goes through the services and reports what they refused."""
        if not request.POST.get("post"):
            return django_delete_selected(self, request, queryset)
        _objects, _count, perms_needed, protected = self.get_deleted_objects(queryset, request)
        if perms_needed or protected:
            return django_delete_selected(self, request, queryset)
        deleted, refused = self.delete_queryset(request, queryset)
        if deleted:
            self.message_user(
                request,
                _("Deleted %(count)d %(items)s.")
                % {"count": len(deleted), "items": model_ngettext(self.opts, len(deleted))},
                messages.SUCCESS,
            )
        for obj, exc in refused:
            self.message_user(
                request,
                _("%(object)s was not deleted: %(reason)s")
                % {"object": obj, "reason": error_text(exc)},
                messages.ERROR,
            )
        return None

    # Replaces the site-wide action of the same name.
    actions = ("delete_selected",)


class CrmInlineFormSet(TenantInlineFormSet):
    """Saves the inline's rows through its `CrmInline` hooks, as the viewer."""

    crm_inline: CrmInline
    crm_request: HttpRequest

    def _by(self) -> Actor:
        return actor_for(self.crm_request, self.instance.company_id)

    def save_new(self, form, commit=True):
        return self.crm_inline.perform_create(
            self.crm_request,
            parent=self.instance,
            values=form_values(form, skip={self.fk.name}),
            by=self._by(),
        )

    def save_existing(self, form, obj, commit=True):
        saved = self.crm_inline.perform_update(
            self.crm_request, fresh(obj), values=changed_values(form, skip={self.fk.name}),
            by=self._by(),
        )
        adopt(obj, saved)
        return obj

    def delete_existing(self, obj, commit=True):
        self.crm_inline.perform_delete(self.crm_request, fresh(obj), by=self._by())


class CrmInline(TenantInline):
    """A tenant inline whose writes are the crm services' (see the module docstring)."""

    formset = CrmInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The factory makes a new class on every call, so these are this request's.
        formset.crm_inline = self
        formset.crm_request = request
        return formset

    def perform_create(self, request, *, parent, values: dict[str, Any], by: Actor):
        raise NotImplementedError

    def perform_update(self, request, obj, *, values: dict[str, Any], by: Actor):
        raise NotImplementedError

    def perform_delete(self, request, obj, *, by: Actor) -> None:
        raise NotImplementedError


class ReadOnlyInline(TenantInline):
    """Rows shown on the parent's page, written elsewhere (a renewal, an upload)."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
