"""Every response the API sends matches the OpenAPI schema that describes it (Schemathesis).

A schema that builds without warnings can still describe responses wrongly: a null where it
says string, a blank value outside a format or an enum, a status it does not list. For each
operation, Schemathesis generates requests from the schema (query strings, and JSON bodies
for the writes in WRITE_OPERATIONS), sends them to the WSGI application with an admin API key
of a seeded company, and checks every response against the schema: no 5xx, a documented
status and content type, documented headers, and a body that validates.

Path ids, and the ids a body refers to (`client`, `userid`, `status`, ...), are always rows
that exist, so detail endpoints answer 200 with a real body and writes mostly succeed; what
is left to chance is everything else. Examples are derandomized, so a run is reproducible; to
explore, raise SCHEMA_EXAMPLES (per operation) and set SCHEMA_RANDOM=1 for fresh examples.
"""
from __future__ import annotations

import datetime
import json
import os
import re
from functools import cache

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PASSWORD
from crm.lookups import seed_crm_lookups
from crm.models import ContractType, LeadSource, LeadStatus
from crm.services.contracts import contract_renew, contract_sign
from crm.services.leads import lead_convert, lead_create, lead_update
from crm.tests.factories import (
    ContactFactory,
    ContractAttachmentFactory,
    ContractCommentFactory,
    ContractFactory,
    CustomerFactory,
    NoteFactory,
)
from jobs.tests.factories import JobFactory
from tenancy.actors import Actor
from tenancy.tests.factories import DepartmentFactory, MembershipFactory

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "5"))
# Writes draw more: each body has more to get wrong than a query string.
WRITE_EXAMPLES = int(os.environ.get("SCHEMA_WRITE_EXAMPLES", str(EXAMPLES * 2)))

# Writes whose generated bodies are sent. Each runs inside the test's transaction, so what it
# creates or changes is rolled back with it; Celery is eager (the health check runs inline).
WRITE_OPERATIONS = {
    "POST /api/auth/login/",
    "POST /api/auth/refresh/",
    "POST /api/v1/contacts",
    "PUT /api/v1/contacts/{id}",
    "POST /api/v1/contract-types",
    "PUT /api/v1/contract-types/{id}",
    "POST /api/v1/contracts",
    "PUT /api/v1/contracts/{id}",
    "POST /api/v1/contracts/{id}/renew",
    "POST /api/v1/contracts/{id}/sign",
    "POST /api/v1/contracts/{contract_pk}/comments",
    "PUT /api/v1/contracts/{contract_pk}/comments/{id}",
    "POST /api/v1/customers",
    "PUT /api/v1/customers/{id}",
    "POST /api/v1/departments",
    "PUT /api/v1/departments/{id}",
    "POST /api/v1/jobs/health-check",
    "POST /api/v1/lead-sources",
    "PUT /api/v1/lead-sources/{id}",
    "POST /api/v1/lead-statuses",
    "PUT /api/v1/lead-statuses/{id}",
    "POST /api/v1/leads",
    "PUT /api/v1/leads/{id}",
    "POST /api/v1/leads/{id}/convert",
    "POST /api/v1/notes",
    "PUT /api/v1/notes/{id}",
    "POST /api/v1/staff",
    "PUT /api/v1/staff/{id}",
    "POST /api/v1/staff/{id}/activate",
    "POST /api/v1/staff/{id}/change-password",
    "POST /api/v1/staff/{id}/deactivate",
    "POST /api/v2/batch/customers",
    "POST /api/v2/customers",
    "PUT /api/v2/customers/{id}",
    "POST /api/v2/leads",
    "POST /api/v2/users",
}
_DELETE = "deletes a seeded row the other examples read; each resource's own tests cover it"
# Operations not sent, and why. Every operation that is neither a GET nor in WRITE_OPERATIONS
# must be listed here (test_every_operation_is_classified): a new endpoint is a decision.
SKIPPED_OPERATIONS: dict[str, str] = {
    "POST /api/v1/contracts/{contract_pk}/attachments": "a multipart upload of a real file",
    **{
        f"DELETE {path}": _DELETE
        for path in (
            "/api/v1/contacts/{id}",
            "/api/v1/contract-types/{id}",
            "/api/v1/contracts/{contract_pk}/attachments/{id}",
            "/api/v1/contracts/{contract_pk}/comments/{id}",
            "/api/v1/contracts/{id}",
            "/api/v1/customers/{id}",
            "/api/v1/departments/{id}",
            "/api/v1/lead-sources/{id}",
            "/api/v1/lead-statuses/{id}",
            "/api/v1/leads/{id}",
            "/api/v1/notes/{id}",
            "/api/v1/staff/{id}",
            "/api/v2/customers/{id}",
        )
    },
}


