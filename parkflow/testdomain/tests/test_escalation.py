"""Rules that escalate (R-MON-1, R-CMP-7), on the test domain's stale-errand rule: warning after
``days``, serious after ``serious_days`` (the assignee and the park's department head are told),
critical after ``critical_days`` (the in-charge leader is told). One alert per (rule, object):
its severity rises in place, every rise is audited and signalled, and it never drops while the
alert is open."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules, signals
from parkflow.core.choices import AlertStatus, Severity
from parkflow.core.models import Alert, AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from ..models import Errand
from .factories import submitted

pytestmark = pytest.mark.django_db

STALE = "testdomain.errand_stale"


@pytest.fixture
def escalations():
    """Every escalation signalled: (alert id, before, after, recipients, roles)."""
    sent = []

    def receiver(sender, escalations, **kwargs):
        for alert, before, recipients, roles in escalations:
            sent.append(
                (alert.pk, before, alert.severity, {p.pk for p in recipients}, tuple(roles))
            )

    signals.alerts_escalated.connect(receiver, dispatch_uid="test-escalations")
    yield sent
    signals.alerts_escalated.disconnect(dispatch_uid="test-escalations")


@pytest.fixture
def people(park, other_park):
    """The assignee, the park's department head, a department head of another park (never
    told) and the in-charge leader at headquarters (the park has none of its own)."""
    hq = OrgUnitFactory(name="集团总部")
    return {
        "clerk": staff(Role.BUSINESS_STAFF, park, display_name="王晓明"),
        "head": staff(Role.DEPT_HEAD, park, display_name="李部长"),
        "other_head": staff(Role.DEPT_HEAD, other_park, display_name="赵部长"),
        "deputy": staff(Role.DEPUTY, hq, display_name="刘分管"),
    }


def _stale(park, clerk, days):
    made = submitted(park, clerk, title="消防通道检查")
    Errand.objects.filter(pk=made.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )
    return made


def _later(days):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def _events(action="alert.escalate"):
    return AuditEvent.objects.filter(action=action).order_by("id")


def test_severity_rises_in_place_one_alert_audited_and_signalled_with_the_next_level(
    park, people, escalations
):
    _stale(park, people["clerk"], days=8)
    assert rules.sweep_rule(STALE) == (1, 0)
    alert = Alert.objects.get(rule_code=STALE)
    assert alert.severity == Severity.WARNING and not escalations

    with _later(7):  # 15 days: serious
        assert rules.sweep_rule(STALE) == (0, 0)
        assert rules.sweep_rule(STALE) == (0, 0)  # a second sweep raises nothing more
    alert.refresh_from_db()
    assert Alert.objects.filter(rule_code=STALE).count() == 1  # the same alert, in place
    assert alert.severity == Severity.HIGH and alert.status == AlertStatus.OPEN
    event = _events().get()
    assert event.object_id == str(alert.pk)
    assert event.before == {"severity": "warning"}
    assert event.after["severity"] == "high" and event.after["notify"] == ["assignee", "dept_head"]
    assert sorted(event.after["recipients"]) == ["李部长", "王晓明"]
    assert "14" in event.reason  # the step's condition, with the threshold in force
    assert escalations == [
        (
            alert.pk,
            "warning",
            "high",
            {people["clerk"].pk, people["head"].pk},
            ("assignee", "dept_head"),
        )
    ]

    with _later(21):  # 29 days: critical; the in-charge leader (at headquarters) is told
        rules.sweep_rule(STALE)
    alert.refresh_from_db()
    assert alert.severity == Severity.CRITICAL
    assert Alert.objects.filter(rule_code=STALE).count() == 1
    assert _events().count() == 2
    assert escalations[-1] == (alert.pk, "high", "critical", {people["deputy"].pk}, ("deputy",))


def test_an_object_found_late_opens_then_climbs_every_step_at_once(park, people, escalations):
    """First seen at 30 days: the alert opens at the base severity and is raised to critical in
    the same sweep; everyone the skipped steps name is told once."""
    _stale(park, people["clerk"], days=30)
    rules.sweep_rule(STALE)
    alert = Alert.objects.get(rule_code=STALE)
    assert alert.severity == Severity.CRITICAL
    assert list(_events("alert.open").values_list("object_id", flat=True)) == [str(alert.pk)]
    event = _events().get()
    assert event.before == {"severity": "warning"} and event.after["severity"] == "critical"
    assert escalations == [
        (
            alert.pk,
            "warning",
            "critical",
            {people["clerk"].pk, people["head"].pk, people["deputy"].pk},
            ("assignee", "dept_head", "deputy"),
        )
    ]


def test_the_event_driven_evaluation_escalates_too(park, people, escalations):
    made = _stale(park, people["clerk"], days=16)
    rules.evaluate_object(Errand.objects.get(pk=made.pk))
    alert = Alert.objects.get(rule_code=STALE)
    assert alert.severity == Severity.HIGH
    assert len(escalations) == 1 and _events().count() == 1
    rules.evaluate_object(Errand.objects.get(pk=made.pk))
    assert len(escalations) == 1 and _events().count() == 1


def test_severity_never_drops_while_the_alert_is_open(park, people, escalations):
    """Raising the threshold above the object's age does not lower its open alert: whoever was
    told stays told; the alert resolves (and a new one starts at the base) when the condition
    clears (D42)."""
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    made = _stale(park, people["clerk"], days=16)
    rules.sweep_rule(STALE)
    alert = Alert.objects.get(rule_code=STALE)
    assert alert.severity == Severity.HIGH
    rules.rule_setting_update(
        actor=admin, code=STALE, params={"serious_days": 60, "critical_days": 90}, reason="放宽"
    )
    rules.sweep_rule(STALE)
    rules.evaluate_object(Errand.objects.get(pk=made.pk))
    alert.refresh_from_db()
    assert alert.severity == Severity.HIGH and alert.status == AlertStatus.OPEN
    assert _events().count() == 1 and len(escalations) == 1


def test_an_acknowledged_alert_still_escalates(park, people, escalations):
    from parkflow.core.alerts import alert_acknowledge

    _stale(park, people["clerk"], days=8)
    rules.sweep_rule(STALE)
    alert = Alert.objects.get(rule_code=STALE)
    alert_acknowledge(actor=people["clerk"], alert=alert, note="在办")
    with _later(7):
        rules.sweep_rule(STALE)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.severity == Severity.HIGH


def test_a_resolved_alert_is_not_escalated_and_a_new_one_starts_at_the_base(
    park, people, escalations
):
    made = _stale(park, people["clerk"], days=16)
    rules.sweep_rule(STALE)
    first = Alert.objects.get(rule_code=STALE)
    Errand.objects.filter(pk=made.pk).update(submitted_at=timezone.now())
    rules.sweep_rule(STALE)
    first.refresh_from_db()
    assert first.status == AlertStatus.RESOLVED and first.severity == Severity.HIGH
    Errand.objects.filter(pk=made.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    rules.sweep_rule(STALE)
    second = Alert.objects.get(rule_code=STALE, status=AlertStatus.OPEN)
    assert second.pk != first.pk and second.severity == Severity.WARNING
    assert len(escalations) == 1


def test_the_escalation_is_labelled_on_the_audit_page(client, park, people):
    _stale(park, people["clerk"], days=16)
    rules.sweep_rule(STALE)
    client.force_login(staff(Role.AUDITOR, OrgUnitFactory(name="集团总部")))
    html = client.get(reverse("core:audit") + "?action=alert.escalate").content.decode()
    assert "预警升级" in html and "系统将预警“园区事项久未办结”升级" in html
    assert "警告" in html and "严重" in html  # the severities as labels
    assert "部门负责人" in html and "经办人" in html  # the roles told


def test_the_rules_page_shows_the_ladder_and_its_parameters_in_chinese(client, park):
    client.force_login(staff(Role.AUDITOR, OrgUnitFactory(name="集团总部")))
    html = client.get(reverse("core:rules")).content.decode()
    row = html[html.index("园区事项久未办结") :]
    row = row[: row.index("</tr>")]
    assert "升为严重的天数：<strong>14</strong>" in row
    assert "升为重大的天数：<strong>28</strong>" in row
    assert 'data-ladder-step="high"' in row and "提交后超过 14 天" in row
    assert 'data-ladder-step="critical"' in row and "提交后超过 28 天" in row
    assert "通知：经办人、部门负责人" in row and "通知：分管领导" in row
    assert "dept_head" not in row and "serious_days" not in row


def test_the_api_describes_the_ladder(client):
    client.force_login(staff(Role.AUDITOR, OrgUnitFactory(name="集团总部")))
    body = client.get(reverse("api:rule-detail", args=[STALE])).json()
    assert [step["severity"] for step in body["levels"]] == ["high", "critical"]
    assert body["levels"][0]["when"] == "提交后超过 14 天"
    assert body["levels"][1]["notify"] == ["deputy"]


def test_a_ladder_that_would_lower_a_severity_is_refused_at_declaration():
    with pytest.raises(ValueError, match="does not rise"):
        rules.rule(
            "testdomain.bad_ladder",
            title="x",
            articles=("Art.20",),
            requirement="R-MON-1",
            model="testdomain.Errand",
            severity=Severity.HIGH,
            levels=(rules.Level(Severity.WARNING, when=lambda params, now: None),),
        )
    assert "testdomain.bad_ladder" not in rules.REGISTRY


@pytest.mark.parametrize("count", [2, 8])
def test_a_sweep_with_nothing_to_raise_costs_the_same_for_any_number_of_alerts(
    park, people, count, django_assert_max_num_queries
):
    for _ in range(count):
        _stale(park, people["clerk"], days=16)
    rules.sweep_rule(STALE)
    assert Alert.objects.filter(rule_code=STALE, severity=Severity.HIGH).count() == count
    # The same for 2 or 8 alerts: 7 statements (8 on PostgreSQL, with the write lock).
    with django_assert_max_num_queries(8):
        rules.sweep_rule(STALE)
