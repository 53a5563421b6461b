"""Page sizes: a whole number from 1, capped at the dialect's maximum; anything else is a 400."""
from __future__ import annotations

import pytest

from tenancy.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, param", [("/api/v1/departments", "page_size"), ("/api/v2/users", "limit")]
)
@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "²"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(key_client, path, param, value):
    response = key_client.get(path, {param: value})

    assert response.status_code == 400
    body = response.json()
    errors = body["errors"]
    assert list(errors) == [param]


def test_a_page_size_above_the_maximum_is_capped(key_client, company):
    for number in range(105):
        DepartmentFactory(company=company, name=f"Team {number}")

    response = key_client.get("/api/v1/departments", {"page_size": "100000000000"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100
