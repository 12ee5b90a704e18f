"""The service desk's part of seed_demo (servicedesk/demo.py): every state of requests and
complaints, the major complaint carried out only after the leading group approved its plan, the
second one waiting in the leaders' inbox, and the patterns the rules are there to find — the
chain, the repeat complainant, concealment, buck-passing, late recording, late reports and
unanswered complaints — each with its alert after the demo's own sweep."""

import datetime

import pytest
from django.utils import timezone

from parkflow.core import audit, clock
from parkflow.core import gates as core_gates
from parkflow.core.models import Alert, AuditEvent
from parkflow.core.tests.command_output import run_command
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.org.models import User

from .. import demo, gates
from ..choices import (
    ComplaintChannel,
    ComplaintStatus,
    PlanStage,
    RequestStatus,
    TransferStatus,
)
from ..models import (
    AccountabilityReferral,
    AnomalyReport,
    CallBack,
    Complaint,
    EmergencyPlan,
    ServiceRequest,
    TopicWatch,
)

pytestmark = pytest.mark.django_db


def _open_alerts(code, obj=None):
    found = Alert.objects.filter(rule_code=code, status__in=("open", "acknowledged"))
    return found.filter(object_id=str(obj.pk)) if obj is not None else found


def test_the_demo_service_desk_has_every_state_and_every_pattern_with_its_alert():
    """One load, several properties (loading the demo is the slow part)."""
    output = run_command("seed_demo")
    assert "服务台：服务请求" in output and "head_a" in output

    _assert_requests_in_every_state_and_the_buck_passing_alert()
    _assert_complaints_in_every_state_over_every_channel()
    _assert_the_major_complaint_carried_out_after_the_leading_group_approved_its_plan()
    _assert_the_second_major_plan_waits_in_the_leaders_inbox()
    _assert_the_chain_and_the_repeat_complainant()
    _assert_concealment_only_where_no_complaint_is_on_record()
    _assert_late_recording_late_report_and_unanswered_complaints()
    _assert_downgrades_reopening_and_referral()
    assert audit.verify_chain().ok
    # A later sweep finds the same things and opens nothing new.
    assert "0 opened" in run_command("sweep_rules")


def _assert_requests_in_every_state_and_the_buck_passing_alert():
    counts = {s: ServiceRequest.objects.filter(status=s).count() for s in RequestStatus.values}
    assert all(n >= 5 for n in counts.values()), counts
    assert ServiceRequest.objects.filter(auto_closed=True).count() == 1
    assert ServiceRequest.objects.values("category").distinct().count() == 3
    assert ServiceRequest.objects.filter(park__code="demo-park-b").exists()
    # The portal user follows its own: submitted in the portal, one waiting for its answer.
    mine = ServiceRequest.objects.filter(enterprise__name=PORTAL_ENTERPRISE, channel="portal")
    assert mine.filter(status=RequestStatus.RESOLVED).exists()
    assert mine.filter(status=RequestStatus.CLOSED, rating__isnull=False).exists()
    # Some past their deadlines (the SLA selectors of the lists).
    from parkflow.core import sla

    assert sla.overdue(ServiceRequest.objects.all(), "servicedesk.response").exists()
    assert sla.overdue(ServiceRequest.objects.all(), "servicedesk.resolution").exists()
    # Passed on four times: one offer declined, three accepted; the department head is told.
    passed = ServiceRequest.objects.get(transfer_count__gte=3)
    transfers = list(passed.transfers.values_list("status", flat=True))
    assert transfers.count(TransferStatus.DECLINED) == 1
    assert transfers.count(TransferStatus.ACCEPTED) >= 2
    alert = _open_alerts("servicedesk.repeated_transfers", passed).get()
    assert alert.severity == "warning"
    escalation = AuditEvent.objects.get(action="alert.escalate", object_id=str(alert.pk))
    head = User.objects.get(username="head_a")
    assert "dept_head" in escalation.after["notify"]
    assert str(head) in escalation.after["recipients"]


def _assert_complaints_in_every_state_over_every_channel():
    counts = {s: Complaint.objects.filter(status=s).count() for s in ComplaintStatus.values}
    assert all(n >= 4 for n in counts.values()), counts
    assert Complaint.objects.filter(auto_closed=True).exists()
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(ComplaintChannel.values)
    assert not Complaint.objects.filter(channel="hotline", hotline_ticket="").exists()
    assert set(Complaint.objects.values_list("grade", flat=True)) == {
        "general",
        "significant",
        "major",
    }


def _decided_plan_round(plan):
    return list(core_gates.latest_round(plan, gates.PLAN_REVIEW))


