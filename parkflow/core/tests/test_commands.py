"""Management commands: the demo park (R-PLT-6), verify_audit (R-PLT-1), sweep_rules, sync_calendar."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from stdnum.cn import uscc

from parkflow.core import audit
from parkflow.core.models import Alert, AuditEvent, CalendarDay, Review
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.org import access
from parkflow.org.choices import DepartmentKind, Role
from parkflow.org.compliance import lapse_reason
from parkflow.org.models import OrgUnit, User
from parkflow.org.tests.factories import ParkFactory

DEMO_USERNAMES = {
    *("admin", "principal", "deputy", "member", "office", "lead", "risk", "legal"),
    *("biz_a", "biz_b", "finance", "auditor", "ent_a"),
}


def _run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"core", "org", "enterprises", "auth"}
    }


@pytest.mark.django_db
def test_seed_demo_twice_loads_the_park_once_and_changes_nothing_the_second_time():
    first = _run("seed_demo")
    counts = _row_counts()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    second = _run("seed_demo")

    assert "demo data loaded" in first
    assert "demo data already loaded" in second
    assert _row_counts() == counts
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() == last_event
    # Both runs print the accounts with the password, as make run does.
    assert "Demo@2026" in first and "Demo@2026" in second and "ent_a" in second


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_park_accounts_alerts_and_a_verifiable_chain(client):
    """One load, several properties (loading the park is the slow part, on PostgreSQL above all)."""
    _run("seed_demo")

    _assert_realistic_park_built_through_the_services()
    _assert_every_account_logs_in_and_holds_its_role(client)
    _assert_an_open_stale_contact_alert_and_a_verifiable_chain()


def _assert_realistic_park_built_through_the_services():
    enterprises = list(Enterprise.objects.select_related("park"))
    assert len(enterprises) >= 30
    assert all(uscc.is_valid(e.credit_code) for e in enterprises)
    assert {e.park.name for e in enterprises} == {"苏州工业园A区", "无锡科创园B区"}
    assert {e.status for e in enterprises} == set(EnterpriseStatus.values)
    # Approvals came from real reviews by someone other than the creator (R-ORG-4).
    decided = Review.objects.exclude(decision="pending")
    assert decided.count() >= 20
    assert not decided.filter(reviewer=F("requested_by")).exists()
    assert Review.objects.filter(decision="pending").exists()
    # Every department kind, and the special management office hosted by the lead department.
    kinds = set(
        OrgUnit.objects.exclude(department_kind="").values_list("department_kind", flat=True)
    )
    assert kinds >= {
        DepartmentKind.LEAD,
        DepartmentKind.RISK,
        DepartmentKind.LEGAL,
        DepartmentKind.BUSINESS,
        DepartmentKind.FINANCE,
    }
    assert OrgUnit.objects.get(hosts_special_office=True).department_kind == DepartmentKind.LEAD


def _assert_every_account_logs_in_and_holds_its_role(client):
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    for username in DEMO_USERNAMES:
        assert client.login(username=username, password="Demo@2026"), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and access.roles_of(admin) == {Role.SYSTEM_ADMIN}
    assert access.roles_of(User.objects.get(username="biz_a")) == {Role.BUSINESS_STAFF}
    portal = PortalAccount.objects.get(user__username="ent_a")
    assert portal.enterprise.name == "苏州纳微光电科技有限公司"
    assert portal.enterprise.status == EnterpriseStatus.RESIDENT
    # One leader's training has lapsed, so the lapse shows (R-ORG-5); the others are current.
    assert lapse_reason(User.objects.get(username="member"), Role.GROUP_MEMBER)
    assert lapse_reason(User.objects.get(username="deputy"), Role.DEPUTY) is None
    assert lapse_reason(User.objects.get(username="risk"), Role.RISK_OFFICER) is None


def _assert_an_open_stale_contact_alert_and_a_verifiable_chain():
    stale = Alert.objects.filter(rule_code="org.emergency_contact_stale", status="open")
    assert stale.count() == 1
    assert stale.get().park.name == "苏州工业园A区"
    assert not Alert.objects.filter(
        rule_code="org.emergency_contact_missing", status="open"
    ).exists()
    report = audit.verify_chain()
    assert report.ok, report
    assert "OK:" in _run("verify_audit")
    # A sweep later finds the same thing and opens nothing new (de-duplicated).
    assert "0 opened" in _run("sweep_rules")
    assert stale.count() == 1


@pytest.mark.django_db
def test_verify_audit_prints_ok_with_the_number_of_events():
    park = ParkFactory()
    for i in range(3):
        audit.record(None, "test.event", park, after={"i": i})

    out = _run("verify_audit")

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
    events = [audit.record(None, "test.event", park, after={"i": i}) for i in range(4)]
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
    out = _run("sweep_rules")

    assert "org.emergency_contact_stale" in out
    assert "opened" in out and "resolved" in out


@pytest.mark.django_db
def test_sync_calendar_keeps_admin_edits_and_adds_nothing_twice():
    CalendarDay.objects.all().delete()
    out = _run("sync_calendar")
    count = CalendarDay.objects.count()

    assert count > 0
    assert f"{count} days added" in out
    assert "0 days added" in _run("sync_calendar")
