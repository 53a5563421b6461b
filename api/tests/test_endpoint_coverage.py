"""`manage.py endpoint_coverage`: documented endpoints against the URL conf."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.management.commands.endpoint_coverage import (
    SAMPLE_INT,
    SAMPLE_UUID,
    Endpoint,
    candidate_paths,
    check_endpoint,
    parse_endpoints,
)

SAMPLE = """\
# Every endpoint the seed documents describe, one per line: METHOD PATH  [seed document]
# Path parameters are in braces.

## api-v1-reference.md (X-API-KEY or JWT)
GET /api/v1/countries  [api-v1-reference.md]
POST /api/v1/countries  [api-v1-reference.md]
GET /api/v1/no-such-thing/{id}  [api-v1-reference.md]

## billingo-sync-api.md
POST /api/auth/login/  [billingo-sync-api.md]
GET /api/auth/login/
DELETE /api/services/CRM/Invoice/DeleteInvoice?id={id}  [services-crm-invoice-api.md]
"""


def run(tmp_path, *args) -> str:
    source = tmp_path / "ENDPOINTS.txt"
    source.write_text(SAMPLE, encoding="utf-8")
    out = StringIO()
    call_command("endpoint_coverage", str(source), *args, stdout=out)
    return out.getvalue()


def test_parse_skips_comments_and_headings_and_falls_back_to_the_section():
    assert parse_endpoints(SAMPLE) == [
        Endpoint("GET", "/api/v1/countries", "api-v1-reference.md"),
        Endpoint("POST", "/api/v1/countries", "api-v1-reference.md"),
        Endpoint("GET", "/api/v1/no-such-thing/{id}", "api-v1-reference.md"),
        Endpoint("POST", "/api/auth/login/", "billingo-sync-api.md"),
        Endpoint("GET", "/api/auth/login/", "billingo-sync-api.md"),
        Endpoint(
            "DELETE",
            "/api/services/CRM/Invoice/DeleteInvoice?id={id}",
            "services-crm-invoice-api.md",
        ),
    ]


def test_placeholders_are_filled_per_segment_and_the_query_is_dropped():
    assert candidate_paths("/api/services/CRM/Invoice/GetInvoiceInfo?id={id}") == [
        "/api/services/CRM/Invoice/GetInvoiceInfo"
    ]
    assert candidate_paths("/api/v1/crm/{organization_id}/connections/{connection_id}")[0] == (
        f"/api/v1/crm/{SAMPLE_UUID}/connections/{SAMPLE_UUID}"
    )
    assert candidate_paths("/api/v1/customers/{id}") == [
        f"/api/v1/customers/{SAMPLE_INT}",
        f"/api/v1/customers/{SAMPLE_UUID}",
    ]
    assert len(candidate_paths("/a/{organization_id}/b/{id}/c/{deal_id}")) == 8


def test_viewset_routes_are_judged_by_their_actions():
    served = check_endpoint(Endpoint("GET", "/api/v1/countries", "v1"))
    assert served.served and served.view == "api.lookups.CountryViewSet"
    assert check_endpoint(Endpoint("GET", "/api/v1/countries/", "v1")).served
    refused = check_endpoint(Endpoint("POST", "/api/v1/countries", "v1"))
    assert not refused.served
    assert refused.reason == "route maps GET"
    made_up = check_endpoint(Endpoint("GET", "/api/v1/no-such-thing/{id}", "v1"))
    assert (made_up.served, made_up.view, made_up.reason) == (
        False, "", "no route matches the path",
    )


def test_api_views_are_judged_by_their_handlers():
    assert check_endpoint(Endpoint("POST", "/api/auth/login/", "billingo")).served
    refused = check_endpoint(Endpoint("GET", "/api/auth/login/", "billingo"))
    assert not refused.served
    assert refused.reason == "LoginView has no GET handler"


def test_human_report_lists_each_endpoint_and_the_totals(tmp_path):
    output = run(tmp_path)
    assert "served   GET    /api/v1/countries" in output
    assert "MISSING  POST   /api/v1/countries  (route maps GET)" in output
    assert "MISSING  GET    /api/v1/no-such-thing/{id}  (no route matches the path)" in output
    assert "  api-v1-reference.md: 1/3 served" in output
    assert "  billingo-sync-api.md: 1/2 served" in output
    assert "  services-crm-invoice-api.md: 0/1 served" in output
    assert output.rstrip().endswith("overall: 2/6 served")


def test_json_report_with_missing_only(tmp_path):
    data = json.loads(run(tmp_path, "--json", "--missing"))
    assert [(row["method"], row["path"]) for row in data["endpoints"]] == [
        ("POST", "/api/v1/countries"),
        ("GET", "/api/v1/no-such-thing/{id}"),
        ("GET", "/api/auth/login/"),
        ("DELETE", "/api/services/CRM/Invoice/DeleteInvoice?id={id}"),
    ]
    assert (data["served"], data["missing"], data["total"]) == (2, 4, 6)
    assert data["documents"]["api-v1-reference.md"] == {"served": 1, "missing": 2, "total": 3}


def test_fail_missing_turns_the_report_into_a_check(tmp_path):
    with pytest.raises(CommandError, match="4 of 6 documented endpoints are not served."):
        run(tmp_path, "--fail-missing")


def test_unreadable_or_empty_files_are_errors(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("endpoint_coverage", str(tmp_path / "absent.txt"), stdout=StringIO())
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lists no endpoints"):
        call_command("endpoint_coverage", str(empty), stdout=StringIO())


def test_the_report_does_not_change_after_a_request(key_client):
    # DRF adds HEAD to a viewset route's mapping in place on its first request.
    assert key_client.get("/api/v1/countries").status_code == 200
    assert check_endpoint(Endpoint("HEAD", "/api/v1/countries", "v1")).served
    refused = check_endpoint(Endpoint("POST", "/api/v1/countries", "v1"))
    assert (refused.served, refused.reason) == (False, "route maps GET")
