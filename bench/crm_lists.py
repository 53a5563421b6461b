#!/usr/bin/env python
"""What the customer lists cost at 50,000 customers: SQL queries per request and latency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/crm_lists.py
        [--customers 50000] [--requests 30] [--warmup 5] [--show-sql] [--explain]
        [--search TERM ...]

Builds a throwaway test database (like bench/auth_overhead.py: PostgreSQL when DATABASE_URL
points at one, else SQLite, which the targets are not meant for), creates a company with an
API key, loads N customers with 2 contacts each (bulk_create in batches of 5,000; a second,
smaller company shares the tables so the company filter has work to do), runs ANALYZE, then
sends authenticated GETs through Django's test client:

    GET /api/v1/customers?page_size=100
    GET /api/v1/customers?page_size=10
    GET /api/v1/customers?search=<a term ~2% of the customers match>
    GET /api/v2/customers?limit=100

and prints the SQL queries per request (SELECT/INSERT/UPDATE/DELETE, DESIGN.md) and the median
and p95 latency after the warm-up. The targets (issue 3 "Done means"): the same number of
queries for page sizes 10 and 100, and a median under 60 ms for the plain v1 list. Exits 1 when
a target is missed, 2 when the endpoints are missing or answer an error.
`--explain` prints EXPLAIN (ANALYZE, BUFFERS) of the queries of the plain list and the search
(PostgreSQL). `--search TERM` (repeatable) measures `GET /api/v1/customers?search=TERM` too,
e.g. a one- or two-letter term that trigrams cannot serve; `--explain` covers those as well.
"""
from __future__ import annotations

import argparse
import sys
import time
import uuid
from urllib.parse import quote

from harness import measure, route_exists, setup_django, throwaway_database

BATCH = 5000
MEDIAN_TARGET_MS = 60.0
# One customer in 50 has this word in its name (and nothing else does).
SEARCH_TERM = "Zephyr"
WORDS = ("Alfa", "Nordic", "Delta", "Pannon", "Duna", "Tisza", "Mecsek", "Bakony", "Balaton")
CITIES = ("Budapest", "Debrecen", "Szeged", "Pécs", "Győr", "Vienna", "Graz", "Bratislava")

PLAIN = "/api/v1/customers?page_size=100"
SMALL = "/api/v1/customers?page_size=10"
SEARCH = f"/api/v1/customers?search={SEARCH_TERM}"
V2 = "/api/v2/customers?limit=100"
PATHS = (PLAIN, SMALL, SEARCH, V2)


def customer_name(number: int) -> str:
    word = SEARCH_TERM if number % 50 == 7 else WORDS[number % len(WORDS)]
    return f"{word} {WORDS[(number // 7) % len(WORDS)]} {number:05d} Kft."


def load(company, *, customers: int, batch: int = BATCH) -> float:
    """N customers with a primary and a second contact each; returns the seconds it took."""
    from crm.models import Contact, Customer

    started = time.perf_counter()
    for first in range(0, customers, batch):
        numbers = range(first, min(first + batch, customers))
        rows = Customer.objects.bulk_create(
            [
                Customer(
                    company=company,
                    name=customer_name(n),
                    email=f"billing{n}@customer{n % 997}.example",
                    vat=f"HU{10000000 + n}",
                    phone=f"+36 1 {n:07d}",
                    city=CITIES[n % len(CITIES)],
                    country="HU",
                    default_currency="HUF",
                    is_active=n % 10 != 0,
                )
                for n in numbers
            ],
            batch_size=batch,
        )
        Contact.objects.bulk_create(
            [
                Contact(
                    company=company,
                    customer=customer,
                    first_name=first_name,
                    last_name=f"Contact{customer.pk}",
                    email=f"{first_name.lower()}.{customer.pk}@customer.example",
                    is_primary=primary,
                )
                for customer in rows
                for first_name, primary in (("Anna", True), ("Bela", False))
            ],
            batch_size=batch,
        )
        if sys.stdout.isatty():
            print(f"  loaded {first + len(numbers):>6} customers", end="\r", flush=True)
    return time.perf_counter() - started


