"""Who is told of each kernel event (R-MON-2), on the test domain: its reviews (a leader's named
approval, the pooled sign-off), its rule's alert, an assignment, an escalation, a duty's task."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from parkflow.core import alerts, reviews, rules, signals
from parkflow.core.models import Alert, Review
from parkflow.org.choices import Role
from parkflow.org.tests.factories import (
    EmergencyContactFactory,
    OrgUnitFactory,
    grant_also,
    staff,
)
from parkflow.testdomain.gates import LARGE_AMOUNT, SIGNOFF
from parkflow.testdomain.tests.factories import awaiting_leader, errand, submitted

from ..models import Message, Notification


def told(event) -> set:
    return set(
        Notification.objects.filter(message__event=event).values_list("recipient_id", flat=True)
    )


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park)


def test_r_mon_2_a_named_reviewer_is_told_and_nobody_else(park, clerk):
    leader = staff(Role.DEPUTY, park)
    staff(Role.DEPUTY, park)  # a colleague who was not named
    review = awaiting_leader(park, clerk, leader)
    message = Message.objects.get(event="review.requested", link=review.get_absolute_url())
    assert set(message.notifications.values_list("recipient_id", flat=True)) == {leader.pk}
    assert message.title == "待您审查：大额事项分管领导审批"
    assert message.park_id == park.pk


def test_a_pooled_round_of_two_signatures_tells_each_eligible_person_once(park, clerk):
    signers = [staff(Role.FINANCE_STAFF, park) for _ in range(2)]
    made = submitted(park, clerk, amount="80000")
    from parkflow.testdomain.tests.factories import signed_off

    signed_off(made)
    before = set(Message.objects.values_list("pk", flat=True))
    LARGE_AMOUNT.request(actor=clerk, obj=made)
    (message,) = Message.objects.exclude(pk__in=before).filter(event="review.requested")
    assert set(message.notifications.values_list("recipient_id", flat=True)) == {
        s.pk for s in signers
    }


def test_r_mon_2_a_pooled_review_tells_the_eligible_pool_only(park, other_park, clerk):
    first = staff(Role.RISK_OFFICER, park)
    second = staff(Role.RISK_OFFICER, park)
    lapsed = staff(Role.RISK_OFFICER, park, compliant=False)
    elsewhere = staff(Role.RISK_OFFICER, other_park)
    grant_also(clerk, Role.RISK_OFFICER, park)  # the requester never reviews his own
    SIGNOFF.request(actor=clerk, obj=submitted(park, clerk))
    assert told("review.requested") == {first.pk, second.pk}
    assert not {lapsed.pk, elsewhere.pk, clerk.pk} & told("review.requested")


def test_a_park_without_reviewers_reaches_headquarters(park, clerk):
    hq_officer = staff(Role.RISK_OFFICER, OrgUnitFactory(name="集团风控部"))
    SIGNOFF.request(actor=clerk, obj=submitted(park, clerk))
    assert told("review.requested") == {hq_officer.pk}


def test_r_mon_2_the_requester_is_told_the_decision(park, clerk):
    officer = staff(Role.RISK_OFFICER, park)
    (review,) = SIGNOFF.request(actor=clerk, obj=submitted(park, clerk))
    reviews.review_decide(actor=officer, review=review, decision="return", opinion="材料不全")
    assert told("review.decided") == {clerk.pk}
    message = Message.objects.get(event="review.decided")
    assert message.title == "审查结论：园区事项办结审查 · 退回修改"
    assert "材料不全" in message.body


def test_messages_are_written_in_chinese_whatever_the_requests_language(park, clerk):
    officer = staff(Role.RISK_OFFICER, park)
    with translation.override("en"):
        SIGNOFF.request(actor=clerk, obj=submitted(park, clerk))
    assert officer.pk in told("review.requested")
    assert Message.objects.get(event="review.requested").title.startswith("待您审查")


def _stale_errand_alert(park, clerk):
    """The test domain's rule: an errand submitted more than seven days ago."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        made = submitted(park, clerk)
    rules.sweep_rule("testdomain.errand_stale")
    return Alert.objects.get(rule_code="testdomain.errand_stale", object_id=str(made.pk))


