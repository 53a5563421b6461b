"""Trigram indexes for the customer search, on PostgreSQL only.

The search (crm/filters/customers.py) is a case-insensitive "contains" on the name, e-mail,
VAT number and phone, which Django writes on PostgreSQL as

    UPPER("crm_customer"."name"::text) LIKE UPPER('%term%')

A leading wildcard defeats a btree, so each column gets a GIN index over exactly that
expression with pg_trgm's operator class: the planner matches an index to a query by its
expression, so `UPPER(name::text)` here must stay what the icontains lookup generates
(crm/tests/test_customers_search.py checks the plans). A word of one or two characters has no
trigram and is matched row by row, as before.

`fastupdate = off`: new entries go straight into the index rather than into a pending list of up
to 4 MB per index that every search scans until (auto)vacuum merges it; with a long pending
list the planner rightly prefers a sequential scan. Customers are written rarely and read often.

Not declared in Customer.Meta: SQLite has neither GIN nor pg_trgm, and the model state would
then need a vendor switch. On SQLite this migration does nothing.

pg_trgm is a trusted extension (PostgreSQL 13+): a user with the CREATE privilege on the
database (its owner, say) may create it; otherwise a superuser runs `CREATE EXTENSION pg_trgm`
once before `migrate`. The indexes are built without CONCURRENTLY, which blocks writes to the
table while they build: seconds at 200,000 customers. The reverse drops the indexes
but keeps the extension, which may have been there before and may serve other objects.
"""
from __future__ import annotations

from django.db import migrations

TABLE = "crm_customer"
SEARCH_COLUMNS = ("name", "email", "vat", "phone")


def _index_name(column: str) -> str:
    return f"{TABLE}_{column}_trgm"


def create_trigram_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCH_COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index_name(column)}" ON "{TABLE}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops) WITH (fastupdate = off)'
        )


def drop_trigram_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCH_COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(column)}"')


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
