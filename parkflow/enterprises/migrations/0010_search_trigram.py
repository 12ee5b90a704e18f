"""The register's search at group scale (issue 7 §6): trigram indexes behind the enterprise list's
and API's ``icontains`` search over name, credit code, contact and legal representative
(``UPPER(col) LIKE UPPER('%q%')`` on PostgreSQL, which no B-tree serves). PostgreSQL only, as
core 0010 for the audit search; SQLite keeps scanning (one park's volume)."""

from django.db import migrations

INDEXES = {
    "enterprise_name_trgm": "name",
    "enterprise_credit_code_trgm": "credit_code",
    "enterprise_contact_name_trgm": "contact_name",
    "enterprise_legal_rep_trgm": "legal_representative",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON enterprises_enterprise "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0009_scale_indexes"), ("core", "0010_audit_search_trigram")]

    operations = [migrations.RunPython(forwards, backwards)]