def test_r_mon_2_an_alert_opened_for_an_assignee_tells_the_assignee(park, clerk):
    staff(Role.OFFICE_STAFF, park)
    alert = _stale_errand_alert(park, clerk)
    assert alert.assignee_id == clerk.pk
    assert told("alert.opened") == {clerk.pk}
    message = Message.objects.get(event="alert.opened")
    assert message.title == "预警：园区事项久未办结（警告）"
    assert message.link == alert.get_absolute_url()


def test_r_mon_2_an_alert_without_assignee_tells_the_parks_handlers(park, other_park):
    office = staff(Role.OFFICE_STAFF, park)
    risk = staff(Role.RISK_OFFICER, park)
    staff(Role.BUSINESS_STAFF, park)
    staff(Role.OFFICE_STAFF, other_park)
    EmergencyContactFactory(unit=park, confirmed_at=timezone.now() - datetime.timedelta(days=400))
    rules.sweep_rule("org.emergency_contact_stale")
    alert = Alert.objects.get(park=park)
    assert alert.assignee_id is None
    assert told("alert.opened") == {office.pk, risk.pk}


def test_r_mon_2_an_assigned_alert_tells_the_new_assignee_not_the_one_who_assigned(park, clerk):
    alert = _stale_errand_alert(park, clerk)
    office = staff(Role.OFFICE_STAFF, park)
    colleague = staff(Role.OFFICE_STAFF, park)
    alerts.alert_assign(actor=office, alert=alert, assignee=colleague)
    assert told("alert.assigned") == {colleague.pk}
    alerts.alert_assign(actor=colleague, alert=alert, assignee=colleague)
    assert told("alert.assigned") == {colleague.pk}
    assert Notification.objects.filter(message__event="alert.assigned").count() == 1


def test_r_mon_2_an_escalated_alert_tells_the_assignee_and_the_level_up(park, clerk):
    alert = _stale_errand_alert(park, clerk)
    deputy = staff(Role.DEPUTY, park)
    office = staff(Role.OFFICE_STAFF, park)
    signals.alerts_escalated.send(sender=Alert, escalations=[signals.Escalation(alert, "warning")])
    assert told("alert.escalated") == {clerk.pk, deputy.pk, office.pk}
    assert Message.objects.get(event="alert.escalated").title.startswith("预警升级：")


@pytest.mark.parametrize(
    ("signal", "event", "prefix"),
    [
        (signals.task_due, "task.due", "任务即将到期"),
        (signals.task_late, "task.late", "任务已逾期"),
    ],
)
def test_r_mon_2_a_tasks_owner_is_told_it_is_due_or_late(park, clerk, signal, event, prefix):
    """A duty's task names its owner (``owner`` or ``assignee``) and due date; an errand stands
    in for one here."""
    task = errand(park, clerk, title="五月合规筛查")
    task.due_on = datetime.date(2026, 5, 31)
    signal.send(sender=type(task), task=task)
    assert told(event) == {clerk.pk}
    message = Message.objects.get(event=event)
    assert message.title == f"{prefix}：五月合规筛查"
    assert message.body == "截止时间：2026年5月31日"


def test_a_notification_that_cannot_be_written_does_not_undo_the_change(park, clerk, monkeypatch):
    staff(Role.RISK_OFFICER, park)  # someone who would be told

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("parkflow.notifications.receivers.publish", broken)
    (review,) = SIGNOFF.request(actor=clerk, obj=submitted(park, clerk))
    assert Review.objects.filter(pk=review.pk).exists()
    assert not Notification.objects.exists()


def test_an_actor_is_never_told_of_their_own_change(park, clerk):
    made = errand(park, clerk)
    from parkflow.testdomain import services

    services.errand_assign(actor=clerk, errand=made, assignee=clerk)
    assert not Notification.objects.exists()


# ---------------------------------------------------------------------------------------------
# A sweep's alerts are written as messages in bulk (issue 8 §7): the notifications of a
# thousand alerts cost what those of five cost, give or take a few multi-row INSERTs.


