"""The CRM in the admin: members see and change only their companies' rows, choices stay in the
row's company, every write goes through the services (so the activity log records it, with
the changed fields), and what a service refuses is an admin message, never a 500."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.models import (
    ActivityLog,
    Contact,
    Contract,
    ContractComment,
    ContractType,
    Customer,
    Lead,
    LeadSource,
    Note,
)
from crm.services.contacts import EMAIL_TAKEN_MESSAGE, PRIMARY_DELETE_MESSAGE
from crm.services.contracts import ENDS_BEFORE_START_MESSAGE, NEGATIVE_VALUE_MESSAGE
from crm.services.customers import CUSTOMER_FIELDS
from crm.tests.factories import (
    ContactFactory,
    ContractAttachmentFactory,
    ContractCommentFactory,
    ContractFactory,
    ContractRenewalFactory,
    ContractTypeFactory,
    CustomerFactory,
    LeadFactory,
    LeadSourceFactory,
    LeadStatusFactory,
    NoteFactory,
)
from tenancy.admin import TenantInlineFormSet, TenantModelForm
from tenancy.roles import Role
from tenancy.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(membership_or_user) -> Client:
    client = Client()
    client.force_login(getattr(membership_or_user, "user", membership_or_user))
    return client


def changelist_rows(response) -> set:
    assert response.status_code == 200, response.content[:500]
    return set(response.context["cl"].result_list)


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def log_of(obj) -> list[ActivityLog]:
    """The object's activity log, oldest first."""
    return list(
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).order_by("created_at", "id")
    )


def _add(data: dict, form) -> None:
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [str(item) for item in value]
        else:
            data[key] = "" if value is None else str(value)


def page_data(response, **changes) -> dict:
    """What the page's forms would post unchanged (inline forms and management forms
    included), with `changes` applied; a change of None removes the key (an unticked box)."""
    assert response.status_code == 200, response.content[:500]
    data: dict = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.initial_forms:
            _add(data, form)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def ours(user_membership):
    """A customer with two contacts, a lead and a contract of bob's company."""
    company = user_membership.company
    customer = CustomerFactory(company=company, name="Initech Bt.", city="Budapest")
    primary = ContactFactory(customer=customer, email="anna@initech.example", is_primary=True)
    second = ContactFactory(customer=customer, email="bela@initech.example")
    return {
        "customer": customer,
        "primary": primary,
        "second": second,
        "lead": LeadFactory(company=company, name="Péter Kiss"),
        "contract": ContractFactory(company=company, customer=customer),
    }


@pytest.fixture
def theirs(other_company):
    customer = CustomerFactory(company=other_company, name="Hooli Inc.")
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer, is_primary=True),
        "lead": LeadFactory(company=other_company, name="Gavin Belson"),
        "contract": ContractFactory(company=other_company, customer=customer),
        "status": LeadStatusFactory(company=other_company, name="Theirs"),
    }


# -- whose rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, key",
    [
        ("customer", "customer"),
        ("lead", "lead"),
        ("contract", "contract"),
        ("contact", None),
    ],
)
def test_member_sees_only_their_companys_rows(path, key, user_membership, ours, theirs):
    rows = changelist_rows(login(user_membership).get(f"/admin/crm/{path}/"))

    expected = {ours[key]} if key else {ours["primary"], ours["second"]}
    assert rows == expected


@pytest.mark.parametrize("path, key", [("customer", "customer"), ("lead", "lead"),
                                       ("contract", "contract")])
def test_another_companys_row_cannot_be_opened_changed_or_deleted(
    path, key, user_membership, theirs
):
    row = theirs[key]
    before = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    client = login(user_membership)
    url = f"/admin/crm/{path}/{row.pk}/"

    for response in (
        client.get(url + "change/"),
        client.post(url + "change/", {"name": "Hijacked", "subject": "Hijacked"}),
        client.post(url + "delete/", {"post": "yes"}),
    ):
        assert response.status_code == 302 and response.url == "/admin/"
    row.refresh_from_db()
    assert {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields} == before
    assert ActivityLog.objects.count() == 0


def test_bulk_delete_skips_another_companys_rows(user_membership, ours, theirs):
    lonely = CustomerFactory(company=user_membership.company, name="Lonely Kft.")

    response = login(user_membership).post(
        "/admin/crm/customer/",
        {"action": "delete_selected", "post": "yes",
         "_selected_action": [lonely.pk, theirs["customer"].pk]},
    )

    assert response.status_code == 302
    assert flashed(response) == ["Deleted 1 customer."]
    assert not Customer.objects.filter(pk=lonely.pk).exists()
    assert Customer.objects.filter(pk=theirs["customer"].pk).exists()
    assert [(entry.action, entry.object_repr) for entry in ActivityLog.objects.all()] == [
        ("deleted", "Lonely Kft.")
    ]


