"""`POST /api/v1/leads/{id}/convert`: customer and primary contact in one transaction, once."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.exceptions import ConflictError, ValidationFailed
from crm.lookups import seed_crm_lookups
from crm.models import ActivityLog, Contact, Customer, Lead, LeadStatus
from crm.services import customers as customer_services
from crm.services import leads as lead_services
from crm.tests.factories import CustomerFactory, LeadFactory, LeadStatusFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(company):
    seed_crm_lookups(company=company)
    return company


def _status(company, name):
    return LeadStatus.objects.for_company(company).get(name=name)


@pytest.fixture
def lead(seeded, user_membership):
    return LeadFactory(
        company=seeded,
        name="John Ronald Doe",
        title="Buyer",
        company_name="ACME Corp",
        email="john@acme.example",
        phone="+36 1 234",
        website="https://acme.example",
        address="Fő utca 1.",
        city="Budapest",
        state="Pest",
        zip="1011",
        country="HU",
        status=_status(seeded, "Qualified"),
        assigned_to=user_membership,
        value=Decimal("900"),
    )


def test_convert_creates_customer_and_primary_contact_and_marks_the_lead(
    admin_client_api, lead, seeded, admin_membership, user_membership
):
    response = admin_client_api.post(f"/api/v1/leads/{lead.pk}/convert")

    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    contact = Contact.objects.get()
    lead.refresh_from_db()
    body = response.json()
    assert (body["customer_id"], body["contact_id"]) == (customer.pk, contact.pk)
    assert body["lead"]["id"] == lead.pk
    assert (body["lead"]["converted"], body["lead"]["customer_id"]) == (True, customer.pk)
    assert body["lead"]["status"] == _status(seeded, "Customer").pk
    assert body["lead"]["converted_at"] is not None

    assert (customer.company, customer.name, customer.email, customer.phone) == (
        seeded, "ACME Corp", "john@acme.example", "+36 1 234",
    )
    assert (customer.website, customer.address, customer.city, customer.state, customer.zip) == (
        "https://acme.example", "Fő utca 1.", "Budapest", "Pest", "1011",
    )
    assert (customer.country.code, customer.assigned_to) == ("HU", user_membership)
    assert (contact.customer, contact.first_name, contact.last_name, contact.email) == (
        customer, "John Ronald", "Doe", "john@acme.example",
    )
    assert (contact.is_primary, contact.phone, contact.title) == (True, "+36 1 234", "Buyer")
    assert (lead.converted_customer, lead.status.name) == (customer, "Customer")

    log = ActivityLog.objects.get(content_type__model="lead", object_id=lead.pk, action="converted")
    assert log.actor == admin_membership
    assert log.changes == {
        "customer_id": [None, customer.pk],
        "contact_id": [None, contact.pk],
        "status": ["Qualified", "Customer"],
    }
    assert log.description == "Converted to customer ACME Corp."


def test_converting_again_is_409_with_the_customer(key_client, lead):
    first = key_client.post(f"/api/v1/leads/{lead.pk}/convert")
    again = key_client.post(f"/api/v1/leads/{lead.pk}/convert")

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json() == {
        "detail": "This lead has already been converted.",
        "code": "already_converted",
        "customer_id": first.json()["customer_id"],
    }
    assert (Customer.objects.count(), Contact.objects.count()) == (1, 1)
    assert ActivityLog.objects.filter(action="converted").count() == 1


def test_a_lead_without_email_becomes_a_customer_without_contact(key_client, lead):
    Lead.objects.filter(pk=lead.pk).update(email="")

    response = key_client.post(f"/api/v1/leads/{lead.pk}/convert")

    assert response.status_code == 201
    assert response.json()["contact_id"] is None
    assert Customer.objects.get().email == ""
    assert not Contact.objects.exists()


def test_a_lead_without_company_name_gives_the_customer_its_own_name(key_client, lead):
    Lead.objects.filter(pk=lead.pk).update(company_name="", name="Madonna")

    response = key_client.post(f"/api/v1/leads/{lead.pk}/convert")

    assert response.status_code == 201
    assert Customer.objects.get().name == "Madonna"
    contact = Contact.objects.get()
    # A contact needs a last name: a one-word name gets a dash.
    assert (contact.first_name, contact.last_name) == ("Madonna", "-")


def test_without_a_won_status_the_lead_keeps_its_status(key_client, company):
    status = LeadStatusFactory(company=company, name="Open")
    lead = LeadFactory(company=company, status=status)

    response = key_client.post(f"/api/v1/leads/{lead.pk}/convert")

    assert response.status_code == 201
    lead.refresh_from_db()
    assert (lead.status, lead.is_converted) == (status, True)
    log = ActivityLog.objects.get(object_id=lead.pk, action="converted")
    assert "status" not in log.changes


def test_a_failure_after_the_customer_leaves_nothing_behind(key_client, lead, monkeypatch):
    def broken_contact(**kwargs):
        raise ValidationFailed(details={"email": ["Broken on purpose."]})

    monkeypatch.setattr(lead_services, "contact_create", broken_contact)

    response = key_client.post(f"/api/v1/leads/{lead.pk}/convert")

    assert response.status_code == 400
    assert not Customer.objects.exists()
    lead.refresh_from_db()
    assert (lead.converted_customer, lead.converted_at) == (None, None)
    assert lead.status.name == "Qualified"
    assert not ActivityLog.objects.filter(action="converted").exists()
    assert not ActivityLog.objects.filter(content_type__model="customer").exists()


def test_a_lead_stays_converted_when_its_customer_is_deleted(key_client, lead):
    first = key_client.post(f"/api/v1/leads/{lead.pk}/convert").json()
    Customer.objects.filter(pk=first["customer_id"]).delete()  # SET_NULL on the lead

    again = key_client.post(f"/api/v1/leads/{lead.pk}/convert")

    assert again.status_code == 409
    assert again.json()["customer_id"] is None
    assert key_client.get(f"/api/v1/leads/{lead.pk}").json()["converted"] is True
    assert Customer.objects.count() == 0


def test_the_service_refuses_another_companys_lead(lead, other_company):
    with pytest.raises(Lead.DoesNotExist):
        lead_services.lead_convert(company=other_company, lead=lead)
    assert not Customer.objects.exists()


def test_the_service_reads_the_lead_again_under_its_lock(lead, seeded):
    """A stale instance (converted meanwhile elsewhere) is still refused."""
    stale = Lead.objects.get(pk=lead.pk)
    customer = CustomerFactory(company=seeded)
    Lead.objects.filter(pk=lead.pk).update(
        converted_customer=customer, converted_at=timezone.now()
    )

    with pytest.raises(ConflictError) as raised:
        lead_services.lead_convert(company=seeded, lead=stale)

    assert raised.value.extra == {"customer_id": customer.pk}
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_conversions_create_one_customer(company, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises whole transactions)")
    seed_crm_lookups(company=company)
    lead = LeadFactory(company=company, status=_status(company, "New"))
    real_create = customer_services.customer_create

    def slow_create(**kwargs):
        # Widen the window: without the lead's row lock both threads get here.
        time.sleep(0.3)
        return real_create(**kwargs)

    monkeypatch.setattr(lead_services, "customer_create", slow_create)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def convert():
        try:
            barrier.wait()
            conversion = lead_services.lead_convert(company=company, lead=lead)
            outcomes.append(("ok", conversion.customer.pk))
        except ConflictError as exc:
            outcomes.append(("conflict", exc.extra["customer_id"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"]
    customer_ids = {customer_id for _, customer_id in outcomes}
    assert customer_ids == set(Customer.objects.values_list("pk", flat=True))
    assert len(customer_ids) == 1
