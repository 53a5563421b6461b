"""One way to send each request: a parameter once (several values comma-separated), a JSON body
(multipart only where a file is uploaded). What the schema declares is all that is read."""
from __future__ import annotations

import pytest

from crm.models import Customer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v2/customers"])
@pytest.mark.parametrize(
    "query, name",
    [("ordering=company&ordering=-id", "ordering"), ("active=true&active=false", "active")],
)
def test_a_repeated_single_valued_parameter_is_a_400_naming_it(user_client_api, path, query, name):
    response = user_client_api.get(f"{path}?{query}")

    assert response.status_code == 400, response.content
    assert name in response.content.decode()


def test_several_orderings_go_comma_separated_in_one_parameter(user_client_api):
    response = user_client_api.get("/api/v1/customers?ordering=company,-id")

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v2/customers"])
def test_a_form_body_is_refused_as_unsupported_not_half_read(user_client_api, path):
    response = user_client_api.post(path, {"company": "Acme"}, format="multipart")

    assert response.status_code == 415
    assert not Customer.objects.exists()