# -- choices stay in the row's company --------------------------------------------------------


def test_lead_choices_are_the_companys_and_another_companys_status_is_refused(
    user_membership, theirs
):
    company = user_membership.company
    status = LeadStatusFactory(company=company, name="New")
    source = LeadSourceFactory(company=company, name="Website")
    client = login(user_membership)

    form = client.get("/admin/crm/lead/add/").context["adminform"].form
    assert set(form.fields["status"].queryset) == {status}
    assert set(form.fields["source"].queryset) == {source}
    assert set(form.fields["assigned_to"].queryset) == {user_membership}

    response = client.post(
        "/admin/crm/lead/add/",
        {"company": company.pk, "name": "Eve", "status": theirs["status"].pk, "value": "0",
         "tags": "[]"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Lead.objects.filter(name="Eve").exists()


def test_member_of_two_companies_cannot_mix_them_on_one_lead(company, other_company):
    person = MembershipFactory(company=company, role=Role.USER).user
    MembershipFactory(company=other_company, role=Role.USER, user=person, is_default=False)
    foreign = LeadStatusFactory(company=other_company, name="Foreign")
    LeadStatusFactory(company=company, name="Ours")

    response = login(person).post(
        "/admin/crm/lead/add/",
        {"company": company.pk, "name": "Eve", "status": foreign.pk, "value": "0", "tags": "[]"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        f"Foreign does not belong to {company.name}."
    ]
    assert Lead.objects.count() == 0


def test_a_note_on_another_companys_customer_is_refused(user_membership, theirs):
    response = login(user_membership).post(
        "/admin/crm/note/add/",
        {"company": user_membership.company_id, "rel_type": "customer",
         "rel_id": theirs["customer"].pk, "description": "Snooping"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rel_id"] == [
        f"No customer with id {theirs['customer'].pk}."
    ]
    assert Note.objects.count() == 0


def test_tenant_inline_rows_take_the_parents_company_before_validation(ours, theirs):
    # The base every tenant inline uses (tenancy.admin_site.TenantInlineFormSet), seen with
    # crm's models: a new row's choices are the parent's company's, so another company's
    # object is refused on the form.
    customer = ours["customer"]
    own_type, foreign_type = ours["contract"].contract_type, theirs["contract"].contract_type
    formset_class = forms.inlineformset_factory(
        Customer, Contract, form=TenantModelForm, formset=TenantInlineFormSet,
        fields=("subject", "contract_type", "date_start"), extra=1,
    )
    data = {"contracts-TOTAL_FORMS": "1", "contracts-INITIAL_FORMS": "0",
            "contracts-0-subject": "Inline", "contracts-0-date_start": "2026-03-01"}

    unbound = formset_class(instance=customer, queryset=Contract.objects.none())
    refused = formset_class(
        {**data, "contracts-0-contract_type": str(foreign_type.pk)},
        instance=customer, queryset=Contract.objects.none(),
    )
    accepted = formset_class(
        {**data, "contracts-0-contract_type": str(own_type.pk)},
        instance=customer, queryset=Contract.objects.none(),
    )

    [new_row] = unbound.extra_forms
    assert new_row.instance.company_id == customer.company_id
    assert set(new_row.fields["contract_type"].queryset) == {own_type}
    assert refused.is_valid() is False
    assert refused.forms[0].errors == {"contract_type": [
        "Select a valid choice. That choice is not one of the available choices."
    ]}
    assert accepted.is_valid() is True
    assert accepted.forms[0].instance.company_id == customer.company_id


# -- every write is logged, through the services ----------------------------------------------


def test_adding_a_customer_with_a_contact_logs_both(user_membership):
    client = login(user_membership)
    data = page_data(
        client.get("/admin/crm/customer/add/"),
        name="Globex Kft.", email="billing@globex.example", city="Szeged", country="HU",
        **{"contacts-TOTAL_FORMS": "1", "contacts-0-first_name": "Hank",
           "contacts-0-last_name": "Scorpio", "contacts-0-email": "hank@globex.example",
           "contacts-0-is_active": "on"},
    )

    response = client.post("/admin/crm/customer/add/", data)

    assert response.status_code == 302, response.context and response.context["errors"]
    customer = Customer.objects.get(name="Globex Kft.")
    assert customer.company == user_membership.company
    [created] = log_of(customer)
    assert (created.action, created.actor, created.actor_name) == (
        "created", user_membership, user_membership.user.get_full_name()
    )
    assert set(created.changes) == set(CUSTOMER_FIELDS)
    assert (created.changes["name"], created.changes["city"], created.changes["country"]) == (
        "Globex Kft.", "Szeged", "HU"
    )
    contact = customer.contacts.get()
    # The service's rule: the first contact becomes the primary one.
    assert (contact.email, contact.is_primary, contact.company_id) == (
        "hank@globex.example", True, customer.company_id
    )
    assert [(entry.action, entry.actor) for entry in log_of(contact)] == [
        ("created", user_membership)
    ]


def test_inline_contacts_take_the_company_chosen_for_the_customer(company, other_company):
    person = MembershipFactory(company=company, role=Role.USER).user
    theirs_too = MembershipFactory(
        company=other_company, role=Role.USER, user=person, is_default=False
    )
    client = login(person)
    data = page_data(
        client.get("/admin/crm/customer/add/"),
        company=str(other_company.pk), name="Second Home Kft.",
        **{"contacts-TOTAL_FORMS": "1", "contacts-0-first_name": "Zoe",
           "contacts-0-last_name": "Two", "contacts-0-email": "zoe@two.example"},
    )

    response = client.post("/admin/crm/customer/add/", data)

    assert response.status_code == 302
    customer = Customer.objects.get(name="Second Home Kft.")
    contact = customer.contacts.get()
    assert (customer.company, contact.company) == (other_company, other_company)
    assert {entry.actor for entry in [*log_of(customer), *log_of(contact)]} == {theirs_too}


def test_changing_a_customer_logs_the_changed_fields_only(user_membership, ours):
    customer = ours["customer"]
    client = login(user_membership)
    url = f"/admin/crm/customer/{customer.pk}/change/"

    response = client.post(url, page_data(client.get(url), name="Initech Zrt.", city="Győr"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.city) == ("Initech Zrt.", "Győr")
    [updated] = log_of(customer)
    assert (updated.action, updated.actor) == ("updated", user_membership)
    assert updated.changes == {
        "name": ["Initech Bt.", "Initech Zrt."], "city": ["Budapest", "Győr"]
    }
    # Saving again without a change writes no log entry.
    assert client.post(url, page_data(client.get(url))).status_code == 302
    assert len(log_of(customer)) == 1


def test_a_lead_status_change_is_logged_as_such(user_membership):
    company = user_membership.company
    new, won = LeadStatusFactory(company=company, name="New"), LeadStatusFactory(
        company=company, name="Won"
    )
    lead = LeadFactory(company=company, status=new, value=Decimal("100.00"))
    client = login(user_membership)
    url = f"/admin/crm/lead/{lead.pk}/change/"

    response = client.post(url, page_data(client.get(url), status=str(won.pk), value="250.00"))

    assert response.status_code == 302
    assert [(entry.action, entry.changes) for entry in log_of(lead)] == [
        ("updated", {"value": ["100.00", "250.00"]}),
        ("status_changed", {"status": ["New", "Won"]}),
    ]


def test_inline_contact_made_primary_takes_the_flag_over(user_membership, ours):
    customer, primary, second = ours["customer"], ours["primary"], ours["second"]
    client = login(user_membership)
    url = f"/admin/crm/customer/{customer.pk}/change/"
    data = page_data(client.get(url))
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(second.pk))
    data[index.replace("-id", "-is_primary")] = "on"

    response = client.post(url, data)

    assert response.status_code == 302
    primary.refresh_from_db()
    second.refresh_from_db()
    assert (primary.is_primary, second.is_primary) == (False, True)
    assert [entry.changes for entry in log_of(second)] == [{"is_primary": [False, True]}]


def test_duplicate_contact_email_is_a_field_error(user_membership, ours):
    response = login(user_membership).post(
        "/admin/crm/contact/add/",
        {"company": user_membership.company_id, "customer": ours["customer"].pk,
         "first_name": "Anna", "last_name": "Again", "email": "ANNA@initech.example",
         "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [EMAIL_TAKEN_MESSAGE]
    assert ours["customer"].contacts.count() == 2


def test_contract_dates_are_checked_on_the_field(user_membership, ours):
    client = login(user_membership)
    data = page_data(
        client.get("/admin/crm/contract/add/"),
        company=str(user_membership.company_id), customer=str(ours["customer"].pk),
        subject="Backwards", date_start="2026-05-01", date_end="2026-04-01", value="10.00",
    )

    response = client.post("/admin/crm/contract/add/", data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    # The service's rule, said on the field, with what was typed kept.
    assert form.errors == {"date_end": [ENDS_BEFORE_START_MESSAGE]}
    assert (form["subject"].value(), form["date_end"].value()) == ("Backwards", "2026-04-01")
    assert not Contract.objects.filter(subject="Backwards").exists()


def test_a_service_rule_the_form_cannot_see_is_shown_on_its_field(user_membership, ours):
    contract = ours["contract"]
    client = login(user_membership)
    url = f"/admin/crm/contract/{contract.pk}/change/"
    data = page_data(client.get(url), subject="Renamed", value="-5.00")

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"value": [NEGATIVE_VALUE_MESSAGE]}
    assert form["subject"].value() == "Renamed"
    contract.refresh_from_db()
    assert contract.subject != "Renamed"
    assert ActivityLog.objects.filter(action="updated").count() == 0


def test_lookups_are_written_through_the_services(user_membership):
    client = login(user_membership)

    response = client.post(
        "/admin/crm/contracttype/add/", {"company": user_membership.company_id, "name": "SLA"}
    )
    duplicate = client.post(
        "/admin/crm/contracttype/add/", {"company": user_membership.company_id, "name": "sla"}
    )

    assert response.status_code == 302
    contract_type = ContractType.objects.get()
    assert [(entry.action, entry.changes) for entry in log_of(contract_type)] == [
        ("created", {"name": "SLA"})
    ]
    assert duplicate.status_code == 200
    assert duplicate.context["adminform"].form.errors  # the per-company, any-case name
    assert ContractType.objects.count() == 1


def test_convert_action_converts_through_the_service(user_membership):
    company = user_membership.company
    LeadStatusFactory(company=company, name="Customer", is_won=True)
    lead = LeadFactory(company=company, name="Ada Lovelace", company_name="Engines Ltd",
                       email="ada@engines.example")
    client = login(user_membership)
    data = {"action": "convert_selected", "_selected_action": [lead.pk]}

    first = client.post("/admin/crm/lead/", data)
    client.get("/admin/crm/lead/")  # shows, and so consumes, the first message
    second = client.post("/admin/crm/lead/", data)

    lead.refresh_from_db()
    customer = lead.converted_customer
    assert (customer.name, customer.contacts.get().email) == ("Engines Ltd", "ada@engines.example")
    assert flashed(first) == ["Converted 1 lead."]
    assert flashed(second) == [
        "Ada Lovelace was not converted: This lead has already been converted."
    ]
    assert Customer.objects.count() == 1


def test_an_operator_without_membership_acts_as_the_system(company):
    operator = UserFactory(is_superuser=True)

    response = login(operator).post(
        "/admin/crm/leadsource/add/", {"company": company.pk, "name": "Fair", "order": "0"}
    )

    assert response.status_code == 302
    [created] = log_of(LeadSource.objects.get(company=company))
    assert (created.actor, created.actor_name, created.company) == (None, "system", company)


# -- what a service refuses is a message, not a 500 --------------------------------------------


def test_deleting_the_primary_contact_is_refused_with_a_message(user_membership, ours):
    primary = ours["primary"]
    client = login(user_membership)

    response = client.post(f"/admin/crm/contact/{primary.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert response.url == f"/admin/crm/contact/{primary.pk}/change/"
    assert flashed(response) == [PRIMARY_DELETE_MESSAGE]
    assert Contact.objects.filter(pk=primary.pk).exists()
    assert ActivityLog.objects.count() == 0
    assert LogEntry.objects.count() == 0  # the history entry went with the rolled-back delete


def test_bulk_delete_deletes_what_it_may_and_reports_the_rest(user_membership, ours):
    primary, second = ours["primary"], ours["second"]
    client = login(user_membership)
    selected = {"action": "delete_selected", "_selected_action": [primary.pk, second.pk]}

    confirmation = client.post("/admin/crm/contact/", selected)
    assert confirmation.status_code == 200  # Django's "are you sure?" page, nothing deleted yet
    assert set(confirmation.context["queryset"]) == {primary, second}
    assert Contact.objects.count() == 2
    response = client.post("/admin/crm/contact/", {**selected, "post": "yes"})

    assert response.status_code == 302
    assert flashed(response) == [
        "Deleted 1 contact.",
        f"{primary} was not deleted: {PRIMARY_DELETE_MESSAGE}",
    ]
    assert list(Contact.objects.all()) == [primary]
    assert [entry.action for entry in log_of(second)] == ["deleted"]
    assert [entry.object_id for entry in LogEntry.objects.all()] == [str(second.pk)]


def test_unticking_the_primary_flag_is_refused_and_nothing_is_saved(user_membership, ours):
    customer, primary = ours["customer"], ours["primary"]
    client = login(user_membership)
    url = f"/admin/crm/customer/{customer.pk}/change/"
    data = page_data(client.get(url), name="Renamed Kft.")
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(primary.pk))
    data.pop(index.replace("-id", "-is_primary"))

    response = client.post(url, data)

    # The page again, as typed, with the service's refusal on the contact's own row.
    assert response.status_code == 200
    assert response.context["adminform"].form["name"].value() == "Renamed Kft."
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    refused = next(form for form in formset.forms if form.instance.pk == primary.pk)
    assert refused.prefix == index.removesuffix("-id")
    assert refused.errors == {
        "is_primary": [
            "A customer keeps one primary contact: make another contact primary instead."
        ]
    }
    customer.refresh_from_db()
    primary.refresh_from_db()
    assert (customer.name, primary.is_primary) == ("Initech Bt.", True)
    assert ActivityLog.objects.count() == 0  # the customer's rename was rolled back too


def test_deleting_the_primary_contact_inline_is_said_on_the_page(user_membership, ours):
    customer, primary = ours["customer"], ours["primary"]
    client = login(user_membership)
    url = f"/admin/crm/customer/{customer.pk}/change/"
    data = page_data(client.get(url), name="Renamed Kft.")
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(primary.pk))
    data[index.replace("-id", "-DELETE")] = "on"

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [f"{primary}: {PRIMARY_DELETE_MESSAGE}"]
    assert Contact.objects.filter(pk=primary.pk).exists()
    customer.refresh_from_db()
    assert customer.name == "Initech Bt."


def test_a_customer_with_contracts_is_not_deleted(user_membership, ours):
    customer = ours["customer"]

    response = login(user_membership).post(
        f"/admin/crm/customer/{customer.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 200  # Django's "cannot delete" page, listing the contract
    [protected] = response.context["protected"]
    assert protected.startswith("Contract: <a href=") and str(ours["contract"]) in protected
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert ActivityLog.objects.count() == 0


def test_a_customer_without_contracts_is_deleted_with_its_contacts(user_membership, ours):
    ours["contract"].delete()
    customer = ours["customer"]

    response = login(user_membership).post(
        f"/admin/crm/customer/{customer.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Customer.objects.exists() and not Contact.objects.exists()
    [deleted] = log_of(customer)
    assert (deleted.action, deleted.actor, deleted.description) == (
        "deleted", user_membership, "Deleted with 2 contacts."
    )


def test_a_signed_contracts_terms_are_read_only(user_membership, ours):
    contract = ours["contract"]
    Contract.objects.filter(pk=contract.pk).update(
        signed_at=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC), signer_name="Anna"
    )
    ContractRenewalFactory(contract=contract)
    ContractAttachmentFactory(contract=contract)
    client = login(user_membership)
    url = f"/admin/crm/contract/{contract.pk}/change/"

    page = client.get(url)
    response = client.post(url, page_data(page, description="Still editable"))

    assert set(page.context["adminform"].form.fields) == {"description"}
    renewals, attachments = (inline.formset for inline in page.context["inline_admin_formsets"])
    assert (len(renewals.forms), len(attachments.forms)) == (1, 1)
    assert not any(inline.has_add_permission for inline in page.context["inline_admin_formsets"])
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.description == "Still editable"
    assert [entry.changes for entry in log_of(contract)] == [
        {"description": ["", "Still editable"]}
    ]


# -- the activity log is read-only ------------------------------------------------------------


def test_activity_log_is_read_only_and_scoped(user_membership, ours, theirs):
    client = login(user_membership)
    client.post(
        "/admin/crm/leadsource/add/",
        {"company": user_membership.company_id, "name": "Fair", "order": "3"},
    )
    entry = ActivityLog.objects.get()
    ActivityLog.objects.create(
        company=theirs["customer"].company, action="created", object_id=1, object_repr="x",
        content_type=ContentType.objects.get_for_model(Customer),
    )
    url = f"/admin/crm/activitylog/{entry.pk}/"

    assert changelist_rows(client.get("/admin/crm/activitylog/")) == {entry}
    page = client.get(url + "change/")
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert "&quot;name&quot;: &quot;Fair&quot;" in page.content.decode()
    assert client.get("/admin/crm/activitylog/add/").status_code == 403
    assert client.post(url + "change/", {"action": "deleted"}).status_code == 403
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "created"


# -- lists ------------------------------------------------------------------------------------


def test_lead_list_columns_and_filters_offer_the_companys_values(user_membership, theirs):
    company = user_membership.company
    for name in ("Qualified", "Contacted"):
        LeadFactory(company=company, status=LeadStatusFactory(company=company, name=name))
    LeadStatusFactory(company=company, name="Unused")

    response = login(user_membership).get("/admin/crm/lead/")

    assert response.context["cl"].list_display == [
        "action_checkbox", "name", "company_name", "status", "source", "assigned", "value",
        "converted", "created_at",
    ]
    status_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "status"
    )
    # Only the statuses the member's leads use: not the unused one, not the neighbour's.
    assert sorted(label for _pk, label in status_filter.lookup_choices) == [
        "Contacted", "Qualified"
    ]


@pytest.mark.parametrize(
    "path, make",
    [
        ("customer", lambda company, n: CustomerFactory.create_batch(
            n, company=company, assigned_to=MembershipFactory(company=company))),
        ("lead", lambda company, n: LeadFactory.create_batch(
            n, company=company, source=LeadSourceFactory(company=company),
            assigned_to=MembershipFactory(company=company))),
        ("contract", lambda company, n: ContractFactory.create_batch(n, company=company)),
        ("contact", lambda company, n: ContactFactory.create_batch(
            n, customer=CustomerFactory(company=company))),
        ("contractcomment", lambda company, n: ContractCommentFactory.create_batch(
            n, contract=ContractFactory(company=company),
            staff=MembershipFactory(company=company))),
        ("note", lambda company, n: NoteFactory.create_batch(
            n, company=company, staff=MembershipFactory(company=company))),
    ],
)
def test_changelist_queries_do_not_grow_with_rows(path, make, user_membership):
    company = user_membership.company
    client = login(user_membership)
    url = f"/admin/crm/{path}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    make(company, 2)
    few = queries()
    make(company, 6)
    assert queries() == few


@pytest.mark.parametrize("who", ["member", "operator"])
def test_every_crm_admin_page_renders(who, user_membership, ours):
    company = user_membership.company
    status, source = ours["lead"].status, LeadSourceFactory(company=company)
    contract_type = ContractTypeFactory(company=company)
    comment = ContractCommentFactory(contract=ours["contract"])
    note = NoteFactory(company=company)
    client = login(UserFactory(is_superuser=True) if who == "operator" else user_membership)
    rows = {
        "customer": ours["customer"], "contact": ours["primary"], "lead": ours["lead"],
        "leadstatus": status, "leadsource": source, "contracttype": contract_type,
        "contract": ours["contract"], "contractcomment": comment, "note": note,
    }
    pages = ["/admin/crm/", "/admin/crm/activitylog/"]
    for path, row in rows.items():
        pages += [f"/admin/crm/{path}/", f"/admin/crm/{path}/add/",
                  f"/admin/crm/{path}/{row.pk}/change/", f"/admin/crm/{path}/{row.pk}/delete/"]
    pages.append(
        "/admin/autocomplete/?app_label=crm&model_name=contact&field_name=customer&term=Ini"
    )

    statuses = {page: client.get(page).status_code for page in pages}

    assert statuses == dict.fromkeys(pages, 200)
    assert LeadSource.objects.count() == 1


def test_contract_comments_are_written_through_the_services(user_membership, ours):
    contract = ours["contract"]
    client = login(user_membership)
    add_url = "/admin/crm/contractcomment/add/"

    form = page_data(client.get(add_url), contract=contract.pk, content="First")
    added = client.post(add_url, form)

    assert added.status_code == 302, added.content[:500]
    comment = ContractComment.objects.get(contract=contract)
    assert (comment.content, comment.staff) == ("First", user_membership)
    change_url = f"/admin/crm/contractcomment/{comment.pk}/change/"
    changed = client.post(change_url, page_data(client.get(change_url), content="Second"))
    assert changed.status_code == 302
    comment.refresh_from_db()
    assert comment.content == "Second"
    deleted = client.post(f"/admin/crm/contractcomment/{comment.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not ContractComment.objects.filter(pk=comment.pk).exists()
    assert [log.action for log in log_of(comment)] == ["created", "updated", "deleted"]
