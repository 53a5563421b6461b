"""Customer search (v1 and v2 `search`): what it finds, in which order, and, on PostgreSQL, that
the trigram indexes of crm/migrations/0002 exist and serve the queries the API sends."""
from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Customer

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db

TRIGRAM_MIGRATION = importlib.import_module("crm.migrations.0002_customer_search_trigram_indexes")
TRIGRAM_INDEXES = {
    f"crm_customer_{column}_trgm": column for column in ("name", "email", "vat", "phone")
}
V1, V2 = "/api/v1/customers", "/api/v2/customers"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and GIN indexes are PostgreSQL's"
)


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    if "results" in body:  # v1
        return [row["company"] for row in body["results"]]
    return [row["account"] for row in body["data"]]


def _total(response) -> int:
    body = response.json()
    return body["count"] if "count" in body else body["meta"]["total_records"]


@pytest.fixture
def book(company, other_company):
    rows = {
        "trading": CustomerFactory(
            company=company, name="Zephyr Trading Kft.", email="office@zephyr-trade.example",
            vat="HU12345678", phone="+36 1 555 0100",
        ),
        "alfa": CustomerFactory(
            company=company, name="Alfa zephyrus Bt.", email="info@alfa.example",
            vat="ATU99887766", phone="+43 1 999 1234",
        ),
        "nordic": CustomerFactory(
            company=company, name="Nordic Kft.", email="billing@nordic.example",
            vat="HU87654321", phone="+36 30 123 4567",
        ),
        # The neighbour's customer matches most terms below ("nordic zephyr" too): never shown.
        "neighbour": CustomerFactory(
            company=other_company, name="Zephyr Nordic Alfa Kft.",
            email="office@zephyr-trade.example", vat="HU12345678", phone="+36 1 555 0100",
        ),
    }
    # Created on three days, Nordic first, so `created_at` order differs from name order.
    for day, key in enumerate(["nordic", "trading", "alfa"], start=1):
        Customer.objects.filter(pk=rows[key].pk).update(
            created_at=datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC)
        )
    return rows


# --- what it finds --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [V1, V2])
@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("zephyr", ["Alfa zephyrus Bt.", "Zephyr Trading Kft."]),  # in the middle, any case
        ("EPHYRU", ["Alfa zephyrus Bt."]),
        ("kft.", ["Nordic Kft.", "Zephyr Trading Kft."]),
        ("ZEPHYR-TRADE", ["Zephyr Trading Kft."]),  # a piece of the e-mail
        ("@alfa.exa", ["Alfa zephyrus Bt."]),
        ("hu8765", ["Nordic Kft."]),  # the VAT number
        ("9887766", ["Alfa zephyrus Bt."]),
        ("555", ["Zephyr Trading Kft."]),  # the phone
        ("+36", ["Nordic Kft.", "Zephyr Trading Kft."]),
        ("ze", ["Alfa zephyrus Bt.", "Zephyr Trading Kft."]),  # too short for a trigram
        ("k", ["Nordic Kft.", "Zephyr Trading Kft."]),
        ("zephyr kft", ["Zephyr Trading Kft."]),  # every word, each in any field
        ("zephyr hu1234", ["Zephyr Trading Kft."]),
        ("nordic zephyr", []),
        ("absent", []),
    ],
)
def test_search_finds_substrings_of_the_companys_customers_only(
    user_client_api, book, path, term, names
):
    response = user_client_api.get(path, {"search": term})

    assert _names(response) == names
    assert _total(response) == len(names)


def test_the_neighbour_finds_its_own_customer_only(other_admin_client_api, book):
    response = other_admin_client_api.get(V1, {"search": "zephyr"})

    assert _names(response) == ["Zephyr Nordic Alfa Kft."]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"ordering": "-company"}, ["Zephyr Trading Kft.", "Nordic Kft.", "Alfa zephyrus Bt."]),
        ({"ordering": "name"}, ["Alfa zephyrus Bt.", "Nordic Kft.", "Zephyr Trading Kft."]),
        ({"ordering": "-name"}, ["Zephyr Trading Kft.", "Nordic Kft.", "Alfa zephyrus Bt."]),
        ({"ordering": "created_at"}, ["Nordic Kft.", "Zephyr Trading Kft.", "Alfa zephyrus Bt."]),
        ({"ordering": "-id"}, ["Nordic Kft.", "Alfa zephyrus Bt.", "Zephyr Trading Kft."]),
    ],
    ids=lambda value: value["ordering"] if isinstance(value, dict) else None,
)
@pytest.mark.parametrize("term", ["example", "e"])  # a trigram word, and one too short
def test_search_keeps_the_requested_order(user_client_api, book, query, names, term):
    response = user_client_api.get(V1, {"search": term, **query})

    assert _names(response) == names


@pytest.mark.parametrize("path", [V1, V2])
def test_a_trigram_search_sorts_names_as_the_plain_list_does(user_client_api, company, path):
    # The trigram search sorts by `name || ''` (crm/filters/customers.py): the same order,
    # whatever the database's collation makes of case, accents and punctuation.
    names = ["b", "B", "a", "A", "_a", "a b", "ab", "Á", "z"]
    for name in names:
        CustomerFactory(company=company, name=name, email="shared@customer.example")

    one_page = {"limit": 50, "page_size": 50}  # v2's and v1's page size
    plain = _names(user_client_api.get(path, one_page))
    searched = _names(user_client_api.get(path, {"search": "SHARED", **one_page}))

    assert sorted(plain) == sorted(names)
    assert searched == plain


