"""The tenancy rule in the Django admin, checked on every registered model rather than remembered.

For every model of `admin.site` with a `company` (a tenant model), an admin of one company:
1. does not see another company's row in the changelist (nor when filtering by that company),
2. gets a redirect to the admin index (or 403/404) for its change, delete and history pages,
   with nothing of the row in what follows,
3. changes nothing by POSTing its change form (the form its own company's admin would submit,
   with a text field edited) or its delete confirmation.
A control runs the same steps on a row of the viewer's own company and expects them to work, so
the walker can fail. Every other registered model is listed below with the reason, and a company
admin is refused its pages. A model needs a factory in `<app>/tests/factories.py`, found
automatically (config/tests/factory_registry.py).
"""
from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from tenancy.admin_site import is_tenant_model
from tenancy.models import Company

from .factory_registry import factories_by_model

# Registered models without a `company`, each with the reason; a company admin gets 403 on
# them, except Company itself, whose admin shows a member their own companies (tested below).
NOT_TENANT_MODELS = {
    "tenancy.Company": "the tenant itself; its admin scopes to the viewer's companies",
    "auth.User": "accounts span companies: operators only (OperatorOnlyMixin)",
    "auth.Group": "Django permission groups: operators only (OperatorOnlyMixin)",
    "django_celery_beat.PeriodicTask": "platform schedules: operators (model permissions)",
    "django_celery_beat.ClockedSchedule": "platform schedules: operators (model permissions)",
    "django_celery_beat.CrontabSchedule": "platform schedules: operators (model permissions)",
    "django_celery_beat.SolarSchedule": "platform schedules: operators (model permissions)",
    "django_celery_beat.IntervalSchedule": "platform schedules: operators (model permissions)",
}

# Tenant models whose admin refuses even a company admin (operators only), with the reason:
# their changelist answers 403 and the control (which needs a visible page) is skipped.
OPERATOR_ONLY_TENANT_MODELS: dict[str, str] = {}

REFUSED = {302, 403, 404}


def _tenant_models() -> list[type[models.Model]]:
    found = []
    for model in admin.site._registry:
        try:
            model._meta.get_field("company")
        except FieldDoesNotExist:
            continue
        found.append(model)
    return sorted(found, key=lambda model: model._meta.label)


def _model_id(model) -> str:
    return model._meta.label


