"""R-RES-4 in the database: on PostgreSQL, no two active allocations of one resource over
overlapping half-open periods — an exclusion constraint over ``tstzrange(starts_at, ends_at,
'[)')`` with btree_gist for the resource's equality. SQLite has no exclusion constraints: there
the allocation service checks inside a transaction holding the write lock (D47)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE resources_allocation ADD CONSTRAINT allocation_no_overlap
    EXCLUDE USING gist (
        resource_id WITH =,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status = 'active')
    """,
]
BACKWARD = ["ALTER TABLE resources_allocation DROP CONSTRAINT IF EXISTS allocation_no_overlap"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
