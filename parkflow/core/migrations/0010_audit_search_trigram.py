"""Audit search at a million events (issue 7 §6): trigram indexes behind the audit page's
``object_repr`` and ``actor_name`` searches (``icontains`` is ``UPPER(col) LIKE UPPER('%q%')``
on PostgreSQL, which no B-tree can serve). PostgreSQL only: ``pg_trgm`` is a trusted extension
(PostgreSQL 13+), so the database owner may create it; SQLite keeps scanning (one park's
volume). Not in the model state: Django's ``GinIndex`` would be created on SQLite too."""

from django.db import migrations

INDEXES = {
    "audit_object_repr_trgm": "object_repr",
    "audit_actor_name_trgm": "actor_name",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON core_auditevent "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_scale_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