def _errands_submitted(park, n, days):
    from parkflow.testdomain.choices import ErrandStatus
    from parkflow.testdomain.models import Errand

    clerk = staff(Role.BUSINESS_STAFF, park)
    Errand.objects.bulk_create(
        Errand(
            park=park,
            title=f"积压事项{i}",
            status=ErrandStatus.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=days),
            assignee=clerk,
            created_by=clerk,
        )
        for i in range(n)
    )
    return clerk


def _sweep_queries(n, *, escalate):
    """A fresh park with ``n`` stale errands, a WeCom group and e-mail on, and a department
    head and a deputy: the queries of the sweep that opens their alerts (10 days old) or, with
    ``escalate``, of the one that raises them all to critical (30 days old)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parkflow.org.tests.factories import ParkFactory
    from parkflow.testdomain.models import Errand

    from ..choices import Channel
    from .factories import channel

    park = ParkFactory()
    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=k")
    staff(Role.DEPT_HEAD, park)
    staff(Role.DEPUTY, park)
    _errands_submitted(park, n, days=10)
    if escalate:
        rules.sweep_rule("testdomain.errand_stale")
        Errand.objects.filter(park=park).update(
            submitted_at=timezone.now() - datetime.timedelta(days=30)
        )
    Message.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        rules.sweep_rule("testdomain.errand_stale")
    event = "alert.escalated" if escalate else "alert.opened"
    assert Message.objects.filter(event=event, park=park).count() == n
    return len(ctx.captured_queries)


def _rows_per_insert():
    """How many rows one multi-row INSERT may carry at worst: PostgreSQL takes a batch of
    500; SQLite stops at 999 parameters (an audit event has 12 columns)."""
    from django.db import connection

    return 500 if connection.vendor == "postgresql" else 999 // 12


@pytest.mark.parametrize("escalate", [False, True], ids=["opening", "escalating"])
def test_a_sweeps_notifications_are_written_in_a_constant_number_of_queries(db, escalate):
    few = _sweep_queries(5, escalate=escalate)
    Alert.objects.update(status="resolved")  # the first park's alerts are not swept again
    many = _sweep_queries(300, escalate=escalate)
    # Per alert before: a message, its inbox rows and its deliveries, each an INSERT, and the
    # escalation's event (some 8 statements per alert). Now: the alerts, events, messages,
    # inbox rows and deliveries each split into multi-row INSERTs only.
    print(f"queries: 5 alerts {few}, 300 alerts {many}")
    assert many - few <= 5 * (300 // _rows_per_insert() + 1), (few, many)


def test_an_escalation_sweep_tells_each_alerts_ladder_and_audits_each_rise(park):
    from parkflow.core.models import AuditEvent

    from ..models import Delivery

    head = staff(Role.DEPT_HEAD, park)
    deputy = staff(Role.DEPUTY, park)
    clerk = _errands_submitted(park, 3, days=20)
    rules.sweep_rule("testdomain.errand_stale")  # opened, and raised at once: 20 > 14 days
    assert set(Alert.objects.values_list("severity", flat=True)) == {"high"}
    assert told("alert.escalated") == {clerk.pk, head.pk}  # the assignee and the head
    from parkflow.testdomain.models import Errand

    Errand.objects.update(submitted_at=timezone.now() - datetime.timedelta(days=40))
    Message.objects.all().delete()
    seen = AuditEvent.objects.filter(action="alert.escalate").count()
    rules.sweep_rule("testdomain.errand_stale")
    assert set(Alert.objects.values_list("severity", flat=True)) == {"critical"}
    rises = AuditEvent.objects.filter(action="alert.escalate").order_by("pk")[seen:]
    assert len(rises) == 3
    assert {(e.before["severity"], tuple(e.after["notify"])) for e in rises} == {
        ("high", ("deputy",))
    }
    assert told("alert.escalated") == {deputy.pk}
    assert Message.objects.filter(event="alert.escalated").count() == 3
    assert head.pk not in told("alert.escalated") and clerk.pk not in told("alert.escalated")
    assert not Delivery.objects.exists()  # no channel is configured: the inbox only
