"""Admins whose writes are the services': the base every app's admin builds on.

The services keep the rules (a primary contact is not deleted, a signed contract's terms are
frozen, ...) and record the activity log, so an admin writes nothing itself: `ServiceAdmin`
(a `TenantAdmin`) and `ServiceInline` (a `TenantInline`) turn a validated form into the model
field values it changed and hand them to `perform_create`, `perform_update` and
`perform_delete`, which each model's admin implements with its services, acting as the
viewer's membership in the row's company.

A rule lives in its service only. When a service refuses what the form accepted, the view's
transaction is rolled back and the page is shown again with what the user typed and the
service's `details` on the fields they name (`ServiceErrorsOnForm`), never a 500. A bulk
delete deletes row by row, each in a savepoint, and reports the refusals.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError

from .actors import Actor
from .admin_site import TenantAdmin, TenantInline, TenantInlineFormSet
from .models import Membership

_ACTORS_ATTRIBUTE = "_ledgerdesk_admin_actors"
_REFUSAL_ATTRIBUTE = "_ledgerdesk_admin_service_refusal"


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
    return "—" if membership is None else membership.display_name


class AssignedStaffFilter(admin.SimpleListFilter):
    """The staff members the visible rows are assigned to (`assigned_to`), by name: Django's
    related filter would list every membership, two queries apiece."""

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


def _messages(errors) -> list[str]:
    listed = errors if isinstance(errors, (list, tuple)) else [errors]
    return [str(error) for error in listed]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def error_text(exc: ApplicationError, model=None) -> str:
    """The service's message with its field errors, for one line of text."""
    if not exc.details:
        return str(exc.message)
    return " ".join(
        f"{_label(model, name) if model else name}: {' '.join(_messages(errors))}"
        for name, errors in exc.details.items()
    )


# -- a service's refusal, shown on the form that was sent --------------------------------------


@dataclass(frozen=True)
class ServiceRefusal:
    error: ApplicationError
    # The inline form whose row the service refused; None: the page's own form.
    form_prefix: str | None = None
    # The refused row's name, when the refusal can only be told in words (a refused delete).
    about: str | None = None


def refusal_of(request: HttpRequest) -> ServiceRefusal | None:
    return getattr(request, _REFUSAL_ATTRIBUTE, None)


def put_refusal_on_form(form, refusal: ServiceRefusal) -> None:
    """The service's details on the fields they name; the rest, and the message when there
    are no details, as errors of the whole form."""
    exc = refusal.error
    if refusal.about is not None:
        form.add_error(None, f"{refusal.about}: {error_text(exc, form._meta.model)}")
        return
    if not exc.details:
        form.add_error(None, str(exc.message))
    for name, errors in exc.details.items():
        if name in form.fields and not form.fields[name].disabled:
            form.add_error(name, _messages(errors))
        else:
            label = _label(form._meta.model, name)
            form.add_error(None, f"{label}: {' '.join(_messages(errors))}")


def with_refusal(form_class, refusal: ServiceRefusal, *, prefix: str | None = None):
    """`form_class`, whose instance with `prefix` (any, when None) carries the refusal."""

    class RefusedForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            if prefix is None or self.prefix == prefix:
                put_refusal_on_form(self, refusal)
            return cleaned_data

    RefusedForm.__name__ = RefusedForm.__qualname__ = form_class.__name__
    return RefusedForm


class ServiceErrorsOnForm:
    """A ModelAdmin mixin: a service error raised while saving the page's form or its inlines
    shows the page again, bound to what was sent, with the error on the fields it names.

    The first attempt's transaction is rolled back when the error leaves it; the page is then
    validated again with the refusal added to the form that caused it, so that pass is invalid
    and writes nothing.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            if request.method != "POST" or refusal_of(request) is not None:
                raise
            setattr(request, _REFUSAL_ATTRIBUTE, _refusal_from(exc))
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:  # the refusal found no form to stand on
            self.message_user(request, error_text(exc, self.model), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = refusal_of(request)
        if refusal is None or refusal.form_prefix is not None:
            return form_class
        return with_refusal(form_class, refusal)


def _refusal_from(exc: ApplicationError) -> ServiceRefusal:
    return getattr(exc, "admin_refusal", None) or ServiceRefusal(exc)


def _refused_in_inline(exc: ApplicationError, **where) -> ApplicationError:
    exc.admin_refusal = ServiceRefusal(exc, **where)
    return exc


class ServiceAddMixin(ServiceErrorsOnForm):
    """The add page creates through a service (`perform_add`), not `form.save()`."""

    def perform_add(self, request, form):
        raise NotImplementedError

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        return self.perform_add(request, form)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


# -- from a form to a service's arguments ----------------------------------------------------


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


class ServiceAdmin(ServiceErrorsOnForm, TenantAdmin):
    """A tenant admin whose writes are the services' (see the module docstring)."""

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

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as exc:
            # Nothing was typed: back to the row's page, with the reason.
            self.message_user(request, error_text(exc, self.model), messages.ERROR)
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
                % {"object": obj, "reason": error_text(exc, self.model)},
                messages.ERROR,
            )
        return None

    # Replaces the site-wide action of the same name.
    actions = ("delete_selected",)


class ServiceInlineFormSet(TenantInlineFormSet):
    """Saves the inline's rows through its `ServiceInline` hooks, as the viewer; a refusal is
    marked with the form it belongs to."""

    service_inline: ServiceInline
    service_request: HttpRequest

    def _by(self) -> Actor:
        return actor_for(self.service_request, self.instance.company_id)

    def save_new(self, form, commit=True):
        try:
            return self.service_inline.perform_create(
                self.service_request,
                parent=self.instance,
                values=form_values(form, skip={self.fk.name}),
                by=self._by(),
            )
        except ApplicationError as exc:
            raise _refused_in_inline(exc, form_prefix=form.prefix) from None

    def save_existing(self, form, obj, commit=True):
        try:
            saved = self.service_inline.perform_update(
                self.service_request, fresh(obj), values=changed_values(form, skip={self.fk.name}),
                by=self._by(),
            )
        except ApplicationError as exc:
            raise _refused_in_inline(exc, form_prefix=form.prefix) from None
        adopt(obj, saved)
        return obj

    def delete_existing(self, obj, commit=True):
        try:
            self.service_inline.perform_delete(self.service_request, fresh(obj), by=self._by())
        except ApplicationError as exc:
            # A form marked for deletion is not validated again: the page's form says it.
            raise _refused_in_inline(exc, about=str(obj)) from None


class ServiceInline(TenantInline):
    """A tenant inline whose writes are the services' (see the module docstring)."""

    formset = ServiceInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The factory makes a new class on every call, so these are this request's.
        formset.service_inline = self
        formset.service_request = request
        refusal = refusal_of(request)
        if refusal is not None and refusal.form_prefix is not None:
            formset.form = with_refusal(formset.form, refusal, prefix=refusal.form_prefix)
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