def _assert_the_major_complaint_carried_out_after_the_leading_group_approved_its_plan():
    plan = EmergencyPlan.objects.select_related("complaint").get(stage=PlanStage.CARRYING_OUT)
    assert plan.complaint.safety and plan.complaint.is_major
    assert plan.reported_at is not None
    assert plan.reported_at - plan.activated_at <= datetime.timedelta(hours=24)
    signed = _decided_plan_round(plan)
    assert signed and all(r.decision == "approve" for r in signed)
    assert all(r.reviewer_id != plan.plan_author_id for r in signed)
    assert all(r.decided_at < plan.carried_out_at for r in signed)
    assert plan.plan_submitted_at < min(r.decided_at for r in signed)


def _assert_the_second_major_plan_waits_in_the_leaders_inbox():
    waiting = EmergencyPlan.objects.get(stage=PlanStage.PLAN_REVIEW)
    assert waiting.complaint.is_major and waiting.reported_at is not None
    pending = [r for r in _decided_plan_round(waiting) if r.decision == "pending"]
    assert pending
    inbox = core_gates.pending_for(User.objects.get(username="principal"))
    assert any(r.gate == gates.PLAN_REVIEW.code and r.object_id == str(waiting.pk) for r in inbox)


def _assert_the_chain_and_the_repeat_complainant():
    since = clock.today() - datetime.timedelta(days=29)
    traffic = Complaint.objects.filter(
        park__code="demo-park-a", topic="traffic", received_on__gte=since
    )
    assert traffic.count() >= 3
    assert traffic.values("enterprise").distinct().count() >= 3
    watch = TopicWatch.objects.get(park__code="demo-park-a", topic="traffic")
    assert _open_alerts("servicedesk.chain_complaints", watch).exists()
    portal = Complaint.objects.filter(enterprise__name=PORTAL_ENTERPRISE, received_on__gte=since)
    assert portal.count() >= 3
    enterprise = portal.first().enterprise
    assert _open_alerts("servicedesk.repeat_complaints", enterprise).exists()
    assert _open_alerts("servicedesk.repeat_complaints").count() == 1  # the others stay below three


def _assert_concealment_only_where_no_complaint_is_on_record():
    month = clock.today().replace(day=1)
    period = f"{month:%Y-%m}"
    callbacks = CallBack.objects.filter(period=period)
    assert callbacks.count() >= 10
    done = callbacks.filter(status="done")
    assert 0.3 <= done.count() / callbacks.count() <= 0.7
    assert len(set(done.values_list("score", flat=True))) >= 4
    concealed = done.get(enterprise__name=demo.CONCEALMENT_ENTERPRISE)
    assert concealed.score == 2 and concealed.follow_up_owner_id is not None
    assert not Complaint.objects.filter(
        enterprise=concealed.enterprise, received_on__gte=month
    ).exists()
    assert _open_alerts("servicedesk.possible_concealment", concealed).exists()
    # The other low score has its complaint this month: followed up, not suspected.
    unhappy = done.exclude(pk=concealed.pk).get(score__lte=2)
    assert unhappy.follow_up_owner_id is not None and unhappy.follow_up_due_on
    assert Complaint.objects.filter(enterprise=unhappy.enterprise, received_on__gte=month).exists()
    assert list(_open_alerts("servicedesk.possible_concealment")) == list(
        _open_alerts("servicedesk.possible_concealment", concealed)
    )


def _assert_late_recording_late_report_and_unanswered_complaints():
    late = _open_alerts("servicedesk.complaint_recorded_late").get()
    complaint = Complaint.objects.get(pk=late.object_id)
    assert complaint.recording_delay_hours >= 30
    reports = AnomalyReport.objects.all()
    assert reports.count() == 3
    flagged = _open_alerts("servicedesk.anomaly_reported_late").get()
    assert AnomalyReport.objects.get(pk=flagged.object_id).delay_hours > 24
    overdue = _open_alerts("servicedesk.complaint_response_overdue")
    assert overdue.count() >= 2 and overdue.filter(severity="high").exists()
    for alert in overdue:
        unanswered = Complaint.objects.get(pk=alert.object_id)
        assert unanswered.first_response_at is None
        assert unanswered.received_at < timezone.now() - datetime.timedelta(days=4)


def _assert_downgrades_reopening_and_referral():
    requested = Complaint.objects.exclude(requested_grade="")
    assert requested.count() == 1
    assert [
        r.decision for r in core_gates.latest_round(requested.get(), gates.DOWNGRADE_APPROVAL)
    ] == ["pending"]
    approved = Complaint.objects.filter(
        requested_grade="", proposed_grade="significant", grade="general"
    )
    assert approved.count() == 1
    round_ = core_gates.latest_round(approved.get(), gates.DOWNGRADE_APPROVAL)
    assert [r.decision for r in round_] == ["approve"]
    reopened = Complaint.objects.get(reopen_count__gte=1)
    assert reopened.enterprise.name == PORTAL_ENTERPRISE
    assert reopened.status == ComplaintStatus.IN_PROGRESS
    referral = AccountabilityReferral.objects.select_related("article").get()
    assert referral.article.ref == "Art.13"
