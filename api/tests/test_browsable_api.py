"""DRF's browsable API for a staff member logged into the admin (v1 and v2): the company the
pages use, CSRF on writes, and the same JSON for clients that ask for JSON."""
from __future__ import annotations

import pytest
from django.test import Client

from crm.models import Customer
from crm.tests.factories import CustomerFactory
from tenancy.locale import SESSION_COMPANY_KEY
from tenancy.tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = {"v1": "/api/v1/customers", "v2": "/api/v2/customers"}


def _logged_in(membership, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(membership.user)
    return client


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_a_logged_in_member_browses_the_api_in_html(dialect, admin_membership):
    CustomerFactory(company=admin_membership.company, name="Initech <Bt.>")

    response = _logged_in(admin_membership).get(LISTS[dialect], HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Initech &lt;Bt.&gt;" in html  # the JSON, escaped, inside DRF's page
    assert "cdn." not in html and "googleapis" not in html


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_a_client_asking_for_json_gets_the_dialect_json(dialect, admin_membership, jwt_client_for):
    CustomerFactory(company=admin_membership.company)

    by_session = _logged_in(admin_membership).get(LISTS[dialect], HTTP_ACCEPT="application/json")
    by_token = jwt_client_for(admin_membership).get(LISTS[dialect])

    assert by_session.status_code == 200
    assert by_session["Content-Type"] == "application/json"
    assert by_session.json() == by_token.json()


def test_a_write_without_the_csrf_token_is_refused(admin_membership):
    client = _logged_in(admin_membership, enforce_csrf_checks=True)

    response = client.post(
        LISTS["v1"], {"company": "Sneaky Kft."}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Customer.objects.filter(company=admin_membership.company).exists()


def test_the_session_sees_only_the_company_in_use(admin_membership):
    theirs = CompanyFactory()
    MembershipFactory(company=theirs, user=admin_membership.user)
    CustomerFactory(company=admin_membership.company, name="Ours Kft.")
    CustomerFactory(company=theirs, name="Theirs Kft.")
    client = _logged_in(admin_membership)

    names = [row["company"] for row in client.get(LISTS["v1"]).json()["results"]]
    session = client.session
    session[SESSION_COMPANY_KEY] = theirs.pk
    session.save()
    chosen = [row["company"] for row in client.get(LISTS["v1"]).json()["results"]]

    assert (names, chosen) == (["Ours Kft."], ["Theirs Kft."])


def test_an_operator_without_a_company_is_not_authenticated():
    operator = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)

    response = client.get(LISTS["v1"], HTTP_ACCEPT="application/json")

    assert response.status_code == 401
