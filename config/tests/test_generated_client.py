"""A client generated from `/api/schema/` with openapi-python-client works, end to end.

What an integrator does: fetch the schema, generate a client (offline, from the file; no
formatter hooks), import it, and drive a live server with it over HTTP (httpx). The journey:
log in, create a customer with a contact, and convert a lead, in a company picked with the
`X-Company-ID` header, parsing every answer, errors included, into the generated models.

Later issues extend `test_the_journey` (or add journeys beside it) with their own resources;
`test_every_module_imports` already covers every operation the schema documents.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import pkgutil
import sys

import httpx
import pytest
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from api.dialects.crm.exceptions import crm_error_body
from api.dialects.problems import Problem
from conftest import PASSWORD
from crm.lookups import seed_crm_lookups
from crm.models import Contact, Customer, Lead
from tenancy.roles import Role
from tenancy.tests.factories import CompanyFactory, MembershipFactory

PACKAGE = "ledgerdesk_client"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

# The live server's thread answers from the database: the test's rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def schema(live_server) -> bytes:
    response = httpx.get(f"{live_server.url}/api/schema/", params={"format": "json"}, timeout=60)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def client_package(schema, tmp_path):
    """The generated package, importable as `ledgerdesk_client` for the test's duration."""
    schema_file = tmp_path / "schema.json"
    schema_file.write_bytes(schema)
    config = Config.from_sources(
        # No post hooks: formatting the output (ruff) is not needed to import it.
        ConfigFile(post_hooks=[]),
        MetaType.NONE,
        schema_file,
        "utf-8",
        overwrite=True,
        output_path=tmp_path / PACKAGE,
    )
    errors = generate(config=config)
    # A warning is an error too: the generator skips an operation or a model it cannot read.
    assert [f"{error.header}: {error.detail}" for error in errors] == []
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def _operation_ids(schema_document: dict) -> set[str]:
    return {
        operation["operationId"]
        for item in schema_document["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_every_module_imports(client_package, schema):
    modules = {}
    for module in pkgutil.walk_packages(client_package.__path__, f"{PACKAGE}."):
        modules[module.name] = importlib.import_module(module.name)

    operations = {
        name.rpartition(".")[2]: module
        for name, module in modules.items()
        if name.startswith(f"{PACKAGE}.api.") and hasattr(module, "sync_detailed")
    }
    # One module per documented operation: none was skipped by the generator.
    assert set(operations) == _operation_ids(json.loads(schema))
    for name, module in operations.items():
        for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            assert callable(getattr(module, function)), (name, function)
        parameters = inspect.signature(module.sync_detailed).parameters
        # Row ids in paths are integers, whatever the path variable is called.
        for parameter in parameters.values():
            if parameter.name == "id" or parameter.name.endswith("_pk"):
                assert parameter.annotation is int, (name, parameter.name)
        # Every operation but logging in takes the company header (crm paths would not).
        assert ("x_company_id" in parameters) == (not name.startswith("auth_")), name
    # Every dialect's error shape has a model, crm's too before any crm operation exists.
    for error_model in ("v1_error", "v2_error", "crm_error"):
        assert f"{PACKAGE}.models.{error_model}" in modules


def test_the_journey(client_package, live_server, company, other_company):
    from ledgerdesk_client import AuthenticatedClient, Client
    from ledgerdesk_client.api.auth import auth_login_create, auth_refresh_create
    from ledgerdesk_client.api.v1 import (
        v1_contacts_create,
        v1_customers_contacts_list,
        v1_customers_create,
        v1_customers_retrieve,
        v1_leads_convert_create,
        v1_leads_create,
    )
    from ledgerdesk_client.api.v2 import v2_customers_retrieve
    from ledgerdesk_client.models import (
        LoginRequest,
        RefreshRequest,
        TokenPair,
        V1AlreadyConverted,
        V1Contact,
        V1ContactRequest,
        V1Customer,
        V1CustomerRequest,
        V1Error,
        V1Lead,
        V1LeadConversion,
        V1LeadRequest,
        V2CustomersRetrieveResponse200,
    )

    # Ádám works for two companies; Acme is his default, the journey happens at Globex.
    membership = MembershipFactory(
        company=company, role=Role.ADMIN, user__username="adam", is_default=True
    )
    MembershipFactory(
        company=other_company, role=Role.ADMIN, user=membership.user, is_default=False
    )
    seed_crm_lookups(company=other_company)
    globex = other_company.pk

    anonymous = Client(base_url=live_server.url, raise_on_unexpected_status=True)
    refused = auth_login_create.sync_detailed(
        client=anonymous, body=LoginRequest(username="adam", password="wrong")
    )
    assert refused.status_code == 401 and isinstance(refused.parsed, V1Error)

    tokens = auth_login_create.sync(
        client=anonymous, body=LoginRequest(username="adam", password=PASSWORD)
    )
    assert isinstance(tokens, TokenPair)
    refreshed = auth_refresh_create.sync(
        client=anonymous, body=RefreshRequest(refresh=tokens.refresh)
    )
    assert refreshed.access

    api = AuthenticatedClient(
        base_url=live_server.url, token=refreshed.access, raise_on_unexpected_status=True
    )

    # A customer with a contact.
    created = v1_customers_create.sync_detailed(
        client=api,
        x_company_id=globex,
        body=V1CustomerRequest(company="Kovács és Társa Bt.", city="Budapest", country="HU"),
    )
    assert created.status_code == 201
    customer = created.parsed
    assert isinstance(customer, V1Customer) and customer.contacts_count == 0
    assert Customer.objects.get(pk=customer.id).company_id == globex

    contact = v1_contacts_create.sync(
        client=api,
        x_company_id=globex,
        body=V1ContactRequest(
            userid=customer.id,
            firstname="Éva",
            lastname="Kovács",
            email="eva@kovacs.example",
            is_primary=True,
        ),
    )
    assert isinstance(contact, V1Contact) and contact.userid == customer.id
    contacts = v1_customers_contacts_list.sync(id=customer.id, client=api, x_company_id=globex)
    assert [row.id for row in contacts.results] == [contact.id]
    assert (
        v1_customers_retrieve.sync(id=customer.id, client=api, x_company_id=globex).contacts_count
        == 1
    )

    # Without the header the default company answers: Globex's customer is not there.
    elsewhere = v1_customers_retrieve.sync_detailed(id=customer.id, client=api)
    assert elsewhere.status_code == 404
    assert isinstance(elsewhere.parsed, V1Error) and elsewhere.parsed.code == "not_found"
    # A company the user is not a member of is refused, in the error model too.
    stranger = CompanyFactory().pk
    foreign = v1_customers_retrieve.sync_detailed(id=customer.id, client=api, x_company_id=stranger)
    assert foreign.status_code == 403 and isinstance(foreign.parsed, V1Error)

    # A lead, its status given by name (the body's id-or-name union), converted.
    lead = v1_leads_create.sync(
        client=api,
        x_company_id=globex,
        body=V1LeadRequest(
            name="Péter Nagy", company="Nagy Kft.", email="peter@nagy.example", status="Contacted"
        ),
    )
    assert isinstance(lead, V1Lead) and lead.converted is False and isinstance(lead.status, int)
    converted = v1_leads_convert_create.sync_detailed(id=lead.id, client=api, x_company_id=globex)
    assert converted.status_code == 201
    conversion = converted.parsed
    assert isinstance(conversion, V1LeadConversion)
    assert (
        conversion.lead.converted is True and conversion.lead.customer_id == conversion.customer_id
    )
    assert Lead.objects.get(pk=lead.id).converted_customer_id == conversion.customer_id
    assert Contact.objects.get(pk=conversion.contact_id).customer_id == conversion.customer_id

    again = v1_leads_convert_create.sync_detailed(id=lead.id, client=api, x_company_id=globex)
    assert again.status_code == 409
    assert isinstance(again.parsed, V1AlreadyConverted)
    assert again.parsed.customer_id == conversion.customer_id

    # The converted customer read through the other dialect, in its envelope.
    read = v2_customers_retrieve.sync(id=conversion.customer_id, client=api, x_company_id=globex)
    assert isinstance(read, V2CustomersRetrieveResponse200) and read.success is True
    assert read.data.account == "Nagy Kft."


def test_the_crm_error_model_reads_a_crm_error_body(client_package):
    """No crm operation is mounted yet; its error component still parses what crm answers."""
    from ledgerdesk_client.models import CrmError

    problem = Problem(400, "invalid", "Validation failed.", {"email": ["Enter a valid email."]})
    body = crm_error_body(problem)

    parsed = CrmError.from_dict(body)

    assert parsed.success is False
    assert parsed.error.code == "VALIDATION_ERROR"
    assert parsed.error.details.to_dict() == {"email": ["Enter a valid email."]}
    assert parsed.error.timestamp.utcoffset() == datetime.timedelta(0)
    assert parsed.error.request_id == body["error"]["request_id"]
