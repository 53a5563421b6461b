"""A new company gets the default CRM lookups, whichever way it is created."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from crm.lookups import DEFAULT_CONTRACT_TYPES, DEFAULT_LEAD_SOURCES, DEFAULT_LEAD_STATUSES
from crm.models import ContractType, LeadSource, LeadStatus
from tenancy.models import Company
from tenancy.services import company_create

pytestmark = pytest.mark.django_db


def _lookups(company):
    return (
        list(LeadStatus.objects.for_company(company).values_list("name", flat=True)),
        list(LeadSource.objects.for_company(company).values_list("name", flat=True)),
        sorted(ContractType.objects.for_company(company).values_list("name", flat=True)),
    )


def test_company_create_seeds_the_default_lookups_of_that_company_only():
    first = company_create(name="First Kft.")
    second = company_create(name="Second Kft.")

    for company in (first, second):
        statuses, sources, types = _lookups(company)
        assert statuses == [name for name, _color, _won in DEFAULT_LEAD_STATUSES]
        assert sources == list(DEFAULT_LEAD_SOURCES)
        assert types == sorted(DEFAULT_CONTRACT_TYPES)
        assert LeadStatus.objects.for_company(company).filter(is_won=True).count() == 1
    assert LeadStatus.objects.count() == 2 * len(DEFAULT_LEAD_STATUSES)


def test_the_create_company_command_seeds_them_too():
    call_command(
        "create_company", "Third Kft.", "--admin", "third-admin", "--password", "a-Strong-pass-42"
    )

    company = Company.objects.get(name="Third Kft.")
    assert _lookups(company)[0] == [name for name, _color, _won in DEFAULT_LEAD_STATUSES]
