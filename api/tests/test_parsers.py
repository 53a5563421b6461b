import pytest


@pytest.mark.django_db
def test_a_body_nested_too_deeply_is_a_400_not_a_500(key_client):
    body = "[" * 5000 + "]" * 5000
    response = key_client.post("/api/v1/departments", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