def build_fixtures(*, customers: int) -> dict:
    from django.db import connection
    from django.test import Client

    from crm.models import Contact, Customer
    from tenancy.services import api_key_issue, company_create_with_admin

    def company_with_key(name: str):
        company, _admin = company_create_with_admin(
            name=name,
            username=f"bench-{uuid.uuid4().hex[:8]}",
            password="bench-only-password-9f3k",
            time_zone="Europe/Budapest",
            default_currency="HUF",
        )
        _key, raw_key = api_key_issue(company=company, name="bench")
        return company, raw_key

    company, raw_key = company_with_key("Bench Kft.")
    # Another tenant's rows in the same tables: the company filter must skip them.
    neighbour, _ = company_with_key("Neighbour Bt.")
    seconds = load(company, customers=customers)
    load(neighbour, customers=max(customers // 10, 1))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Customer, Contact):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return {
        "client": Client(HTTP_X_API_KEY=raw_key),
        "load_seconds": seconds,
        "customers": Customer.objects.filter(company=company).count(),
        "contacts": Contact.objects.filter(company=company).count(),
        "search_matches": Customer.objects.filter(
            company=company, name__icontains=SEARCH_TERM
        ).count(),
    }


def rows_in(body) -> int | None:
    """How many items one page carried (v1 `results`, v2 `data`)."""
    if isinstance(body, dict):
        for key in ("results", "data"):
            if isinstance(body.get(key), list):
                return len(body[key])
    return None


def explain(sql_list: list[str]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("(--explain needs PostgreSQL)")
        return
    with connection.cursor() as cursor:
        for sql in sql_list:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n-- {sql[:300]}")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            for (line,) in cursor.fetchall():
                print(f"   {line}")


def report(rows: list[tuple[str, dict]], *, show_sql: bool) -> list[str]:
    width = max(36, *(len(path) for path, _result in rows))
    print(f"{'request':<{width + 4}} {'rows':>5} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for path, result in rows:
        queries = (
            str(result["queries_max"])
            if result["queries_min"] == result["queries_max"]
            else f"{result['queries_min']}-{result['queries_max']}"
        )
        print(
            f"GET {path:<{width}} {result['rows'] if result['rows'] is not None else '?':>5} "
            f"{queries:>7} {result['median_ms']:>10.2f} {result['p95_ms']:>8.2f}"
        )
        if show_sql:
            for sql in result["sql"]:
                print(f"    {sql[:300]}")
    results = dict(rows)
    failures = []
    plain, small = results[PLAIN], results[SMALL]
    if (plain["queries_min"], plain["queries_max"]) != (small["queries_min"], small["queries_max"]):
        failures.append(
            f"queries differ between page_size=100 ({plain['queries_max']}) and "
            f"page_size=10 ({small['queries_max']})"
        )
    if plain["median_ms"] >= MEDIAN_TARGET_MS:
        failures.append(
            f"median of {PLAIN} is {plain['median_ms']:.1f} ms (target < {MEDIAN_TARGET_MS:.0f})"
        )
    if plain["rows"] != 100 or small["rows"] != 10:
        failures.append(
            f"pages carried {plain['rows']} and {small['rows']} rows, expected 100 and 10"
        )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--show-sql", action="store_true", help="Print the counted queries.")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the plain list and search."
    )
    parser.add_argument(
        "--search",
        action="append",
        default=[],
        metavar="TERM",
        help="Also measure GET /api/v1/customers?search=TERM (repeatable).",
    )
    args = parser.parse_args()

    setup_django()

    extra = [f"/api/v1/customers?search={quote(term)}" for term in args.search]
    missing = [path for path in PATHS if not route_exists(path)]
    if missing:
        print(f"Not served yet: {', '.join(missing)}")
        return 2

    started = time.perf_counter()
    with throwaway_database() as connection:
        print(f"Test database ready in {time.perf_counter() - started:.1f} s; loading…")
        fixtures = build_fixtures(customers=args.customers)
        print(
            f"Loaded {fixtures['customers']} customers and {fixtures['contacts']} contacts in "
            f"{fixtures['load_seconds']:.1f} s (batches of {BATCH}); "
            f"'{SEARCH_TERM}' matches {fixtures['search_matches']} customers."
        )
        rows = []
        for path in (*PATHS, *extra):
            result = measure(fixtures["client"], path, requests=args.requests, warmup=args.warmup)
            rows.append((path, {**result, "rows": rows_in(result["body"])}))
        if args.explain:
            for path in (PLAIN, SEARCH, *extra):
                print(f"\nEXPLAIN of GET {path}")
                explain(dict(rows)[path]["sql"])

    print(
        f"\nAPI-key GETs, {args.requests} requests each after {args.warmup} warm-up, "
        f"on {connection.vendor}"
    )
    failures = report(rows, show_sql=args.show_sql)
    if failures:
        for failure in failures:
            print(f"FAIL: {failure}")
        return 1
    print(
        f"OK: {rows[0][1]['queries_max']} queries for page sizes 10 and 100; median of the plain "
        f"list {rows[0][1]['median_ms']:.1f} ms (target < {MEDIAN_TARGET_MS:.0f})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
