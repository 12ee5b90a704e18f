"""A published price is never edited or deleted (R-VAS-1: a new version supersedes it), and an
order is never deleted nor its terms rewritten — what was ordered, by whom, through which
channel, at which snapshot price (R-VAS-2): the database refuses it whatever writes, so nobody
turns a staff-entered order into a "portal" one or reprices it behind the services' back."""

from django.db import migrations

PRICE_MESSAGE = "published value-added service prices are fixed (R-VAS-1)"
ORDER_MESSAGE = "value-added service orders keep their terms (R-VAS-2)"
ORDER_FIXED = (
    "park_id",
    "enterprise_id",
    "service_id",
    "price_id",
    "unit_price",
    "quantity",
    "amount",
    "channel",
    "placed_by_id",
    "placed_at",
    "placed_on",
)

SQLITE_FORWARD = [
    f"""CREATE TRIGGER vas_vasprice_no_update BEFORE UPDATE ON vas_vasprice
       BEGIN SELECT RAISE(ABORT, '{PRICE_MESSAGE}'); END;""",
    f"""CREATE TRIGGER vas_vasprice_no_delete BEFORE DELETE ON vas_vasprice
       BEGIN SELECT RAISE(ABORT, '{PRICE_MESSAGE}'); END;""",
    f"""CREATE TRIGGER vas_vasorder_no_delete BEFORE DELETE ON vas_vasorder
       BEGIN SELECT RAISE(ABORT, '{ORDER_MESSAGE}'); END;""",
    f"""CREATE TRIGGER vas_vasorder_terms_fixed BEFORE UPDATE ON vas_vasorder
       WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ORDER_FIXED)}
       BEGIN SELECT RAISE(ABORT, '{ORDER_MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS vas_vasprice_no_update;",
    "DROP TRIGGER IF EXISTS vas_vasprice_no_delete;",
    "DROP TRIGGER IF EXISTS vas_vasorder_no_delete;",
    "DROP TRIGGER IF EXISTS vas_vasorder_terms_fixed;",
]
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION vas_vasprice_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{PRICE_MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER vas_vasprice_fixed BEFORE UPDATE OR DELETE ON vas_vasprice
       FOR EACH ROW EXECUTE FUNCTION vas_vasprice_refuse();""",
    f"""CREATE OR REPLACE FUNCTION vas_vasorder_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ORDER_FIXED)})
         THEN RAISE EXCEPTION '{ORDER_MESSAGE}'; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER vas_vasorder_terms_fixed BEFORE UPDATE OR DELETE ON vas_vasorder
       FOR EACH ROW EXECUTE FUNCTION vas_vasorder_guard();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS vas_vasprice_fixed ON vas_vasprice;",
    "DROP FUNCTION IF EXISTS vas_vasprice_refuse();",
    "DROP TRIGGER IF EXISTS vas_vasorder_terms_fixed ON vas_vasorder;",
    "DROP FUNCTION IF EXISTS vas_vasorder_guard();",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_FORWARD if vendor == "postgresql" else SQLITE_FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("vas", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
