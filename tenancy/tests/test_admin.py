"""The tenant-aware admin: members see and edit only their companies' rows; operators see all."""
from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.forms import modelform_factory
from django.test import Client, RequestFactory

from tenancy.admin import CompanyListFilter, TenantModelForm
from tenancy.credentials import hash_api_key
from tenancy.features import Feature
from tenancy.models import ApiKey, Company, Department, Membership
from tenancy.roles import Role
from tenancy.services import api_key_issue
from tenancy.tests.factories import (
    CompanyFactory,
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
RAW_KEY = re.compile(r"pk_[A-Za-z0-9]{48}")


def login(membership_or_user) -> Client:
    user = getattr(membership_or_user, "user", membership_or_user)
    client = Client()
    client.force_login(user)
    return client


def changelist_rows(response) -> set:
    assert response.status_code == 200, response.content[:500]
    return set(response.context["cl"].result_list)


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=False)


@pytest.fixture
def departments(company, other_company):
    return (
        DepartmentFactory(company=company, name="Sales"),
        DepartmentFactory(company=other_company, name="Support"),
    )


# -- who may enter -----------------------------------------------------------------------------


def test_member_without_is_staff_logs_in_with_password(user_membership):
    assert user_membership.user.is_staff is False
    client = Client()

    response = client.post(
        "/admin/login/", {"username": "bob", "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302 and response.url == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    assert index.context["site_header"] == "Ledgerdesk"


def _deactivate_membership(membership):
    return Membership.objects.filter(pk=membership.pk).update(is_active=False)


def _deactivate_company(membership):
    return Company.objects.filter(pk=membership.company_id).update(is_active=False)


def _deactivate_user(membership):
    return type(membership.user).objects.filter(pk=membership.user_id).update(is_active=False)


def _delete_membership(membership):
    return Membership.objects.filter(pk=membership.pk).delete()[0]


@pytest.mark.parametrize(
    "change", [_deactivate_membership, _deactivate_company, _deactivate_user, _delete_membership]
)
def test_no_admin_access_without_an_active_membership(change, admin_membership):
    assert change(admin_membership) == 1

    response = login(admin_membership).get("/admin/tenancy/department/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    login_page = Client().post("/admin/login/", {"username": "alice", "password": PASSWORD})
    assert login_page.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in login_page.wsgi_request.session


# -- rows of the member's companies only -------------------------------------------------------


def test_member_sees_only_their_companys_departments(user_membership, departments):
    response = login(user_membership).get("/admin/tenancy/department/")

    assert changelist_rows(response) == {departments[0]}
    # One company: no company column, no company filter.
    assert "company" not in response.context["cl"].list_display
    assert response.context["cl"].filter_specs == []


def test_admin_sees_only_their_companys_memberships_and_keys(
    admin_membership, user_membership, other_admin_membership
):
    own_key, _ = api_key_issue(company=admin_membership.company, name="ours")
    api_key_issue(company=other_admin_membership.company, name="theirs")
    client = login(admin_membership)

    memberships = changelist_rows(client.get("/admin/tenancy/membership/"))
    keys = changelist_rows(client.get("/admin/tenancy/apikey/"))

    assert memberships == {admin_membership, user_membership}
    assert keys == {own_key}


def test_another_companys_department_cannot_be_opened_changed_or_deleted(
    user_membership, departments
):
    theirs = departments[1]
    client = login(user_membership)
    url = f"/admin/tenancy/department/{theirs.pk}/"

    for response in (
        client.get(url + "change/"),
        client.post(url + "change/", {"name": "Hijacked", "email": ""}),
        client.post(url + "delete/", {"post": "yes"}),
        client.get(url + "history/"),
    ):
        assert response.status_code == 302 and response.url == "/admin/"
    theirs.refresh_from_db()
    assert theirs.name == "Support"


def test_another_companys_membership_cannot_be_changed(admin_membership, other_admin_membership):
    response = login(admin_membership).post(
        f"/admin/tenancy/membership/{other_admin_membership.pk}/change/",
        {"role": Role.USER, "is_active": "", "phone": "", "departments": []},
    )

    assert response.status_code == 302 and response.url == "/admin/"
    other_admin_membership.refresh_from_db()
    assert (other_admin_membership.role, other_admin_membership.is_active) == (Role.ADMIN, True)


def test_user_role_member_sees_no_memberships_keys_or_company(user_membership):
    client = login(user_membership)

    index = client.get("/admin/")
    apps = {app["app_label"]: app for app in index.context["app_list"]}
    assert [model["object_name"] for model in apps["tenancy"]["models"]] == ["Department"]
    assert "auth" not in apps and "django_celery_beat" not in apps
    for path in ("membership", "apikey", "company"):
        assert client.get(f"/admin/tenancy/{path}/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


# -- foreign keys -----------------------------------------------------------------------------


def test_department_choices_are_the_rows_company_only(
    admin_membership, user_membership, departments
):
    url = f"/admin/tenancy/membership/{user_membership.pk}/change/"
    client = login(admin_membership)

    form = client.get(url).context["adminform"].form
    assert set(form.fields["departments"].queryset) == {departments[0]}

    response = client.post(
        url,
        {"role": Role.USER, "is_active": "on", "phone": "", "departments": [departments[1].pk]},
    )
    assert response.status_code == 200
    assert "departments" in response.context["adminform"].form.errors
    assert list(user_membership.departments.all()) == []


def test_member_of_two_companies_cannot_link_across_them(company, other_company):
    # Alice is an admin in both companies, so both are hers; a row of one still only takes
    # that company's departments.
    alice = MembershipFactory(company=company, role=Role.ADMIN).user
    MembershipFactory(company=other_company, role=Role.ADMIN, user=alice, is_default=False)
    member = MembershipFactory(company=company, role=Role.USER)
    foreign = DepartmentFactory(company=other_company)

    response = login(alice).post(
        f"/admin/tenancy/membership/{member.pk}/change/",
        {"role": Role.USER, "is_active": "on", "phone": "", "departments": [foreign.pk]},
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.fields["departments"].queryset) == set()
    assert form.errors["departments"] == [
        f"Select a valid choice. {foreign.pk} is not one of the available choices."
    ]
    assert list(member.departments.all()) == []


def test_tenant_form_refuses_objects_of_another_company_than_the_rows(company, other_company):
    # Where the row's company is chosen on the same form (an add page), the choices span the
    # viewer's companies; clean() ties them to the chosen one.
    form_class = modelform_factory(
        Membership, form=TenantModelForm, fields=("company", "user", "role", "departments")
    )
    ours, foreign = DepartmentFactory(company=company), DepartmentFactory(company=other_company)
    data = {"company": company.pk, "user": UserFactory().pk, "role": Role.USER}

    refused = form_class({**data, "departments": [ours.pk, foreign.pk]})
    accepted = form_class({**data, "departments": [ours.pk]})

    assert refused.errors == {
        "departments": [f"{foreign.name} does not belong to {company.name}."]
    }
    assert accepted.is_valid(), accepted.errors


def test_related_choices_are_limited_to_the_viewers_companies(admin_membership, departments):
    request = RequestFactory().get("/admin/tenancy/membership/add/")
    request.user = admin_membership.user
    model_admin = admin.site.get_model_admin(Membership)

    field = model_admin.formfield_for_manytomany(
        Membership._meta.get_field("departments"), request
    )

    assert set(field.queryset) == {departments[0]}


def test_admin_only_models_follow_the_role_in_each_company(company, other_company):
    # Admin in one company, plain user in the other: keys and members of the first only,
    # departments of both, with a company column and filter listing just those two.
    person = MembershipFactory(company=company, role=Role.ADMIN).user
    MembershipFactory(company=other_company, role=Role.USER, user=person, is_default=False)
    ours, _ = api_key_issue(company=company, name="ours")
    api_key_issue(company=other_company, name="theirs")
    both = {DepartmentFactory(company=company), DepartmentFactory(company=other_company)}
    DepartmentFactory(company=CompanyFactory(name="Initech Bt."))
    client = login(person)

    assert changelist_rows(client.get("/admin/tenancy/apikey/")) == {ours}
    response = client.get("/admin/tenancy/department/")
    assert changelist_rows(response) == both
    assert "company" in response.context["cl"].list_display
    company_filter = response.context["cl"].filter_specs[0]
    titles = [title for _, title in company_filter.lookup_choices]
    assert titles == [company.name, other_company.name]


def test_single_company_member_adds_department_in_their_company(user_membership, other_company):
    client = login(user_membership)
    form = client.get("/admin/tenancy/department/add/").context["adminform"].form
    assert form.fields["company"].widget.is_hidden
    assert form.initial["company"] == user_membership.company_id

    refused = client.post(
        "/admin/tenancy/department/add/", {"company": other_company.pk, "name": "Ops", "email": ""}
    )
    assert refused.status_code == 200 and "company" in refused.context["adminform"].form.errors
    created = client.post(
        "/admin/tenancy/department/add/",
        {"company": user_membership.company_id, "name": "Ops", "email": ""},
    )
    assert created.status_code == 302
    assert list(Department.objects.values_list("company_id", "name")) == [
        (user_membership.company_id, "Ops")
    ]


def test_duplicate_name_with_read_only_company_is_a_form_error(user_membership):
    DepartmentFactory(company=user_membership.company, name="Sales")
    renamed = DepartmentFactory(company=user_membership.company, name="Support")

    response = login(user_membership).post(
        f"/admin/tenancy/department/{renamed.pk}/change/", {"name": "Sales", "email": ""}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    renamed.refresh_from_db()
    assert renamed.name == "Support"


# -- operators --------------------------------------------------------------------------------


def test_superuser_sees_every_company_with_a_company_filter(superuser, departments, other_company):
    client = login(superuser)

    response = client.get("/admin/tenancy/department/")
    assert changelist_rows(response) == set(departments)
    assert isinstance(response.context["cl"].filter_specs[0], CompanyListFilter)
    assert response.context["cl"].list_display[:3] == ["action_checkbox", "name", "company"]

    filtered = client.get(f"/admin/tenancy/department/?company={other_company.pk}")
    assert changelist_rows(filtered) == {departments[1]}


def test_users_admin_is_for_operators_only(superuser, admin_membership):
    assert login(superuser).get("/admin/auth/user/").status_code == 200
    assert login(admin_membership).get("/admin/auth/user/").status_code == 403
    user_page = f"/admin/auth/user/{superuser.pk}/change/"
    assert login(admin_membership).get(user_page).status_code == 403


def test_only_operators_add_memberships(superuser, admin_membership, company):
    newcomer = UserFactory()
    data = {"user": newcomer.pk, "company": company.pk, "role": Role.USER}

    assert login(admin_membership).post("/admin/tenancy/membership/add/", data).status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()

    response = login(superuser).post("/admin/tenancy/membership/add/", data)
    assert response.status_code == 302
    added = Membership.objects.get(user=newcomer)
    assert (added.company, added.role, added.is_default) == (company, Role.USER, True)


# -- memberships: the last admin --------------------------------------------------------------


def test_last_active_admin_cannot_be_demoted_or_deactivated(admin_membership):
    url = f"/admin/tenancy/membership/{admin_membership.pk}/change/"
    client = login(admin_membership)

    for data in (
        {"role": Role.USER, "is_active": "on"},
        {"role": Role.ADMIN, "is_active": ""},
    ):
        response = client.post(url, {**data, "phone": "", "departments": []})
        assert response.status_code == 200
        assert "last active admin" in str(response.context["adminform"].form.non_field_errors())
    admin_membership.refresh_from_db()
    assert (admin_membership.role, admin_membership.is_active) == (Role.ADMIN, True)


def test_an_admin_is_demoted_and_deactivated_when_another_remains(admin_membership, company):
    colleague = MembershipFactory(company=company, role=Role.ADMIN)
    url = f"/admin/tenancy/membership/{colleague.pk}/change/"

    response = login(admin_membership).post(
        url, {"role": Role.USER, "is_active": "", "phone": "", "departments": []}
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.role, colleague.is_active) == (Role.USER, False)
    assert colleague.deactivated_at is not None


# -- API keys ---------------------------------------------------------------------------------


def test_adding_an_api_key_shows_it_once_and_stores_only_the_hash(admin_membership):
    client = login(admin_membership)

    response = client.post(
        "/admin/tenancy/apikey/add/",
        {"company": admin_membership.company_id, "name": "Zapier", "role": Role.USER},
        follow=True,
    )

    assert response.redirect_chain == [("/admin/tenancy/apikey/", 302)]
    raw_keys = RAW_KEY.findall(response.content.decode())
    assert len(raw_keys) == 1
    raw = raw_keys[0]
    key = ApiKey.objects.get()
    assert (key.company, key.name, key.role) == (admin_membership.company, "Zapier", Role.USER)
    assert key.created_by == admin_membership
    assert key.hashed_key == hash_api_key(raw) and raw[3:11] == key.prefix
    # Never again: not on the list, not on the key's page; the hash is never shown.
    listing = client.get("/admin/tenancy/apikey/").content.decode()
    page = client.get(f"/admin/tenancy/apikey/{key.pk}/change/").content.decode()
    assert f"pk_{key.prefix}" in listing
    for html in (response.content.decode(), listing, page):
        assert key.hashed_key not in html
    for html in (listing, page):
        assert raw not in html and not RAW_KEY.search(html)


def test_an_active_key_name_cannot_be_reused(admin_membership):
    api_key_issue(company=admin_membership.company, name="Zapier")

    response = login(admin_membership).post(
        "/admin/tenancy/apikey/add/",
        {"company": admin_membership.company_id, "name": "Zapier", "role": Role.USER},
    )

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert ApiKey.objects.count() == 1


def test_revoke_action_revokes_own_keys_only(admin_membership, other_company):
    first, _ = api_key_issue(company=admin_membership.company, name="one")
    second, _ = api_key_issue(company=admin_membership.company, name="two")
    kept, _ = api_key_issue(company=admin_membership.company, name="kept")
    theirs, _ = api_key_issue(company=other_company, name="theirs")

    response = login(admin_membership).post(
        "/admin/tenancy/apikey/",
        {"action": "revoke_selected", "_selected_action": [first.pk, second.pk, theirs.pk]},
    )

    assert response.status_code == 302
    assert flashed(response) == ["Revoked 2 keys."]
    revoked = set(ApiKey.objects.filter(revoked_at__isnull=False))
    assert revoked == {first, second}
    theirs.refresh_from_db()
    kept.refresh_from_db()
    assert theirs.revoked_at is None and kept.revoked_at is None


# -- the company row --------------------------------------------------------------------------


def _company_form(company: Company, **overrides) -> dict:
    data = {
        "name": company.name,
        "tax_number": company.tax_number,
        "address": "",
        "city": "",
        "zip": "",
        "country": "",
        "bank_account": "",
        "iban": "",
        "default_currency": company.default_currency,
        "time_zone": company.time_zone,
        "locale": company.locale,
    }
    return {**data, **overrides}


def test_company_admin_edits_their_company_but_not_features_or_active(
    admin_membership, other_company
):
    company = admin_membership.company
    slug = company.slug
    client = login(admin_membership)

    assert changelist_rows(client.get("/admin/tenancy/company/")) == {company}
    response = client.post(
        f"/admin/tenancy/company/{company.pk}/change/",
        _company_form(
            company,
            name="Acme Renamed Kft.",
            slug="taken-over",
            features=[Feature.BILLINGO_SYNC],
            is_active="",
        ),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Acme Renamed Kft."
    assert (company.features, company.is_active, company.slug) == ([], True, slug)
    assert client.get(f"/admin/tenancy/company/{other_company.pk}/change/").url == "/admin/"
    assert client.get("/admin/tenancy/company/add/").status_code == 403


def test_operator_switches_features_with_checkboxes(superuser, company):
    response = login(superuser).post(
        f"/admin/tenancy/company/{company.pk}/change/",
        _company_form(
            company,
            slug=company.slug,
            features=[Feature.CRM_INTEGRATIONS, Feature.BILLINGO_SYNC],
            is_active="on",
        ),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.features == [Feature.BILLINGO_SYNC, Feature.CRM_INTEGRATIONS]


def test_operator_adds_a_company_through_the_service(superuser, monkeypatch):
    from tenancy import registry

    seeded = []
    monkeypatch.setattr(registry, "company_created", [lambda company: seeded.append(company)])

    response = login(superuser).post(
        "/admin/tenancy/company/add/",
        _company_form(
            Company(name="Initech Bt.", default_currency="HUF", time_zone="UTC", locale="en"),
            slug="initech",
            features=[Feature.CRM_INTEGRATIONS],
            is_active="on",
        ),
    )

    assert response.status_code == 302
    created = Company.objects.get(slug="initech")
    assert created.features == [Feature.CRM_INTEGRATIONS]
    assert seeded == [created]


@pytest.mark.parametrize("who", ["operator", "company admin"])
def test_every_tenancy_page_renders(who, superuser, admin_membership, departments):
    key, _ = api_key_issue(company=admin_membership.company, name="ours")
    client = login(superuser if who == "operator" else admin_membership)
    operator = who == "operator"
    pages = {
        "/admin/": 200,
        "/admin/tenancy/": 200,
        "/admin/tenancy/company/": 200,
        f"/admin/tenancy/company/{admin_membership.company_id}/change/": 200,
        "/admin/tenancy/company/add/": 200 if operator else 403,
        "/admin/tenancy/department/add/": 200,
        f"/admin/tenancy/department/{departments[0].pk}/change/": 200,
        "/admin/tenancy/membership/": 200,
        "/admin/tenancy/membership/add/": 200 if operator else 403,
        f"/admin/tenancy/membership/{admin_membership.pk}/change/": 200,
        "/admin/tenancy/apikey/add/": 200,
        f"/admin/tenancy/apikey/{key.pk}/change/": 200,
        f"/admin/tenancy/apikey/{key.pk}/history/": 200,
        "/admin/password_change/": 200,
    }

    statuses = {path: client.get(path).status_code for path in pages}

    assert statuses == pages


def test_is_staff_alone_does_not_open_the_admin(db):
    staff_user = UserFactory(username="dave", is_staff=True)

    response = login(staff_user).get("/admin/")

    assert response.status_code == 302 and response.url.startswith("/admin/login/")