def _url(model, view: str, pk=None) -> str:
    opts = model._meta
    args = [] if pk is None else [pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _login(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def _make(model, company):
    factory = factories_by_model().get(model)
    assert factory is not None, (
        f"{model._meta.label} is in the admin: add a factory for {model.__name__} in "
        f"{model._meta.app_label}/tests/factories.py so the admin walker can check it"
    )
    obj = factory(company=company)
    assert obj.company_id == company.pk, f"{factory.__name__} ignored company="
    return obj


def _snapshot(obj) -> dict:
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    assert fresh is not None, f"{type(obj).__name__} {obj.pk} was deleted"
    return {**model_to_dict(fresh), "updated_at": getattr(fresh, "updated_at", None)}


def _admin_log(obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    return LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))


# -- the change form as a browser would submit it ----------------------------------------------


class _FormFields(HTMLParser):
    """The successful controls of the admin's `<form id="<model>_form">`, as POST data."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attrs or not attrs.get("name"):
            if tag == "option" and self._select and "selected" in attrs:
                self._add(self._select, attrs.get("value", ""))
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def _change_form_data(response, model) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    return {**parser.data, "_save": ["Save"]}


def _edit_a_text_field(data: dict[str, list[str]], model) -> str | None:
    """Append to the first editable plain text field of the form; its name, or None."""
    for field in model._meta.concrete_fields:
        plain = isinstance(field, (models.CharField, models.TextField)) and not isinstance(
            field, (models.EmailField, models.URLField, models.SlugField)
        )
        if plain and not field.choices and field.name in data and len(data[field.name]) == 1:
            limit = field.max_length or 200
            data[field.name] = [data[field.name][0][: limit - 8] + " edited"]
            return field.name
    return None


# -- the walker ---------------------------------------------------------------------------------


def test_the_walker_finds_the_tenant_models():
    found = _tenant_models()
    labels = [model._meta.label for model in found]
    assert len(labels) >= 10, f"tenant models in the admin: {labels}"
    assert {
        "tenancy.Department", "tenancy.Membership", "tenancy.ApiKey", "jobs.Job",
        "crm.Customer", "crm.Contact", "crm.Lead", "crm.Contract", "crm.Note", "crm.ActivityLog",
    } <= set(labels), labels
    not_fk = [model._meta.label for model in found if not is_tenant_model(model)]
    assert not not_fk, f"`company` of these is not a foreign key to Company: {not_fk}"
    assert set(OPERATOR_ONLY_TENANT_MODELS) <= set(labels), "stale OPERATOR_ONLY_TENANT_MODELS"


def test_every_other_admin_model_is_listed_with_a_reason():
    tenant = set(_tenant_models())
    others = {model._meta.label for model in admin.site._registry if model not in tenant}
    assert others == set(NOT_TENANT_MODELS), (
        f"not listed: {sorted(others - set(NOT_TENANT_MODELS))}; "
        f"no longer registered: {sorted(set(NOT_TENANT_MODELS) - others)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label", sorted(set(NOT_TENANT_MODELS) - {"tenancy.Company"}), ids=str
)
def test_a_company_admin_is_refused_the_operators_models(label, admin_membership):
    response = _login(admin_membership).get(_url(apps.get_model(label), "changelist"))
    assert response.status_code == 403, f"{label}: {response.status_code}"


@pytest.mark.django_db
def test_a_company_admin_sees_only_their_own_company(admin_membership, company, other_company):
    client = _login(admin_membership)
    listed = client.get(_url(Company, "changelist"))
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [company]
    assert _url(Company, "change", other_company.pk) not in listed.content.decode()
    before = _snapshot(other_company)
    for view in ("change", "delete", "history"):
        response = client.get(_url(Company, view, other_company.pk))
        assert response.status_code in REFUSED, (view, response.status_code)
        assert other_company.name not in response.content.decode()
    client.post(_url(Company, "change", other_company.pk), {"name": "Taken over"})
    client.post(_url(Company, "delete", other_company.pk), {"post": "yes"})
    assert _snapshot(other_company) == before
    assert client.get(_url(Company, "change", company.pk)).status_code == 200


def _assert_refused(response, obj, what: str) -> None:
    """302 to the admin index (Django's answer for an id outside get_queryset), 403 or 404,
    and nothing of the row on the page the redirect leads to."""
    label = f"{type(obj)._meta.label} {obj.pk}: {what}"
    assert response.status_code in REFUSED, (
        f"{label} answered {response.status_code}: {response.content[:300]!r}"
    )
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index"), (
            f"{label} redirected to {response['Location']}"
        )
    body = response.content.decode()
    assert escape(str(obj)) not in body and str(obj) not in body, f"{label} shows the row"


@pytest.mark.django_db
@pytest.mark.parametrize("model", _tenant_models(), ids=_model_id)
def test_another_companys_row_is_invisible_and_unchanged_in_the_admin(
    model, company, other_company, admin_membership, other_admin_membership
):
    label = model._meta.label
    obj = _make(model, other_company)
    change_url = _url(model, "change", obj.pk)
    # The form the row's own company admin would submit, with a text field edited.
    form_data = _change_form_data(_login(other_admin_membership).get(change_url), model)
    _edit_a_text_field(form_data, model)
    before, logged_before = _snapshot(obj), _admin_log(obj).count()

    client = _login(admin_membership)
    for query in ("", f"?company={other_company.pk}", f"?company__id__exact={other_company.pk}"):
        listed = client.get(_url(model, "changelist") + query)
        if label in OPERATOR_ONLY_TENANT_MODELS:
            assert listed.status_code in {302, 403}, f"{label} list answered {listed.status_code}"
            continue
        # A filter Django refuses redirects to `?e=1`, which lists nothing of it either.
        listed = client.get(listed["Location"]) if listed.status_code == 302 else listed
        assert listed.status_code == 200, f"{label} list{query} answered {listed.status_code}"
        assert change_url not in listed.content.decode(), (
            f"the {label} changelist{query} links to another company's row {obj.pk}"
        )
        assert obj not in list(listed.context["cl"].result_list), (label, query)

    for view in ("change", "delete", "history"):
        _assert_refused(client.get(_url(model, view, obj.pk)), obj, f"GET {view}")
        followed = client.get(_url(model, view, obj.pk), follow=True)
        assert escape(str(obj)) not in followed.content.decode(), f"{label} {view} (followed)"

    _assert_refused(client.post(change_url, form_data), obj, "POST change form")
    _assert_refused(client.post(_url(model, "delete", obj.pk), {"post": "yes"}), obj, "POST delete")
    assert _snapshot(obj) == before, f"the admin changed another company's {label} {obj.pk}"
    assert _admin_log(obj).count() == logged_before, f"admin log entry for {label} {obj.pk}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", _tenant_models(), ids=_model_id)
def test_control_the_admins_own_row_is_visible_and_editable(model, company, admin_membership):
    """The walker's checks can fail: the same requests show and change a row of one's own."""
    label = model._meta.label
    if label in OPERATOR_ONLY_TENANT_MODELS:
        pytest.skip(f"{label}: {OPERATOR_ONLY_TENANT_MODELS[label]}")
    obj = _make(model, company)
    change_url = _url(model, "change", obj.pk)
    client = _login(admin_membership)

    listed = client.get(_url(model, "changelist"))
    assert listed.status_code == 200, f"{label} list answered {listed.status_code}"
    assert change_url in listed.content.decode(), f"{label} changelist lacks its own row"
    page = client.get(change_url)
    assert page.status_code == 200, f"{label} change page answered {page.status_code}"
    assert client.get(_url(model, "history", obj.pk)).status_code == 200

    model_admin = admin.site._registry[model]
    request = page.wsgi_request
    data = _change_form_data(page, model)
    edited = _edit_a_text_field(data, model)
    before = _snapshot(obj)
    saved = client.post(change_url, data)
    if model_admin.has_change_permission(request, obj):
        errors = saved.context and saved.context.get("errors")
        assert saved.status_code == 302, f"{label} change form refused: {errors}"
        assert edited is not None, f"{label}: no text field to edit; teach _edit_a_text_field"
        after = _snapshot(obj)
        assert after[edited] != before[edited], f"{label}: the edit of {edited} was not saved"
    else:
        assert saved.status_code == 403, f"{label} read-only admin accepted a POST"
        assert _snapshot(obj) == before

    deleted = client.post(_url(model, "delete", obj.pk), {"post": "yes"})
    if model_admin.has_delete_permission(request, obj):
        assert deleted.status_code == 302, f"{label} delete answered {deleted.status_code}"
        assert not model._base_manager.filter(pk=obj.pk).exists(), f"{label} was not deleted"
    else:
        assert deleted.status_code == 403, f"{label} delete answered {deleted.status_code}"
        assert model._base_manager.filter(pk=obj.pk).exists()
