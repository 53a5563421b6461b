"""The pages speak the company's language and show its time zone; the API keeps UTC."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.test import Client

from crm.activity import activity_record
from crm.models import ActivityLog, Customer
from crm.tests.factories import CustomerFactory
from tenancy.locale import SESSION_COMPANY_KEY
from tenancy.roles import Role

from .factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Django's own admin string "Log out", in each language: who chose the language shows here.
LOG_OUT = {"en": "Log out", "hu": "Kijelentkezés"}


def _member_client(*, locale: str, time_zone: str = "Europe/Budapest", **headers) -> Client:
    company = CompanyFactory(locale=locale, time_zone=time_zone)
    membership = MembershipFactory(company=company, role=Role.ADMIN)
    client = Client(**headers)
    client.force_login(membership.user)
    client.company = company
    return client


def test_a_hungarian_company_gets_hungarian_pages_whatever_the_browser_says():
    client = _member_client(locale="hu", HTTP_ACCEPT_LANGUAGE="en")

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response["Content-Language"] == "hu"
    assert LOG_OUT["hu"] in response.content.decode()


def test_an_english_company_gets_english_pages_in_a_hungarian_browser():
    client = _member_client(locale="en", HTTP_ACCEPT_LANGUAGE="hu")

    response = client.get("/admin/")

    assert response["Content-Language"] == "en"
    assert LOG_OUT["en"] in response.content.decode()


def test_without_a_company_the_browser_decides():
    response = Client(HTTP_ACCEPT_LANGUAGE="hu").get("/admin/login/")

    assert response["Content-Language"] == "hu"


def test_the_company_chosen_in_the_session_decides():
    english = CompanyFactory(locale="en")
    hungarian = CompanyFactory(locale="hu")
    membership = MembershipFactory(company=english, is_default=True)
    MembershipFactory(company=hungarian, user=membership.user)
    client = Client()
    client.force_login(membership.user)
    assert client.get("/admin/")["Content-Language"] == "en"

    session = client.session
    session[SESSION_COMPANY_KEY] = hungarian.pk
    session.save()

    assert client.get("/admin/")["Content-Language"] == "hu"


def test_a_session_company_the_user_left_falls_back_to_the_default():
    client = _member_client(locale="hu")
    session = client.session
    session[SESSION_COMPANY_KEY] = CompanyFactory(locale="en").pk
    session.save()

    assert client.get("/admin/")["Content-Language"] == "hu"


def test_times_show_in_the_company_zone_with_the_zone_named():
    client = _member_client(locale="hu", time_zone="Europe/Budapest")
    entry = activity_record(
        company=client.company, obj=CustomerFactory(company=client.company), action="created"
    )
    ActivityLog.objects.filter(pk=entry.pk).update(
        created_at=datetime(2026, 12, 5, 21, 22, tzinfo=timezone.utc)
    )

    html = client.get("/admin/crm/activitylog/").content.decode()

    assert "22:22 CET" in html
    assert "21:22" not in html


def test_the_api_keeps_utc_for_a_company_elsewhere(jwt_client_for):
    company = CompanyFactory(locale="hu", time_zone="America/New_York")
    membership = MembershipFactory(company=company)
    customer = CustomerFactory(company=company)
    Customer.objects.filter(pk=customer.pk).update(
        created_at=datetime(2026, 12, 5, 21, 22, tzinfo=timezone.utc)
    )

    body = jwt_client_for(membership).get(f"/api/v1/customers/{customer.pk}").json()

    assert body["created_at"] in ("2026-12-05T21:22:00Z", "2026-12-05T21:22:00.000000Z")
