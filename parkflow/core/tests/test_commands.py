"""Management commands of the kernel: verify_audit (R-PLT-1), sweep_rules, sync_calendar. The demo
park (seed_demo, R-PLT-6) is built by every app and tested with the whole system
(workbench/tests/test_seed_demo.py)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from parkflow.core import audit
from parkflow.core.models import AuditEvent, CalendarDay
from parkflow.core.tests.command_output import run_command
from parkflow.org.tests.factories import ParkFactory


@pytest.mark.django_db
def test_verify_audit_prints_ok_with_the_number_of_events():
    park = ParkFactory()
    for i in range(3):
        audit.record(None, "errand.note", park, after={"i": i})

    out = run_command("verify_audit")

    assert out.strip() == f"OK: {AuditEvent.objects.count()} events verified"


def _bypass_append_only_trigger():
    """Only a DBA could do this: drop or disable the trigger inside the test's transaction
    (rolled back with it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [("hash", "f" * 64), ("reason", "改过的原因")],
    ids=["tampered-hash", "tampered-content"],
)
def test_verify_audit_names_the_tampered_event_and_exits_1(column, value):
    park = ParkFactory()
    events = [audit.record(None, "errand.note", park, after={"i": i}) for i in range(4)]
    target = events[2]
    _bypass_append_only_trigger()
    with connection.cursor() as cursor:
        sql = f"UPDATE core_auditevent SET {column} = %s WHERE id = %s"  # noqa: S608 - fixed names
        cursor.execute(sql, [value, target.pk])

    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)

    assert exit_info.value.code == 1
    assert err.getvalue().startswith(f"BROKEN at event #{target.pk}:")


@pytest.mark.django_db
def test_sweep_rules_prints_opened_and_resolved_per_rule():
    out = run_command("sweep_rules")

    assert "org.emergency_contact_stale" in out
    assert "opened" in out and "resolved" in out


@pytest.mark.django_db
def test_sync_calendar_keeps_admin_edits_and_adds_nothing_twice():
    CalendarDay.objects.all().delete()
    out = run_command("sync_calendar")
    count = CalendarDay.objects.count()

    assert count > 0
    assert f"新增 {count} 天" in out
    assert "新增 0 天" in run_command("sync_calendar")
