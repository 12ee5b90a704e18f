"""Complaints are never deleted and their record never rewritten (R-CMP-6, Art.13 "严禁瞒报"):
the database itself refuses to delete a complaint, to change its text, title, channel,
enterprise or its received and recorded times, and to edit or delete an appended note.
Corrections are new notes. The grading matrix's first rows come with it (R-CMP-2)."""

from decimal import Decimal

from django.db import migrations

FIXED = (
    "text",
    "title",
    "channel",
    "enterprise_id",
    "received_at",
    "recorded_at",
    "recorded_by_id",
)
MESSAGE = "complaint records are append-only (R-CMP-6)"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER servicedesk_complaint_no_delete BEFORE DELETE ON servicedesk_complaint
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER servicedesk_complaint_text_fixed BEFORE UPDATE ON servicedesk_complaint
       WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FIXED)}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER servicedesk_complaintnote_no_update BEFORE UPDATE
       ON servicedesk_complaintnote BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER servicedesk_complaintnote_no_delete BEFORE DELETE
       ON servicedesk_complaintnote BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS servicedesk_complaint_no_delete;",
    "DROP TRIGGER IF EXISTS servicedesk_complaint_text_fixed;",
    "DROP TRIGGER IF EXISTS servicedesk_complaintnote_no_update;",
    "DROP TRIGGER IF EXISTS servicedesk_complaintnote_no_delete;",
]
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION servicedesk_complaint_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in FIXED)})
         THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER servicedesk_complaint_append_only BEFORE UPDATE OR DELETE
       ON servicedesk_complaint FOR EACH ROW EXECUTE FUNCTION servicedesk_complaint_guard();""",
    f"""CREATE OR REPLACE FUNCTION servicedesk_complaintnote_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER servicedesk_complaintnote_append_only BEFORE UPDATE OR DELETE
       ON servicedesk_complaintnote FOR EACH ROW
       EXECUTE FUNCTION servicedesk_complaintnote_refuse();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS servicedesk_complaint_append_only ON servicedesk_complaint;",
    "DROP FUNCTION IF EXISTS servicedesk_complaint_guard();",
    "DROP TRIGGER IF EXISTS servicedesk_complaintnote_append_only ON servicedesk_complaintnote;",
    "DROP FUNCTION IF EXISTS servicedesk_complaintnote_refuse();",
]

# (criterion, 较大 at, 重大 at): the matrix a park starts from; an administrator edits it.
MATRIX = [
    ("enterprises", Decimal(3), Decimal(10)),
    ("safety", None, Decimal(1)),
    ("media", Decimal(1), None),
    ("repeat", Decimal(3), Decimal(5)),
    ("amount", Decimal(100000), Decimal(1000000)),
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_FORWARD if vendor == "postgresql" else SQLITE_FORWARD:
        schema_editor.execute(sql)
    criterion = apps.get_model("servicedesk", "GradingCriterion")
    for order, (code, significant, major) in enumerate(MATRIX):
        criterion.objects.get_or_create(
            criterion=code,
            defaults={"significant_at": significant, "major_at": major, "order": order},
        )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0002_complaints")]
    operations = [migrations.RunPython(forward, backward)]
