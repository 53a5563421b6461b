"""The tenancy rule, checked on every route rather than remembered.

1. Every API route is served by a company-scoped viewset, or is listed below with the reason.
2. Every tenant route, called with a second company's credentials and the first company's
   object ids, answers 404 and changes nothing; lists never show the first company's rows.
Later issues get this for free: a new route is walked as soon as it is mounted (a model needs a
factory in `<app>/tests/factories.py`, found automatically).
"""
from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict

from api.authentication import ApiKeyAuthentication
from api.viewsets import TenantViewSet
from tenancy.features import Feature

from .factory_registry import factories_by_model
from .routes import iter_routes

# Routes that are not tenant-scoped, each with the reason. Keyed by view class name.
NOT_TENANT_SCOPED = {
    "LoginView": "exchanges a password for tokens: there is no company before it",
    "RefreshView": "exchanges a refresh token; the membership is checked, no company data",
    "SchemaView": "the OpenAPI schema describes routes, holds no company data",
    "SpectacularSwaggerView": "interactive docs page for the schema",
    "SpectacularRedocView": "ReDoc page for the schema",
    "CountryViewSet": "ISO 3166 countries are the same for every company (authenticated)",
    "StaffRoleViewSet": "the role catalogue is the same for every company (authenticated)",
}


def _api_routes():
    return [route for route in iter_routes() if route.template.startswith("api/")]


def _tenant_routes():
    return [
        route
        for route in _api_routes()
        if route.view_class is not None and issubclass(route.view_class, TenantViewSet)
    ]


def test_every_api_route_is_tenant_scoped_or_listed_with_a_reason():
    unlisted = []
    for route in _api_routes():
        view_class = route.view_class
        assert view_class is not None, f"{route.template} is not a class-based view"
        if issubclass(view_class, TenantViewSet):
            continue
        if view_class.__name__ not in NOT_TENANT_SCOPED:
            unlisted.append(f"{route.template} ({view_class.__name__})")
    assert not unlisted, "API routes neither tenant-scoped nor listed with a reason: " + ", ".join(
        unlisted
    )


def test_the_walker_finds_the_platform_routes():
    templates = {route.template for route in _tenant_routes()}
    assert "api/v1/staff/{pk}" in templates
    assert len(templates) >= 5


def _walks():
    """(route, credential) for every credential kind the route's dialect accepts."""
    walks = []
    for route in _tenant_routes():
        kinds = ["jwt"]
        if ApiKeyAuthentication in route.view_class.authentication_classes:
            kinds.append("api_key")
        walks += [pytest.param(route, kind, id=f"{route.template}[{kind}]") for kind in kinds]
    return walks


def _client(kind, company, jwt_client_for, key_client_for, membership):
    return key_client_for(company) if kind == "api_key" else jwt_client_for(membership)


def _values(route, obj, company):
    values = {}
    for name in route.kwargs:
        if name == "organization_id":
            values[name] = str(company.uuid)
        elif name.endswith("_pk") and name != "pk":
            # A nested route's parent (`customers/{customer_pk}/contracts`): the object's own.
            values[name] = getattr(obj, name[: -len("_pk")] + "_id")
        else:
            lookup_field = getattr(route.view_class, "lookup_field", "pk")
            values[name] = getattr(obj, lookup_field if lookup_field != "pk" else "pk")
    return values


def _snapshot(obj):
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    assert fresh is not None, f"{type(obj).__name__} {obj.pk} was deleted"
    return {**model_to_dict(fresh), "updated_at": getattr(fresh, "updated_at", None)}


@pytest.fixture
def neighbours(company, other_company, other_admin_membership):
    for each in (company, other_company):
        each.features = list(Feature.values)
        each.save()
    return other_admin_membership


@pytest.mark.django_db
@pytest.mark.parametrize("route, credential", _walks())
def test_another_companys_object_is_not_found_and_unchanged(
    route, credential, company, other_company, neighbours, jwt_client_for, key_client_for
):
    model = route.view_class.queryset.model
    factory = factories_by_model().get(model)
    assert factory is not None, f"add a factory for {model.__name__} in its app's tests/factories.py"
    obj = factory(company=company)
    client = _client(credential, other_company, jwt_client_for, key_client_for, neighbours)
    url = route.url(**_values(route, obj, other_company))
    detail = any(name != "organization_id" for name in route.kwargs)
    before = _snapshot(obj)

    for method, action in route.actions.items():
        if not detail and method != "get":
            continue  # creating in one's own company is allowed; lists are checked below
        response = getattr(client, method)(url, data={}, format="json")
        if detail:
            assert response.status_code == 404, (
                f"{method.upper()} {url} ({action}) with another company's id answered "
                f"{response.status_code}: {response.content[:300]!r}"
            )
        else:
            assert response.status_code == 200, (method, url, response.content[:300])
            assert not _mentions_id(response.json(), obj.pk), (
                f"GET {url} lists another company's {model.__name__} {obj.pk}"
            )
        assert _snapshot(obj) == before, f"{method.upper()} {url} changed another company's row"


def _mentions_id(payload, pk) -> bool:
    if isinstance(payload, dict):
        if payload.get("id") == pk:
            return True
        return any(_mentions_id(value, pk) for value in payload.values())
    if isinstance(payload, list):
        return any(_mentions_id(item, pk) for item in payload)
    return False


def test_walker_itself_notices_a_leak():
    """The walker's own check can fail: an unscoped payload that mentions the id is caught."""
    assert _mentions_id({"results": [{"id": 7, "name": "x"}]}, 7)
    assert _mentions_id({"success": True, "data": {"items": [{"id": 7}]}}, 7)
    assert not _mentions_id(json.loads('{"results": [{"id": 8}]}'), 7)