@cache
def _openapi() -> dict:
    """The schema the app serves at /api/schema/ (the same generator, no HTTP round trip)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


@cache
def _schema():
    """What Schemathesis generates from: the served schema, with request bodies sent as JSON
    only (DRF also parses forms, where null and nested lists have no spelling)."""
    raw = json.loads(json.dumps(_openapi()))
    for item in raw["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in [name for name in content if name != "application/json"]:
                del content[media_type]
    return schemathesis.openapi.from_dict(raw)


def _labels() -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, item in _openapi()["paths"].items()
        for method in item
        if method == "get" or f"{method.upper()} {path}" in WRITE_OPERATIONS
    ]


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, without closing the test's connection around each request.

    request_started and request_finished call close_old_connections, which closes a connection
    inside an atomic block: on PostgreSQL the next call would run outside the test's data.
    Django's test client disconnects the same receiver.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(company, admin_membership):
    """One company with a little of everything, some rows full and some with every optional
    field empty (null and blank values are where schemas lie). Returns {path segment: id}."""
    seed_crm_lookups(company=company)
    admin = Actor(membership=admin_membership)
    customer = CustomerFactory(company=company, assigned_to=admin_membership, vat="HU1234")
    CustomerFactory(company=company, email="", phone="", city="", country="")
    contact = ContactFactory(customer=customer, company=company, is_primary=True)
    lead = lead_create(
        company=company,
        by=admin,
        name="Ada Lovelace",
        email="ada@prospect.example",
        source=LeadSource.objects.for_company(company).first(),
        assigned_to=admin_membership,
        tags=["vip"],
    )
    lead_update(lead=lead, by=admin, status=LeadStatus.objects.for_company(company).last())
    lead_convert(company=company, lead=lead_create(company=company, name="Grace"), by=admin)
    contract = ContractFactory(company=company, customer=customer)
    contract_sign(contract=contract, by=admin)
    contract_renew(contract=contract, date_end=datetime.date(2027, 12, 31), by=admin)
    unsigned = ContractFactory(
        company=company, customer=customer, contract_type=None, date_end=None
    )
    # A user made by an operator without --email, and a deactivated member.
    MembershipFactory(
        company=company, user__email="", user__first_name="", user__last_name="", is_active=False
    )
    return {
        "unsigned-contract": unsigned.pk,
        "member": MembershipFactory(company=company).pk,
        "customers": customer.pk,
        "contacts": contact.pk,
        "leads": lead.pk,
        "contracts": contract.pk,
        "comments": ContractCommentFactory(contract=contract, company=company).pk,
        "attachments": ContractAttachmentFactory(contract=contract, company=company).pk,
        "notes": NoteFactory(company=company, rel_id=customer.pk).pk,
        "contract-types": ContractType.objects.for_company(company).first().pk,
        "lead-sources": LeadSource.objects.for_company(company).first().pk,
        "lead-statuses": LeadStatus.objects.for_company(company).first().pk,
        "departments": DepartmentFactory(company=company).pk,
        "jobs": JobFactory(company=company).pk,
        "staff": admin_membership.pk,
        "users": admin_membership.pk,
    }


# Actions whose first call changes the seeded row for good get a row they can act on: the
# signed contract would only ever answer 409, and so would the company's last admin.
ACTION_TARGETS = {
    "POST /api/v1/contracts/{id}/sign": "unsigned-contract",
    "POST /api/v1/staff/{id}/deactivate": "member",
}


def _path_ids(label: str, ids: dict[str, int]) -> dict[str, int]:
    """`/api/v1/contracts/{contract_pk}/comments/{id}` -> {contract_pk: contract, id: comment}."""
    path = label.split(" ", 1)[1]
    found = {}
    for segment, name in re.findall(r"([\w-]+)/\{(\w+)\}", path):
        if segment not in ids:
            pytest.fail(f"{label}: seed a row for {segment!r} in seeded() so {{{name}}} exists")
        found[name] = ids[segment]
    if label in ACTION_TARGETS:
        found["id"] = ids[ACTION_TARGETS[label]]
    return found


@pytest.fixture
def body_references(seeded, admin_membership) -> dict[str, object]:
    """Body fields that name another row, a credential or an ISO code: a generated value would
    almost never exist, and the write would stop at a 400 before its answer is worth checking."""
    return {
        "userid": seeded["customers"],
        "client": seeded["customers"],
        "assigned": seeded["staff"],
        "status": seeded["lead-statuses"],
        "source": seeded["lead-sources"],
        "contract_type": seeded["contract-types"],
        "departments": [seeded["departments"]],
        "rel_type": "customer",
        "rel_id": seeded["customers"],
        "country": "HU",
        "shipping_country": "AT",
        "default_currency": "EUR",
        "username": admin_membership.user.username,
        "password": PASSWORD,  # also a password the validators accept
        "refresh": str(RefreshToken.for_user(admin_membership.user)),
    }


def _refer_to_rows(body, references: dict[str, object]):
    if isinstance(body, list):
        return [_refer_to_rows(item, references) for item in body]
    if not isinstance(body, dict):
        return body
    return {
        key: (
            references[key]
            if key in references and value is not None
            else _refer_to_rows(value, references)
        )
        for key, value in body.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("label", _labels())
def test_responses_match_the_schema(label, seeded, body_references, key_client, wsgi_app):
    method, path = label.split(" ", 1)
    operation = _schema()[path][method]
    path_ids = _path_ids(label, seeded)
    headers = {"X-API-KEY": key_client.raw_key}
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=EXAMPLES if method == "GET" else WRITE_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("SCHEMA_RANDOM"),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        case.path_parameters = {**(case.path_parameters or {}), **path_ids}
        if case.headers:  # the API key authenticates; a generated bearer token is noise
            case.headers = {k: v for k, v in case.headers.items() if k.lower() != "authorization"}
        if isinstance(case.body, (dict, list)):
            case.body = _refer_to_rows(case.body, body_references)
        response = case.call_and_validate(app=wsgi_app, headers=headers, checks=CHECKS)
        statuses.append(response.status_code)

    check()
    # Only a success shows the resource's own body: an operation that answered nothing but
    # errors checked the error shape alone (a broken seed or path id would look green).
    assert any(200 <= status < 300 for status in statuses), statuses


def test_every_operation_is_classified():
    operations = {
        f"{method.upper()} {path}" for path, item in _openapi()["paths"].items() for method in item
    }
    writes = {label for label in operations if not label.startswith("GET ")}
    unclassified = writes - WRITE_OPERATIONS - set(SKIPPED_OPERATIONS)
    assert unclassified == set(), "add each to WRITE_OPERATIONS or SKIPPED_OPERATIONS (why)"
    assert (WRITE_OPERATIONS | set(SKIPPED_OPERATIONS)) - operations == set(), "gone from schema"
    assert WRITE_OPERATIONS & set(SKIPPED_OPERATIONS) == set()
