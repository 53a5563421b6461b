import pytest


@pytest.mark.django_db
def test_countries_with_api_key_and_jwt(key_client, admin_client_api):
    for client in (key_client, admin_client_api):
        response = client.get("/api/v1/countries")
        assert response.status_code == 200, response.content
        codes = {row["code"] for row in response.json()}
        assert {"HU", "DE", "US"} <= codes and len(codes) >= 249
        assert response["X-RateLimit-Limit"] == "1000"
        assert response["X-Request-ID"]


@pytest.mark.django_db
def test_missing_credentials_is_401_in_v1_shape(anon_client):
    response = anon_client.get("/api/v1/countries/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
