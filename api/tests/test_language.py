"""API messages follow the company's language; the thread's language is left as it was."""
from __future__ import annotations

import pytest
from django.utils import translation

from tenancy.tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("locale", "required"), [("hu", "Ennek a mezőnek a megadása kötelező."), ("en", "This field is required.")]
)
def test_validation_messages_speak_the_company_language(locale, required, jwt_client_for):
    membership = MembershipFactory(company=CompanyFactory(locale=locale))
    client = jwt_client_for(membership)

    with translation.override("en"):
        response = client.post(
            "/api/v1/customers", {"vat": "1"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        after = translation.get_language()

    assert response.status_code == 400
    assert response.json()["errors"]["company"] == [required]
    assert response["Content-Language"] == locale
    assert after == "en"


def test_before_authentication_the_browser_decides(anon_client):
    response = anon_client.get("/api/v1/customers", HTTP_ACCEPT_LANGUAGE="hu")

    assert response.status_code == 401
    assert response["Content-Language"] == "hu"
