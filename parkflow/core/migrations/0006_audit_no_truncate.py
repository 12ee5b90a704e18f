"""Audit events cannot be truncated either (R-PLT-1, issue 6 §2).

On PostgreSQL ``TRUNCATE`` does not fire row-level triggers, so the ``BEFORE UPDATE OR DELETE``
trigger of ``core.0003`` let the application's own connection empty the table. A statement-level
``BEFORE TRUNCATE`` trigger refuses it; only the table owner (or a superuser) can disable it, and
the deployment check warns when the application runs as either. SQLite has no ``TRUNCATE``: its
``DELETE`` trigger (``core.0003``) already covers the whole-table delete.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse_truncate() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events cannot be truncated (R-PLT-1)'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_truncate();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse_truncate();",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_review_round")]
    operations = [migrations.RunPython(forward, backward)]
