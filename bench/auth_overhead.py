#!/usr/bin/env python
"""What authentication and company resolution cost per request: SQL queries and latency.

    .venv/bin/python bench/auth_overhead.py [--requests 200] [--warmup 20] [--show-sql]

Builds a throwaway test database (SQLite in memory by default; PostgreSQL when DATABASE_URL
points at one), creates a company with an admin, an API key and a JWT, warms up, then sends
N authenticated `GET /api/v1/countries?search=hu` through Django's test client with each
credential. The countries lookup runs no query of its own, so every query it costs is
authentication plus company resolution; the budget is 2 (DESIGN.md counts SELECT, INSERT,
UPDATE and DELETE, not BEGIN, COMMIT or SAVEPOINT). When `/api/v1/departments` exists it is
measured too, for comparison (its own list query included). Exits 1 over budget.
"""
from __future__ import annotations

import argparse
import sys
import uuid

from harness import measure, route_exists, setup_django, throwaway_database

AUTH_QUERY_BUDGET = 2
LOOKUP_PATH = "/api/v1/countries?search=hu"
TENANT_LIST_PATH = "/api/v1/departments"


def build_fixtures():
    from django.test import Client
    from rest_framework_simplejwt.tokens import RefreshToken

    from tenancy.models import Department
    from tenancy.services import api_key_issue, company_create_with_admin

    company, admin = company_create_with_admin(
        name="Bench Kft.",
        username=f"bench-{uuid.uuid4().hex[:8]}",
        password="bench-only-password-9f3k",
        time_zone="Europe/Budapest",
        default_currency="HUF",
    )
    for number in range(5):
        Department.objects.create(company=company, name=f"Department {number}")
    _key, raw_key = api_key_issue(company=company, name="bench")
    access = str(RefreshToken.for_user(admin.user).access_token)
    return {
        "API key": Client(HTTP_X_API_KEY=raw_key),
        "JWT": Client(HTTP_AUTHORIZATION=f"Bearer {access}"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--show-sql", action="store_true", help="Print the counted queries.")
    args = parser.parse_args()

    setup_django()
    with throwaway_database() as connection:
        clients = build_fixtures()
        paths = [LOOKUP_PATH] + ([TENANT_LIST_PATH] if route_exists(TENANT_LIST_PATH) else [])
        rows = []
        for path in paths:
            for credential, client in clients.items():
                result = measure(client, path, requests=args.requests, warmup=args.warmup)
                rows.append((credential, path, result))

    vendor = connection.vendor
    print(
        f"Authenticated GET, {args.requests} requests each after {args.warmup} warm-up, "
        f"on {vendor}"
    )
    print(f"{'credential':<10} {'path':<32} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for credential, path, result in rows:
        queries = (
            str(result["queries_max"])
            if result["queries_min"] == result["queries_max"]
            else f"{result['queries_min']}-{result['queries_max']}"
        )
        print(
            f"{credential:<10} {path:<32} {queries:>7} "
            f"{result['median_ms']:>10.2f} {result['p95_ms']:>8.2f}"
        )
        if args.show_sql:
            for sql in result["sql"]:
                print(f"    {sql[:200]}")
    auth_rows = [(credential, result) for credential, path, result in rows if path == LOOKUP_PATH]
    over = [
        credential
        for credential, result in auth_rows
        if result["queries_max"] > AUTH_QUERY_BUDGET
    ]
    if over:
        print(
            f"FAIL: authentication + company resolution over {AUTH_QUERY_BUDGET} queries "
            f"with {', '.join(over)}"
        )
        return 1
    worst = max(result["queries_max"] for _credential, result in auth_rows)
    print(
        f"OK: authentication + company resolution cost at most {worst} "
        f"quer{'y' if worst == 1 else 'ies'} per request (budget {AUTH_QUERY_BUDGET})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
