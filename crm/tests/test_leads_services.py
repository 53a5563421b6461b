"""crm.services.leads / notes / lookups without HTTP: the rules other callers (admin, tasks)
rely on too."""
from __future__ import annotations

import pytest

from core.exceptions import ValidationFailed
from crm.lookups import seed_crm_lookups
from crm.models import ActivityLog, LeadSource, LeadStatus, Note
from crm.services import leads as lead_services
from crm.services import lookups as lookup_services
from crm.services import notes as note_services
from crm.tests.factories import LeadFactory, LeadSourceFactory, NoteFactory
from tenancy.actors import Actor
from tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(company, other_company):
    seed_crm_lookups(company=company)
    seed_crm_lookups(company=other_company)
    return company


def test_create_refuses_another_companys_related_rows(seeded, other_company):
    foreign = {
        "status": LeadStatus.objects.for_company(other_company).first(),
        "source": LeadSource.objects.for_company(other_company).first(),
        "assigned_to": MembershipFactory(company=other_company),
    }

    with pytest.raises(ValidationFailed) as raised:
        lead_services.lead_create(company=seeded, name="A", **foreign)

    assert raised.value.details == {
        "status": ["Not a lead status of this company."],
        "source": ["Not a lead source of this company."],
        "assigned_to": ["Not an active staff member of this company."],
    }


def test_unknown_field_names_are_a_programming_error(seeded):
    with pytest.raises(TypeError, match="Unknown lead fields: phonenumber"):
        lead_services.lead_create(company=seeded, name="A", phonenumber="1")


def test_a_deactivated_assignee_stays_but_cannot_be_newly_assigned(seeded):
    keeper = MembershipFactory(company=seeded)
    lead = LeadFactory(
        company=seeded, status=LeadStatus.objects.for_company(seeded).first(), assigned_to=keeper
    )
    keeper.is_active = False
    keeper.save()
    other_lead = LeadFactory(company=seeded, status=lead.status)

    lead_services.lead_update(lead=lead, assigned_to=keeper, name="Renamed")  # unchanged: fine
    with pytest.raises(ValidationFailed) as raised:
        lead_services.lead_update(lead=other_lead, assigned_to=keeper)

    lead.refresh_from_db()
    assert (lead.name, lead.assigned_to) == ("Renamed", keeper)
    assert raised.value.details == {"assigned_to": ["Not an active staff member of this company."]}


def test_notes_by_the_system_have_no_author_and_log_system(company, admin_membership):
    from crm.tests.factories import CustomerFactory

    customer = CustomerFactory(company=company)
    by_system = note_services.note_create(
        company=company, rel_type="customer", rel_id=customer.pk, description="x"
    )
    by_staff = note_services.note_create(
        company=company, rel_type="customer", rel_id=customer.pk, description="y",
        by=Actor(membership=admin_membership),
    )

    assert (by_system.staff, by_staff.staff) == (None, admin_membership)
    names = ActivityLog.objects.filter(content_type__model="note").order_by("id")
    assert [log.actor_name for log in names] == ["system", admin_membership.user.get_full_name()]


def test_notes_delete_for_removes_only_that_records_notes(company, other_company):
    kept = [
        NoteFactory(company=company, rel_type="lead", rel_id=2),
        NoteFactory(company=company, rel_type="customer", rel_id=1),
        NoteFactory(company=other_company, rel_type="lead", rel_id=1),
    ]
    NoteFactory.create_batch(2, company=company, rel_type="lead", rel_id=1)

    deleted = note_services.notes_delete_for(company=company, rel_type="lead", rel_id=1)

    assert deleted == 2
    assert set(Note.objects.all()) == set(kept)


def test_lookup_usage_counts_each_kind(seeded):
    source = LeadSourceFactory(company=seeded)
    status = LeadStatus.objects.for_company(seeded).first()
    LeadFactory.create_batch(3, company=seeded, status=status, source=source)

    assert lookup_services.lookup_usage(lookup=source) == {"leads": 3}
    assert lookup_services.lookup_usage(lookup=LeadSourceFactory(company=seeded)) == {}


def test_lead_source_get_or_create_matches_any_case_and_trims(seeded):
    existing = LeadSource.objects.for_company(seeded).get(name="Website")

    assert lookup_services.lead_source_get_or_create(company=seeded, name=" WEBSITE ") == existing
    with pytest.raises(ValidationFailed):
        lookup_services.lead_source_get_or_create(company=seeded, name="   ")


@pytest.mark.parametrize("tags", [5, "vip", {"vip": True}])
def test_tags_that_are_not_a_list_are_refused(seeded, tags):
    with pytest.raises(ValidationFailed) as refused:
        lead_services.lead_create(company=seeded, name="A", tags=tags)
    assert refused.value.details == {"tags": ["Tags must be a list of strings."]}
