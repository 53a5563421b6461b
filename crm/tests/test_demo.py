"""The CRM demo data: enough to click through, written through the services, made once."""
from __future__ import annotations

import pytest

from crm.demo import DEMO_CUSTOMERS, DEMO_LEADS, seed_demo_crm
from crm.models import ActivityLog, Contract, Customer, Lead, Note

pytestmark = pytest.mark.django_db


def test_demo_crm_data_is_made_once_through_the_services(company, admin_membership):
    seed_demo_crm(company=company, admin=admin_membership)
    seed_demo_crm(company=company, admin=admin_membership)

    customers = Customer.objects.for_company(company)
    # The converted lead brought its own customer.
    assert customers.count() == len(DEMO_CUSTOMERS) + 1
    assert Lead.objects.for_company(company).count() == len(DEMO_LEADS)
    assert Lead.objects.for_company(company).filter(converted_at__isnull=False).count() == 1
    contracts = Contract.objects.for_company(company)
    assert contracts.count() == 2 and contracts.filter(signed_at__isnull=False).count() == 1
    assert Note.objects.for_company(company).filter(rel_type="customer").count() == 1
    assert all(customer.contacts.filter(is_primary=True).count() == 1 for customer in customers)
    created = ActivityLog.objects.for_company(company).filter(action="created")
    assert created.filter(actor=admin_membership).count() == created.count() > 0
