"""R-CMP-1 … R-CMP-8: complaints recorded with received-at and recorded-at, graded by the matrix
(a downgrade needs a leader), answered against working-day deadlines, owned by their first
responder, a major one starting its emergency plan whose resolution plan passes the leading
group before it is carried out, nothing deleted or rewritten, and the patterns of concealment,
repeat and chain complaints flagged."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, transaction

from parkflow.core import rules, sla
from parkflow.core.choices import SlaUnit
from parkflow.core.errors import Conflict, GateNotPassed, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert, SlaClock
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.notifications.models import Delivery, Message
from parkflow.notifications.tests.factories import channel
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import gates, services, services_complaints
from ..choices import ComplaintGrade, ComplaintStatus, NoteKind, PlanStage
from ..clocks import COMPLAINT_RESPONSE, MAJOR_EVENT_REPORT
from ..models import CallBack, Complaint, ComplaintNote, EmergencyPlan, GradingCriterion
from .factories import complaint, decide_all

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
sc = services_complaints


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SH)


def due_of(obj, code=COMPLAINT_RESPONSE.code):
    return SlaClock.objects.get(object_id=obj.pk, code=code).due_at.astimezone(SH)


def alerts(code, obj=None):
    found = Alert.objects.filter(rule_code=code, status__in=("open", "acknowledged"))
    return found.filter(object_id=str(obj.pk)) if obj is not None else found


# --- R-CMP-1, R-CMP-2: recording and grading ------------------------------------------------


def test_r_cmp_1_staff_record_the_channel_and_both_times(desk):
    made = complaint(desk, channel="visit")
    assert made.channel == "visit" and made.recorded_by == desk.first
    assert made.received_at < made.recorded_at
    with pytest.raises(ValidationFailed) as refused:
        complaint(desk, channel="hotline")  # a 12345 referral names its work order
    assert "hotline_ticket" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        complaint(desk, channel="portal")  # staff do not file as the enterprise
    assert "channel" in refused.value.errors


def test_r_cmp_1_the_enterprise_files_its_own_in_the_portal(desk):
    enterprise = EnterpriseFactory(park=desk.park)
    user = enterprise_user(enterprise)
    made = sc.complaint_record(
        actor=user,
        enterprise=enterprise,
        topic="fees",
        title="物业费多收",
        text="11 月物业费重复扣款。",
    )
    assert made.channel == "portal" and made.received_at == made.recorded_at
    with pytest.raises(PermissionDenied):  # not for another enterprise
        sc.complaint_record(
            actor=user,
            enterprise=EnterpriseFactory(park=desk.park),
            topic="fees",
            title="代投诉",
            text="……",
        )


def test_r_cmp_2_the_matrix_proposes_the_grade_from_its_criteria(desk):
    assert complaint(desk).proposed_grade == ComplaintGrade.GENERAL
    assert complaint(desk, enterprises_affected=4).grade == ComplaintGrade.SIGNIFICANT
    assert complaint(desk, amount="2000000").grade == ComplaintGrade.MAJOR
    assert complaint(desk, safety=True).grade == ComplaintGrade.MAJOR


def test_r_cmp_2_an_administrator_edits_the_matrix_and_others_cannot(desk):
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    with pytest.raises(PermissionDenied):
        sc.grading_update(actor=desk.head, thresholds={"enterprises": (2, 5)}, reason="收紧")
    with pytest.raises(ValidationFailed) as refused:
        sc.grading_update(actor=admin, thresholds={"enterprises": (6, 5)}, reason="收紧")
    assert "enterprises-major_at" in refused.value.errors
    sc.grading_update(actor=admin, thresholds={"enterprises": (2, 5)}, reason="收紧")
    row = GradingCriterion.objects.get(criterion="enterprises")
    assert (row.significant_at, row.major_at) == (Decimal(2), Decimal(5))
    assert complaint(desk, enterprises_affected=5).grade == ComplaintGrade.MAJOR


def test_r_cmp_2_a_downgrade_below_the_proposal_needs_a_leaders_approval(desk, leaders):
    made = complaint(desk, enterprises_affected=4)  # proposed 较大
    sc.complaint_regrade(actor=desk.first, complaint=made, grade="general", reason="实际仅一家")
    made.refresh_from_db()
    assert made.grade == ComplaintGrade.SIGNIFICANT and made.requested_grade == "general"
    with pytest.raises(PermissionDenied):  # the person asking never signs
        decide_all(made, gates.DOWNGRADE_APPROVAL, desk.first)
    decide_all(made, gates.DOWNGRADE_APPROVAL, leaders.deputy)
    assert made.grade == ComplaintGrade.GENERAL and made.requested_grade == ""
    # An upgrade is immediate.
    sc.complaint_regrade(actor=desk.first, complaint=made, grade="significant", reason="涉及多家")
    made.refresh_from_db()
    assert made.grade == ComplaintGrade.SIGNIFICANT


def test_r_cmp_2_a_refused_downgrade_leaves_the_grade(desk, leaders):
    made = complaint(desk, grade="general", grade_reason="误报", enterprises_affected=4)
    assert made.grade == ComplaintGrade.SIGNIFICANT and made.requested_grade == "general"
    decide_all(made, gates.DOWNGRADE_APPROVAL, leaders.principal, decision="reject")
    assert made.grade == ComplaintGrade.SIGNIFICANT and made.requested_grade == ""


# --- R-CMP-3: deadlines on the official calendar ---------------------------------------------


def test_r_cmp_3_three_working_days_across_the_national_day_holiday(desk):
    # Received Wednesday 30 September 2026: 1–7 October off, 8 and 9 October then Saturday 10
    # October (an adjusted working day) are the three working days.
    with time_machine.travel(at(2026, 9, 30, 11), tick=False):
        made = complaint(desk, received_at=at(2026, 9, 30, 10))
    assert due_of(made) == at(2026, 10, 10, 17, 30)


def test_r_cmp_3_three_working_days_across_a_weekend_and_from_receipt(desk):
    # Received Friday 27 November, recorded on Saturday: the clock runs from receipt.
    with time_machine.travel(at(2026, 11, 28, 9), tick=False):
        made = complaint(desk, received_at=at(2026, 11, 27, 15))
    assert due_of(made) == at(2026, 12, 2, 17, 30)


def test_r_cmp_3_calendar_day_targets_ignore_the_calendar(desk):
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    sla.setting_update(
        actor=admin,
        code=COMPLAINT_RESPONSE.code,
        params={"unit": SlaUnit.CALENDAR_DAYS, "general": 3},
        reason="按自然日考核",
    )
    with time_machine.travel(at(2026, 9, 30, 11), tick=False):
        made = complaint(desk, received_at=at(2026, 9, 30, 10))
    assert due_of(made) == at(2026, 10, 3, 10)


def test_r_cmp_3_a_pause_while_waiting_for_the_enterprise_moves_the_due_time(desk):
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):  # Monday
        made = complaint(desk, received_at=at(2026, 11, 23, 9))
        sc.complaint_take(actor=desk.first, complaint=made)
    before = due_of(made, "servicedesk.complaint_resolution")
    with time_machine.travel(at(2026, 11, 24, 10), tick=False):
        sc.complaint_wait(actor=desk.first, complaint=made, reason="等待企业提供现场照片")
    with time_machine.travel(at(2026, 11, 26, 10), tick=False):  # two working days later
        sc.complaint_supplement(
            actor=enterprise_user(made.enterprise), complaint=made, text="照片已上传"
        )
    after = due_of(made, "servicedesk.complaint_resolution")
    assert (after - before) >= datetime.timedelta(days=2)


def test_r_cmp_3_a_general_complaint_unanswered_for_3_days_raises_one_alert_cleared_by_the_answer(
    desk,
):
    code = "servicedesk.complaint_response_overdue"
    with time_machine.travel(at(2026, 11, 23, 9, 30), tick=False):
        made = complaint(desk, received_at=at(2026, 11, 23, 9))
        sc.complaint_take(actor=desk.first, complaint=made)
    with time_machine.travel(at(2026, 11, 26, 17), tick=False):  # within the 3rd working day
        rules.sweep_rule(code)
        assert not alerts(code, made).exists()
    with time_machine.travel(at(2026, 11, 27, 9), tick=False):
        rules.sweep_rule(code)
        rules.sweep_rule(code)
        assert alerts(code, made).count() == 1
        sc.complaint_respond(actor=desk.first, complaint=made, text="已安排维保单位今日检修。")
        rules.sweep_rule(code)
        assert not alerts(code, made).exists()
    assert SlaClock.objects.get(object_id=made.pk, code=COMPLAINT_RESPONSE.code).state == "breached"


# --- R-CMP-3, R-CMP-5: the major complaint -----------------------------------------------------


def test_r_cmp_3_a_major_complaint_starts_its_plan_and_tells_the_leaders_on_every_channel(
    desk, leaders
):
    for kind in ("wecom", "dingtalk"):
        channel(kind, park=desk.park, url=f"https://example.invalid/{kind}")
    made = complaint(desk, safety=True)
    plan = EmergencyPlan.objects.get(complaint=made)
    assert plan.stage == PlanStage.ACTIVATED
    assert SlaClock.objects.get(object_id=plan.pk, code=MAJOR_EVENT_REPORT.code).state == "running"
    message = Message.objects.get(event="servicedesk.major_complaint")
    told = set(message.notifications.values_list("recipient_id", flat=True))
    assert {leaders.principal.pk, leaders.deputy.pk} <= told
    assert set(Delivery.objects.filter(message=message).values_list("channel", flat=True)) >= {
        "wecom",
        "dingtalk",
    }


def _major_with_plan(desk):
    made = complaint(desk, safety=True)
    sc.complaint_take(actor=desk.first, complaint=made)
    plan = EmergencyPlan.objects.get(complaint=made)
    sc.major_event_report(
        actor=desk.first, plan=plan, control_measures="停用三号梯", report_text="电梯困人事件"
    )
    sc.plan_submit(actor=desk.first, plan=plan, plan_text="更换曳引机，赔付误工。")
    plan.refresh_from_db()
    return made, plan


def test_r_cmp_5_the_plan_is_not_carried_out_without_the_leading_groups_review(desk, leaders):
    made, plan = _major_with_plan(desk)
    with pytest.raises(GateNotPassed):
        sc.plan_carry_out(actor=desk.first, plan=plan)
    with pytest.raises(GateNotPassed):
        sc.complaint_resolve(actor=desk.first, complaint=made, resolution="已解决")
    with pytest.raises(PermissionDenied):  # the plan's author never reviews it
        decide_all(plan, gates.PLAN_REVIEW, desk.first)
    decide_all(plan, gates.PLAN_REVIEW, leaders.member)
    sc.plan_carry_out(actor=desk.first, plan=plan)
    plan.refresh_from_db()
    assert plan.stage == PlanStage.CARRYING_OUT
    sc.complaint_resolve(actor=desk.first, complaint=made, resolution="已更换曳引机")
    made.refresh_from_db()
    assert made.status == ComplaintStatus.RESOLVED


def test_r_cmp_5_a_rejected_plan_goes_back_and_a_new_text_needs_a_new_review(desk, leaders):
    made, plan = _major_with_plan(desk)
    decide_all(plan, gates.PLAN_REVIEW, leaders.deputy, decision="reject", opinion="赔付依据不足")
    assert plan.stage == PlanStage.REPORTED
    sc.plan_submit(actor=desk.first, plan=plan, plan_text="更换曳引机；赔付按合同第 8 条。")
    with pytest.raises(GateNotPassed):
        sc.plan_carry_out(actor=desk.first, plan=plan)


def test_r_rsk_6_a_major_event_not_reported_in_24_hours_raises_an_alert(desk, leaders):
    code = "servicedesk.major_event_unreported"
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        made = complaint(desk, safety=True, received_at=at(2026, 11, 23, 9))
    plan = EmergencyPlan.objects.get(complaint=made)
    with time_machine.travel(at(2026, 11, 24, 11), tick=False):
        rules.sweep_rule(code)
        assert alerts(code, plan).count() == 1


# --- R-CMP-4: first responder, transfers -----------------------------------------------------


def test_r_cmp_4_a_transfer_not_accepted_leaves_ownership_and_the_third_raises_an_alert(desk):
    made = complaint(desk)
    sc.complaint_take(actor=desk.first, complaint=made)
    offer = sc.complaint_transfer_offer(
        actor=desk.first, complaint=made, to_person=desk.second, reason="涉及维保合同"
    )
    sc.complaint_transfer_decline(actor=desk.second, transfer=offer, reason="非本人负责")
    made.refresh_from_db()
    assert made.owner == desk.first and made.transfer_count == 1
    offer = sc.complaint_transfer_offer(
        actor=desk.first, complaint=made, to_person=desk.third, reason="请牵头部门协调"
    )
    sc.complaint_transfer_accept(actor=desk.third, transfer=offer)
    offer = sc.complaint_transfer_offer(
        actor=desk.third, complaint=made, to_person=desk.second, reason="退回业务部门"
    )
    rules.sweep_rule("servicedesk.complaint_repeated_transfers")
    alert = alerts("servicedesk.complaint_repeated_transfers", made).get()
    assert alert.severity == "warning"
    head_told = (
        Message.objects.filter(event="alert.escalated", notifications__recipient=desk.head).exists()
        or Message.objects.filter(notifications__recipient=desk.head).exists()
    )
    assert head_told


# --- R-CMP-6: nothing deleted, nothing rewritten, late recording and concealment --------------


def test_r_cmp_6_a_complaints_text_cannot_be_changed_or_deleted_even_in_the_database(desk):
    made = complaint(desk)
    with pytest.raises(Conflict):
        made.delete()
    for attempt in (
        lambda: Complaint.objects.filter(pk=made.pk).update(text="已改写"),
        lambda: Complaint.objects.filter(pk=made.pk).update(received_at=made.recorded_at),
        lambda: Complaint.objects.filter(pk=made.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    made.refresh_from_db()
    assert made.text.startswith("三号楼")


def test_r_cmp_6_a_correction_is_appended_and_notes_are_append_only(desk):
    made = complaint(desk)
    note = sc.complaint_note_add(
        actor=desk.first,
        complaint=made,
        text="投诉人电话应为 13900000000",
        kind=NoteKind.CORRECTION,
    )
    for attempt in (
        lambda: ComplaintNote.objects.filter(pk=note.pk).update(text="x"),
        lambda: ComplaintNote.objects.filter(pk=note.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert made.notes.get().kind == NoteKind.CORRECTION


def test_r_cmp_6_late_recording_is_flagged(desk):
    code = "servicedesk.complaint_recorded_late"
    on_time = complaint(desk)
    late = complaint(desk, received_at=on_time.recorded_at - datetime.timedelta(hours=30))
    rules.sweep_rule(code)
    assert alerts(code, late).count() == 1 and not alerts(code, on_time).exists()


def test_r_cmp_6_a_dissatisfied_call_back_with_no_complaint_that_month_is_flagged(desk):
    code = "servicedesk.possible_concealment"
    quiet, open_ = (
        EnterpriseFactory(park=desk.park, status=EnterpriseStatus.RESIDENT) for _ in range(2)
    )
    services.callbacks_generate()
    for enterprise in (quiet, open_):
        services.callback_record(
            actor=desk.first,
            callback=CallBack.objects.get(enterprise=enterprise),
            score=2,
            comment="维修拖延",
        )
    complaint(desk, enterprise=open_)
    rules.sweep_rule(code)
    flagged = set(alerts(code).values_list("object_id", flat=True))
    assert flagged == {str(CallBack.objects.get(enterprise=quiet).pk)}
    complaint(desk, enterprise=quiet)  # the complaint is put on record: the flag clears
    rules.sweep_rule(code)
    assert not alerts(code).exists()


# --- R-CMP-7: repeat and chain complaints ----------------------------------------------------


def test_r_cmp_7_three_complaints_of_one_enterprise_in_30_days_raise_an_escalating_alert(desk):
    code = "servicedesk.repeat_complaints"
    enterprise = EnterpriseFactory(park=desk.park, account_manager=desk.first)
    for _ in range(2):
        complaint(desk, enterprise=enterprise)
    rules.sweep_rule(code)
    assert not alerts(code, enterprise).exists()
    complaint(desk, enterprise=enterprise)
    rules.sweep_rule(code)
    assert alerts(code, enterprise).get().severity == "warning"
    for _ in range(2):
        complaint(desk, enterprise=enterprise)
    rules.sweep_rule(code)
    assert alerts(code, enterprise).get().severity == "high"


def test_r_cmp_7_complaints_on_one_topic_from_different_enterprises_are_a_chain(desk):
    code = "servicedesk.chain_complaints"
    for _ in range(4):
        complaint(desk, topic="traffic", title="停车场道闸故障")
    complaint(desk, topic="fees", title="收费")
    rules.sweep_rule(code)
    (alert,) = alerts(code)
    assert "停车交通" in alert.message and "4 起" in alert.message  # the chain's length


# --- R-CMP-8: accountability referral; the enterprise's side --------------------------------


def test_r_cmp_8_a_complaint_opens_an_accountability_referral(desk):
    from parkflow.core.models import Article

    made = complaint(desk)
    article = Article.objects.get(ref="Art.22")
    with pytest.raises(PermissionDenied):
        sc.referral_open(
            actor=desk.first,
            complaint=made,
            responsible_person=desk.second,
            article=article,
            facts="首问未落实",
        )
    referral = sc.referral_open(
        actor=desk.head,
        complaint=made,
        responsible_person=desk.second,
        article=article,
        facts="首问未落实，推诿三次",
    )
    assert referral.status == "open" and referral.park_id == desk.park.pk


def test_the_enterprise_confirms_or_reopens_and_staff_cannot_confirm(desk):
    made = complaint(desk)
    user = enterprise_user(made.enterprise)
    sc.complaint_take(actor=desk.first, complaint=made)
    sc.complaint_resolve(actor=desk.first, complaint=made, resolution="已维修")
    with pytest.raises(PermissionDenied):
        sc.complaint_confirm(actor=desk.first, complaint=made, rating=5)
    sc.complaint_reopen(actor=user, complaint=made, reason="仍然故障")
    made.refresh_from_db()
    assert made.status == ComplaintStatus.IN_PROGRESS and made.reopen_count == 1
    sc.complaint_resolve(actor=desk.first, complaint=made, resolution="更换主板")
    sc.complaint_confirm(actor=user, complaint=made, rating=4, comment="满意")
    made.refresh_from_db()
    assert made.status == ComplaintStatus.CLOSED and made.rating == 4


def test_r_cmp_6_recording_late_is_flagged_at_once_not_only_at_the_next_sweep(
    desk, django_capture_on_commit_callbacks
):
    code = "servicedesk.complaint_recorded_late"
    with django_capture_on_commit_callbacks(execute=True):
        late = complaint(desk, received_at=at(2026, 11, 20, 9))
    assert alerts(code, late).count() == 1


def test_r_cmp_7_the_third_complaint_raises_the_repeat_and_chain_alerts_at_once(
    desk, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(park=desk.park, account_manager=desk.first)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            complaint(desk, enterprise=enterprise, topic="network")
    assert alerts("servicedesk.repeat_complaints", enterprise).count() == 1
    assert alerts("servicedesk.chain_complaints").count() == 1