def _customer_queries(client, path: str, term: str) -> tuple[str, str]:
    """The COUNT and the page query the list sent, as executed (parameters inlined)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"search": term})
    assert response.status_code == 200, response.content
    sql = [q["sql"] for q in queries.captured_queries if 'FROM "crm_customer"' in q["sql"]]
    count = [s for s in sql if s.startswith("SELECT COUNT(*)")]
    page = [s for s in sql if "ORDER BY" in s]
    assert (len(count), len(page)) == (1, 1), sql
    return count[0], page[0]


@pytest.mark.parametrize(
    ("term", "order_by"),
    [
        # A word with a trigram: the matches are sorted, the (company, name) index not walked.
        ("zephyr", '("crm_customer"."name" || \'\') ASC, "crm_customer"."id" ASC'),
        ("ze kft", '("crm_customer"."name" || \'\') ASC, "crm_customer"."id" ASC'),
        # Only short words: no trigram to look up, so the plan of the plain list stays.
        ("ze", '"crm_customer"."name" ASC, "crm_customer"."id" ASC'),
        ("+36 k", '"crm_customer"."name" ASC, "crm_customer"."id" ASC'),
    ],
)
def test_only_a_trigram_word_sorts_the_matches(user_client_api, book, term, order_by):
    _count_sql, page_sql = _customer_queries(user_client_api, V1, term)

    assert page_sql.split("ORDER BY")[-1].split("LIMIT")[0].strip() == order_by


# --- the migration --------------------------------------------------------------------------


def test_the_migration_does_nothing_on_sqlite():
    executed: list[str] = []
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"), execute=executed.append)

    TRIGRAM_MIGRATION.create_trigram_indexes(None, editor)
    TRIGRAM_MIGRATION.drop_trigram_indexes(None, editor)

    assert executed == []


def _trigram_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'crm_customer'"
        )
        return {name: sql for name, sql in cursor.fetchall() if name.endswith("_trgm")}


@pytest.mark.services
@on_postgresql
def test_the_migration_created_pg_trgm_and_one_index_per_searched_field():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchall() == [(1,)]

    assert _trigram_indexes() == {
        name: (
            f"CREATE INDEX {name} ON public.crm_customer USING gin "
            f"(upper(({column})::text) gin_trgm_ops) WITH (fastupdate=off)"
        )
        for name, column in TRIGRAM_INDEXES.items()
    }


@pytest.mark.services
@on_postgresql
def test_the_migration_reverses_and_reapplies():
    # DDL is transactional on PostgreSQL: the test's rollback undoes all of this.
    with connection.schema_editor() as editor:
        TRIGRAM_MIGRATION.drop_trigram_indexes(None, editor)
    assert _trigram_indexes() == {}

    with connection.schema_editor() as editor:
        TRIGRAM_MIGRATION.create_trigram_indexes(None, editor)
    assert set(_trigram_indexes()) == set(TRIGRAM_INDEXES)


# --- the plans ------------------------------------------------------------------------------


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many_customers(company, other_company):
    """6,000 customers, the neighbour's too; one in 50 of ours is a "Zephyr ...", all of
    whose names sort last: the case where walking the (company, name) index reads them all."""
    rows = [
        Customer(
            company=owner,
            name=f"{'Zephyr' if n % 50 == 7 else 'Alfa'} {n:05d} Kft.",
            email=f"billing{n}@customer{n % 97}.example",
            vat=f"HU{10_000_000 + n}",
            phone=f"+36 1 {n:07d}",
        )
        for owner, total in ((company, 5000), (other_company, 1000))
        for n in range(total)
    ]
    Customer.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE crm_customer")
    return rows


@pytest.mark.services
@on_postgresql
@pytest.mark.parametrize("path", [V1, V2])
def test_the_search_reads_the_trigram_indexes_within_the_company(
    user_client_api, company, many_customers, path
):
    count_sql, page_sql = _customer_queries(user_client_api, path, "zephyr")
    with connection.cursor() as cursor:
        # Left to its costs the planner may still scan a table this small; without a
        # sequential scan the trigram indexes must be usable, i.e. their expressions must be
        # the ones the icontains lookups write.
        cursor.execute("SET LOCAL enable_seqscan = off")
    count_plan, page_plan = _explain(count_sql), _explain(page_sql)

    for plan in (count_plan, page_plan):
        assert "BitmapOr" in plan
        for index in TRIGRAM_INDEXES:
            assert f"Bitmap Index Scan on {index}" in plan
        assert f"(company_id = {company.pk})" in plan  # rows are still the company's
    name_index = next(i.name for i in Customer._meta.indexes if i.fields == ["company", "name"])
    assert name_index not in page_plan


@pytest.mark.services
@on_postgresql
def test_a_short_word_leaves_the_plan_of_the_plain_list(user_client_api, many_customers):
    # No trigram in "ze": the page reads the (company, name) index in order, as it did before
    # the trigram indexes, rather than a useless full scan of a GIN index.
    _count_sql, page_sql = _customer_queries(user_client_api, V1, "ze")
    name_index = next(i.name for i in Customer._meta.indexes if i.fields == ["company", "name"])

    plan = _explain(page_sql)

    assert f"Index Scan using {name_index}" in plan
    assert "trgm" not in plan
