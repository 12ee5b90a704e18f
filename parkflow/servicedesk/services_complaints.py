"""Writes of complaints (R-CMP-1 … R-CMP-8). Each is a ``@service``: one transaction, permission
checked on the object, audited.

Lock order (the one order every complaint service takes rows in): the complaint, then its
pending transfer, then its emergency plan.

Nothing recorded is rewritten: a complaint's text, channel and times are fixed (a database
trigger refuses a change); responses, progress, corrections and the enterprise's own words are
appended notes."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from parkflow.core import access, audit, calendar, clock, rules, sla
from parkflow.core.choices import ReviewDecision
from parkflow.core.db import service
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.validation import check_length
from parkflow.notifications import publish

from . import gates, grading
from .choices import (
    ComplaintChannel,
    ComplaintGrade,
    ComplaintStatus,
    ComplaintTopic,
    NoteKind,
    PlanStage,
    TransferStatus,
)
from .clocks import COMPLAINT_RESOLUTION, COMPLAINT_RESPONSE, MAJOR_EVENT_REPORT
from .models import (
    AccountabilityReferral,
    Complaint,
    ComplaintNote,
    ComplaintTransfer,
    EmergencyPlan,
    GradingCriterion,
    TopicWatch,
)
from .notifications import COMPLAINT_TRANSFER, MAJOR_COMPLAINT, MAJOR_EVENT_REPORTED

SYSTEM_OPERATIONS = {
    "complaints_auto_close": "the daily job closes results the enterprise left unanswered for "
    "five working days (R-CMP-3); no person acts",
    "complaint_downgrade_outcome": "the downgrade gate's consequence: applied by the review page "
    "and API after a leader's decision committed (D41); the decision is the audited act",
    "plan_review_outcome": "the plan gate's consequence: applied by the review page and API "
    "after the leading group's decision committed (D41); the decision is the audited act",
}

AUTO_CLOSE_WORKING_DAYS = 5
BY_RECORDING = "the complaint's recording"
BY_OWNER = "the complaint's first responder"
STAFF_CHANNELS = (
    ComplaintChannel.PHONE,
    ComplaintChannel.VISIT,
    ComplaintChannel.EMAIL,
    ComplaintChannel.HOTLINE,
)


def _text(field, value, max_length, label, *, required=True, requirement="R-CMP-1") -> str:
    text = check_length(field, value, max_length, label=label, requirement=requirement).strip()
    if required and not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement=requirement
        )
    return text


def _locked(complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("enterprise")
        .get(pk=complaint.pk)
    )


def _locked_plan(plan) -> EmergencyPlan:
    return (
        EmergencyPlan.objects.select_for_update(of=("self",), no_key=True)
        .select_related("complaint")
        .get(pk=plan.pk)
    )


def _owner_only(actor, complaint) -> None:
    if complaint.owner_id != actor.pk:
        raise PermissionDenied(
            "not_the_owner",
            _("只有首问负责人（或已接收转办的人）可以办理此投诉。"),
            requirement="R-CMP-4",
        )


def _note(actor, complaint, kind, text) -> ComplaintNote:
    return ComplaintNote.objects.create(
        complaint=complaint, kind=kind, text=text, author=actor, created_at=clock.now()
    )


# ---------------------------------------------------------------------------------------------
# Recording and grading (R-CMP-1, R-CMP-2)


def _received_at(value, now) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ValidationFailed({"received_at": [_("请填写接收时间。")]}, requirement="R-CMP-1")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now:
        raise ValidationFailed(
            {"received_at": [_("接收时间不能晚于登记时间。")]}, requirement="R-CMP-1"
        )
    return value


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationFailed(
            {"amount": [_("涉及金额应为不小于 0 的金额（元）。")]}, requirement="R-CMP-2"
        )
    return amount.quantize(Decimal("0.01"))


def _count(field, value, label) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100000:
        raise ValidationFailed(
            {field: [_("%(label)s应为 1 至 100000 之间的整数。") % {"label": label}]},
            requirement="R-CMP-2",
        )
    return value


def _repeat_count(enterprise, received_on) -> int:
    """Complaints of the enterprise received in the 30 days up to ``received_on``, this one
    included (the matrix's repeat criterion)."""
    since = received_on - datetime.timedelta(days=grading.REPEAT_WINDOW_DAYS - 1)
    earlier = Complaint.objects.filter(
        enterprise=enterprise, received_on__gte=since, received_on__lte=received_on
    ).count()
    return earlier + 1


@service
def complaint_record(
    *,
    actor,
    enterprise,
    topic: str,
    title: str,
    text: str,
    channel: str = "",
    complainant: str = "",
    contact: str = "",
    received_at=None,
    hotline_ticket: str = "",
    enterprises_affected: int = 1,
    safety: bool = False,
    media_exposure: bool = False,
    amount=None,
    grade: str = "",
    grade_reason: str = "",
) -> Complaint:
    """Record a complaint as received (R-CMP-1): by the enterprise in the portal (received now),
    or by staff from a call, a visit, an e-mail or a 12345 referral with the time it was
    received. The matrix proposes the grade; a staff member may grade it higher at once, but a
    grade below the proposal waits for a leader's approval (R-CMP-2). The response clock runs
    from receipt; a major complaint starts its emergency plan in the same transaction."""
    access.ensure(actor, "complaint.record", enterprise, requirement="R-CMP-1")
    now = clock.now()
    portal = access.is_enterprise_user(actor)
    if portal:
        channel, received_at = ComplaintChannel.PORTAL, now
        complainant = complainant or str(actor)
        hotline_ticket = ""
    else:
        if channel not in STAFF_CHANNELS:
            raise ValidationFailed(
                {"channel": [_("请选择投诉渠道：电话、来访、电子邮件或 12345 热线转办。")]},
                requirement="R-CMP-1",
            )
        received_at = _received_at(received_at, now)
    if topic not in ComplaintTopic.values:
        raise ValidationFailed({"topic": [_("请选择投诉主题。")]}, requirement="R-CMP-1")
    hotline_ticket = _text("hotline_ticket", hotline_ticket, 40, _("12345 工单号"), required=False)
    if channel == ComplaintChannel.HOTLINE and not hotline_ticket:
        raise ValidationFailed(
            {"hotline_ticket": [_("12345 热线转办的投诉请填写工单号。")]}, requirement="R-CMP-1"
        )
    if grade and grade not in ComplaintGrade.values:
        raise ValidationFailed({"grade": [_("请选择投诉等级。")]}, requirement="R-CMP-2")
    if grade and portal:
        grade = ""  # the enterprise does not grade its own complaint
    received_on = timezone.localdate(received_at)
    complaint = Complaint(
        park_id=enterprise.park_id,
        enterprise=enterprise,
        channel=channel,
        hotline_ticket=hotline_ticket,
        topic=topic,
        title=_text("title", title, 100, _("投诉事由")),
        text=_text("text", text, 10000, _("投诉内容")),
        complainant=_text("complainant", complainant, 50, _("投诉人")),
        contact=_text("contact", contact, 50, _("联系方式"), required=False),
        received_at=received_at,
        received_on=received_on,
        recorded_at=now,
        recorded_by=actor,
        enterprises_affected=_count("enterprises_affected", enterprises_affected, _("涉及企业数")),
        safety=bool(safety),
        media_exposure=bool(media_exposure),
        amount=_amount(amount),
        repeat_count=_repeat_count(enterprise, received_on),
    )
    proposal = grading.propose(grading.Facts.of(complaint))
    complaint.proposed_grade = proposal.grade
    complaint.grade = proposal.grade
    reason = _text("grade_reason", grade_reason, 300, _("定级说明"), required=False)
    downgrade = bool(grade) and grading.is_below(grade, proposal.grade)
    if grade and grade != proposal.grade:
        if not reason:
            raise ValidationFailed(
                {"grade_reason": [_("等级与分级矩阵建议不同，请说明理由。")]},
                requirement="R-CMP-2",
            )
        if downgrade:
            complaint.requested_grade = grade
            complaint.grade_requested_by = actor
        else:
            complaint.grade = grade
    complaint.grade_reason = reason or "；".join(proposal.reasons)
    complaint.save()
    TopicWatch.objects.get_or_create(park_id=complaint.park_id, topic=topic)
    audit.record(
        actor,
        "complaint.record",
        complaint,
        after={
            "channel": channel,
            "topic": topic,
            "received_at": received_at,
            "proposed_grade": proposal.grade,
            "grade": complaint.grade,
        },
    )
    sla.start(
        actor=actor,
        obj=complaint,
        clock=COMPLAINT_RESPONSE,
        since=received_at,
        authorised_by=BY_RECORDING,
    )
    sla.start(
        actor=actor,
        obj=complaint,
        clock=COMPLAINT_RESOLUTION,
        since=received_at,
        authorised_by=BY_RECORDING,
    )
    if complaint.is_major:
        _activate_plan(actor, complaint)
    if downgrade:
        gates.DOWNGRADE_APPROVAL.request(actor=actor, obj=complaint)
    rules.evaluate_on_commit(complaint)
    return complaint


def _activate_plan(actor, complaint) -> EmergencyPlan:
    """A major complaint starts its emergency plan at once (Art.17), is a major event to be
    reported within 24 hours (R-RSK-6), and the principal and the in-charge leader are told on
    every configured channel (R-CMP-3)."""
    plan, created = EmergencyPlan.objects.get_or_create(
        complaint=complaint,
        defaults={"park_id": complaint.park_id, "activated_at": clock.now()},
    )
    if not created:
        return plan
    audit.record(actor, "emergency_plan.activate", plan, after={"stage": plan.stage})
    sla.start(actor=actor, obj=plan, clock=MAJOR_EVENT_REPORT, authorised_by=BY_RECORDING)
    publish(
        MAJOR_COMPLAINT,
        obj=complaint,
        park=complaint.park_id,
        title=_("重大投诉：%(title)s") % {"title": complaint.title},
        body=_(
            "%(enterprise)s 的投诉“%(title)s”定为重大投诉，已启动应急预案。"
            "请 24 小时内完成重大事件报告，解决方案须经领导小组审查后方可实施。"
        )
        % {"enterprise": complaint.enterprise, "title": complaint.title},
    )
    return plan


def _clock(complaint, declared):
    """The complaint's row of ``declared`` (None before it started)."""
    return sla.clocks_for(Complaint.objects.filter(pk=complaint.pk), declared).first()


def _resolution_clock(complaint):
    return _clock(complaint, COMPLAINT_RESOLUTION)


def _apply_grade(actor, complaint, grade, reason) -> None:
    before = {"grade": complaint.grade}
    complaint.grade = grade
    complaint.save(update_fields=["grade", "grade_reason", "requested_grade", "grade_requested_by"])
    audit.record(actor, "complaint.regrade", complaint, before=before, after={"grade": grade})
    for declared in (COMPLAINT_RESPONSE, COMPLAINT_RESOLUTION):
        row = _clock(complaint, declared)
        if row is not None and row.is_active:
            sla.regrade(
                actor=actor,
                obj=complaint,
                clock=declared,
                grade=grade,
                reason=reason,
                authorised_by=BY_OWNER,
            )
    if grade == ComplaintGrade.MAJOR:
        _activate_plan(actor, complaint)


@service
def complaint_regrade(*, actor, complaint: Complaint, grade: str, reason: str) -> Complaint:
    """Change a complaint's grade. Up to the proposal or above takes effect at once (a major one
    starts the emergency plan); below the matrix's proposal it waits for a leader's approval —
    the grade stays as it is until then (R-CMP-2)."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.grade", complaint, requirement="R-CMP-2")
    if complaint.status == ComplaintStatus.CLOSED:
        raise Conflict("complaint_closed", _("投诉已办结，不能调整等级。"), requirement="R-CMP-2")
    if grade not in ComplaintGrade.values:
        raise ValidationFailed({"grade": [_("请选择投诉等级。")]}, requirement="R-CMP-2")
    if grade == complaint.grade:
        raise ValidationFailed({"grade": [_("与当前等级相同。")]}, requirement="R-CMP-2")
    if complaint.requested_grade:
        raise Conflict("downgrade_pending", _("已有降级申请等待领导审批。"), requirement="R-CMP-2")
    complaint.grade_reason = _text("reason", reason, 300, _("调整理由"), requirement="R-CMP-2")
    if grading.is_below(grade, complaint.proposed_grade):
        complaint.requested_grade = grade
        complaint.grade_requested_by = actor
        complaint.save(update_fields=["requested_grade", "grade_requested_by", "grade_reason"])
        audit.record(
            actor,
            "complaint.downgrade_request",
            complaint,
            after={"grade": complaint.grade, "requested": grade},
            reason=complaint.grade_reason,
        )
        gates.DOWNGRADE_APPROVAL.request(actor=actor, obj=complaint)
        return complaint
    _apply_grade(actor, complaint, grade, complaint.grade_reason)
    return complaint


@service
def complaint_downgrade_outcome(*, actor, review) -> Complaint:
    """A leader's decision on a requested downgrade: approved, the grade drops; refused or sent
    back, the request lapses and the grade stays."""
    complaint = Complaint.objects.select_for_update(of=("self",), no_key=True).get(
        pk=review.object_id
    )
    if not complaint.requested_grade:
        return complaint
    state = gates.DOWNGRADE_APPROVAL.state(complaint)
    if review.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN) and state.is_latest:
        requested = complaint.requested_grade
        complaint.requested_grade = ""
        complaint.grade_requested_by = None
        complaint.save(update_fields=["requested_grade", "grade_requested_by"])
        audit.record(
            actor,
            "complaint.downgrade_refused",
            complaint,
            after={"grade": complaint.grade, "requested": requested},
            reason=review.opinion[:500],
        )
        return complaint
    if not state.passed:
        return complaint
    grade = complaint.requested_grade
    complaint.requested_grade = ""
    complaint.grade_requested_by = None
    _apply_grade(actor, complaint, grade, review.opinion[:200])
    return complaint


# ---------------------------------------------------------------------------------------------
# First responder and transfers (R-CMP-4, Art.13 "严禁推诿")


@service
def complaint_take(*, actor, complaint: Complaint) -> Complaint:
    """首问负责制: the first staff member who takes the complaint owns it."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-4")
    if complaint.owner_id is not None:
        raise Conflict(
            "already_owned",
            _("该投诉已由 %(owner)s 首问受理。") % {"owner": complaint.owner},
            requirement="R-CMP-4",
        )
    complaint.owner = actor
    complaint.taken_at = clock.now()
    complaint.status = ComplaintStatus.IN_PROGRESS
    complaint.save(update_fields=["owner", "taken_at", "status"])
    audit.record(actor, "complaint.take", complaint, after={"owner": actor.pk})
    return complaint


@service
def complaint_transfer_offer(
    *, actor, complaint: Complaint, to_person, reason: str
) -> ComplaintTransfer:
    """The owner offers the complaint to a colleague; ownership moves only if they accept. The
    offer is counted either way: the third raises an alert to the department head."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-4")
    _owner_only(actor, complaint)
    if complaint.status != ComplaintStatus.IN_PROGRESS:
        raise Conflict("not_in_progress", _("只有处理中的投诉可以转办。"), requirement="R-CMP-4")
    if to_person.pk == actor.pk or not access.may(to_person, "complaint.handle", complaint):
        raise ValidationFailed(
            {"to_person": [_("请选择本园区可办理投诉的其他工作人员。")]}, requirement="R-CMP-4"
        )
    if complaint.transfers.filter(status=TransferStatus.PENDING).exists():
        raise Conflict("transfer_pending", _("已有一项转办待对方接收。"), requirement="R-CMP-4")
    transfer = ComplaintTransfer.objects.create(
        complaint=complaint,
        from_owner=actor,
        to_person=to_person,
        reason=_text("reason", reason, 300, _("转办原因"), requirement="R-CMP-4"),
        created_at=clock.now(),
    )
    complaint.transfer_count += 1
    complaint.save(update_fields=["transfer_count"])
    audit.record(
        actor,
        "complaint.transfer_offer",
        complaint,
        after={"to": to_person.pk, "count": complaint.transfer_count},
        reason=transfer.reason,
    )
    publish(
        COMPLAINT_TRANSFER,
        obj=complaint,
        recipients=[to_person],
        exclude=[actor],
        title=_("投诉转办待您接收：%(title)s") % {"title": complaint.title},
        body=_("%(actor)s 将投诉“%(title)s”转办给您，原因：%(reason)s")
        % {"actor": actor, "title": complaint.title, "reason": transfer.reason},
    )
    rules.evaluate_on_commit(complaint)
    return transfer


def _pending_transfer(actor, transfer) -> tuple[Complaint, ComplaintTransfer]:
    complaint = _locked(transfer.complaint)
    transfer = ComplaintTransfer.objects.select_for_update(of=("self",), no_key=True).get(
        pk=transfer.pk
    )
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-4")
    if transfer.to_person_id != actor.pk:
        raise PermissionDenied(
            "not_the_receiver", _("只有转办接收人可以接收或拒绝。"), requirement="R-CMP-4"
        )
    if transfer.status != TransferStatus.PENDING:
        raise Conflict("transfer_decided", _("该转办已处理。"), requirement="R-CMP-4")
    return complaint, transfer


@service
def complaint_transfer_accept(*, actor, transfer: ComplaintTransfer) -> Complaint:
    complaint, transfer = _pending_transfer(actor, transfer)
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_at = clock.now()
    transfer.save(update_fields=["status", "decided_at"])
    before = {"owner": complaint.owner_id}
    complaint.owner = actor
    complaint.save(update_fields=["owner"])
    audit.record(
        actor, "complaint.transfer_accept", complaint, before=before, after={"owner": actor.pk}
    )
    return complaint


@service
def complaint_transfer_decline(*, actor, transfer: ComplaintTransfer, reason: str):
    complaint, transfer = _pending_transfer(actor, transfer)
    transfer.status = TransferStatus.DECLINED
    transfer.decided_at = clock.now()
    transfer.decline_reason = _text("reason", reason, 300, _("拒绝原因"), requirement="R-CMP-4")
    transfer.save(update_fields=["status", "decided_at", "decline_reason"])
    audit.record(actor, "complaint.transfer_decline", complaint, reason=transfer.decline_reason)
    return transfer


# ---------------------------------------------------------------------------------------------
# Responding and appending (R-CMP-3, R-CMP-6)


@service
def complaint_respond(*, actor, complaint: Complaint, text: str) -> ComplaintNote:
    """The owner answers the enterprise (seen in the portal). The first answer stops the
    response clock: met or breached is recorded once."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-3")
    _owner_only(actor, complaint)
    if complaint.status != ComplaintStatus.IN_PROGRESS:
        raise Conflict("not_in_progress", _("只有处理中的投诉可以答复。"), requirement="R-CMP-3")
    note = _note(actor, complaint, NoteKind.RESPONSE, _text("text", text, 5000, _("答复内容")))
    first = complaint.first_response_at is None
    if first:
        complaint.first_response_at = note.created_at
        complaint.save(update_fields=["first_response_at"])
    audit.record(actor, "complaint.respond", complaint, after={"note": note.pk, "first": first})
    if first:
        sla.stop(actor=actor, obj=complaint, clock=COMPLAINT_RESPONSE, authorised_by=BY_OWNER)
    rules.evaluate_on_commit(complaint)
    return note


@service
def complaint_note_add(
    *, actor, complaint: Complaint, text: str, kind: str = NoteKind.PROGRESS
) -> ComplaintNote:
    """Append progress or a correction to the record (staff): nothing already recorded is
    changed — a correction says what was wrong, under the original (R-CMP-6)."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-6")
    if kind not in (NoteKind.PROGRESS, NoteKind.CORRECTION):
        raise ValidationFailed({"kind": [_("请选择记录类型。")]}, requirement="R-CMP-6")
    note = _note(
        actor, complaint, kind, _text("text", text, 5000, _("内容"), requirement="R-CMP-6")
    )
    audit.record(actor, "complaint.note", complaint, after={"note": note.pk, "kind": kind})
    return note


@service
def complaint_wait(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """The owner waits for the enterprise (photos, a site visit): the resolution clock pauses
    until the enterprise adds to its complaint or the owner goes on; the reason is appended to
    the record."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-3")
    _owner_only(actor, complaint)
    row = _resolution_clock(complaint)
    if complaint.status != ComplaintStatus.IN_PROGRESS or row is None or row.state != "running":
        raise Conflict(
            "not_running", _("只有计时中的投诉可以暂停等待企业。"), requirement="R-CMP-3"
        )
    reason = _text("reason", reason, 300, _("等待原因"), requirement="R-CMP-3")
    note = _note(
        actor, complaint, NoteKind.PROGRESS, _("等待企业：%(reason)s") % {"reason": reason}
    )
    audit.record(actor, "complaint.wait", complaint, after={"note": note.pk}, reason=reason)
    sla.pause(
        actor=actor,
        obj=complaint,
        clock=COMPLAINT_RESOLUTION,
        reason=reason,
        authorised_by=BY_OWNER,
    )
    return complaint


def _resume_if_waiting(actor, complaint, authorised_by) -> None:
    row = _resolution_clock(complaint)
    if row is not None and row.state == "paused":
        sla.resume(
            actor=actor, obj=complaint, clock=COMPLAINT_RESOLUTION, authorised_by=authorised_by
        )


@service
def complaint_resume(*, actor, complaint: Complaint) -> Complaint:
    """The owner goes on without waiting longer: the resolution clock runs again."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-3")
    _owner_only(actor, complaint)
    row = _resolution_clock(complaint)
    if row is None or row.state != "paused":
        raise Conflict("not_waiting", _("该投诉没有在等待企业。"), requirement="R-CMP-3")
    audit.record(actor, "complaint.resume", complaint)
    _resume_if_waiting(actor, complaint, BY_OWNER)
    return complaint


@service
def complaint_supplement(*, actor, complaint: Complaint, text: str) -> ComplaintNote:
    """The enterprise adds to its complaint in the portal (appended, like everything else); a
    complaint waiting for it goes on (its resolution clock runs again)."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.supplement", complaint, requirement="R-CMP-1")
    if complaint.status == ComplaintStatus.CLOSED:
        raise Conflict("complaint_closed", _("投诉已办结。"), requirement="R-CMP-1")
    note = _note(actor, complaint, NoteKind.ENTERPRISE, _text("text", text, 5000, _("补充内容")))
    audit.record(actor, "complaint.supplement", complaint, after={"note": note.pk})
    _resume_if_waiting(actor, complaint, "the enterprise's own addition to its complaint")
    return note


# ---------------------------------------------------------------------------------------------
# The major complaint's emergency plan (Art.17, Art.20(一)3, Art.21(二), R-CMP-5, R-RSK-6)


@service
def major_event_report(
    *, actor, plan: EmergencyPlan, control_measures: str, report_text: str
) -> EmergencyPlan:
    """即时控制 → 逐级上报: the measures taken at once and the major-event report, sent to the
    office copying the in-charge leader; the 24-hour clock stops (met or breached)."""
    complaint = _locked(plan.complaint)
    plan = _locked_plan(plan)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-RSK-6")
    if plan.stage != PlanStage.ACTIVATED:
        raise Conflict("already_reported", _("重大事件已上报。"), requirement="R-RSK-6")
    plan.control_measures = _text(
        "control_measures", control_measures, 5000, _("即时控制措施"), requirement="R-RSK-6"
    )
    plan.report_text = _text(
        "report_text", report_text, 5000, _("重大事件报告"), requirement="R-RSK-6"
    )
    plan.stage = PlanStage.REPORTED
    plan.reported_at = clock.now()
    plan.reported_by = actor
    plan.save(
        update_fields=["control_measures", "report_text", "stage", "reported_at", "reported_by"]
    )
    audit.record(actor, "emergency_plan.report", plan, after={"stage": plan.stage})
    sla.stop(actor=actor, obj=plan, clock=MAJOR_EVENT_REPORT, authorised_by=BY_OWNER)
    publish(
        MAJOR_EVENT_REPORTED,
        obj=plan,
        park=plan.park_id,
        exclude=[actor],
        title=_("重大事件报告：%(title)s") % {"title": complaint.title},
        body=plan.report_text,
    )
    return plan


@service
def plan_submit(*, actor, plan: EmergencyPlan, plan_text: str) -> EmergencyPlan:
    """制定方案: the resolution plan goes to the leading group's review. A plan sent back is
    revised and submitted again (a new round on the new text)."""
    complaint = _locked(plan.complaint)
    plan = _locked_plan(plan)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-5")
    if plan.stage not in (PlanStage.REPORTED, PlanStage.PLAN_REVIEW):
        raise Conflict(
            "plan_not_open",
            _("请先完成重大事件上报；方案实施后不能再修改。")
            if plan.stage == PlanStage.ACTIVATED
            else _("方案已在实施，不能再修改。"),
            requirement="R-CMP-5",
        )
    plan.plan_text = _text("plan_text", plan_text, 10000, _("解决方案"), requirement="R-CMP-5")
    plan.plan_author = actor
    plan.plan_submitted_at = clock.now()
    plan.stage = PlanStage.PLAN_REVIEW
    plan.save(update_fields=["plan_text", "plan_author", "plan_submitted_at", "stage"])
    audit.record(actor, "emergency_plan.submit", plan, after={"stage": plan.stage})
    gates.PLAN_REVIEW.request(actor=actor, obj=plan)
    return plan


@service
def plan_review_outcome(*, actor, review) -> EmergencyPlan:
    """The leading group's decision: a rejection sends the plan back to be revised (the stage
    returns to 已上报); an approval lets it be carried out — by the owner's own step."""
    plan = EmergencyPlan.objects.select_for_update(of=("self",), no_key=True).get(
        pk=review.object_id
    )
    state = gates.PLAN_REVIEW.state(plan)
    if (
        review.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN)
        and state.is_latest
        and plan.stage == PlanStage.PLAN_REVIEW
    ):
        plan.stage = PlanStage.REPORTED
        plan.save(update_fields=["stage"])
        audit.record(
            actor,
            "emergency_plan.send_back",
            plan,
            after={"stage": plan.stage},
            reason=review.opinion[:500],
        )
    return plan


@service
def plan_carry_out(*, actor, plan: EmergencyPlan) -> EmergencyPlan:
    """未经审查不得实施: the plan is carried out only once the leading group approved this very
    text (the gate refuses otherwise, naming what is missing)."""
    complaint = _locked(plan.complaint)
    plan = _locked_plan(plan)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-5")
    _owner_only(actor, complaint)
    if plan.stage != PlanStage.PLAN_REVIEW:
        raise Conflict("plan_not_reviewed", _("方案尚未提交领导小组审查。"), requirement="R-CMP-5")
    gates.PLAN_REVIEW.require(plan)
    plan.stage = PlanStage.CARRYING_OUT
    plan.carried_out_at = clock.now()
    plan.carried_out_by = actor
    plan.save(update_fields=["stage", "carried_out_at", "carried_out_by"])
    audit.record(actor, "emergency_plan.carry_out", plan, after={"stage": plan.stage})
    return plan


@service
def plan_complete(*, actor, plan: EmergencyPlan, rectification: str) -> EmergencyPlan:
    """跟踪整改: the rectification is done and recorded."""
    complaint = _locked(plan.complaint)
    plan = _locked_plan(plan)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-5")
    _owner_only(actor, complaint)
    if plan.stage != PlanStage.CARRYING_OUT:
        raise Conflict("plan_not_carried_out", _("方案尚未实施。"), requirement="R-CMP-5")
    plan.rectification = _text(
        "rectification", rectification, 5000, _("整改情况"), requirement="R-CMP-5"
    )
    plan.stage = PlanStage.COMPLETED
    plan.completed_at = clock.now()
    plan.save(update_fields=["rectification", "stage", "completed_at"])
    audit.record(actor, "emergency_plan.complete", plan, after={"stage": plan.stage})
    return plan


# ---------------------------------------------------------------------------------------------
# Resolving, confirming, reopening


@service
def complaint_resolve(*, actor, complaint: Complaint, resolution: str) -> Complaint:
    """The owner records the result; the enterprise confirms or reopens it. A major complaint
    is resolved only through its reviewed plan (R-CMP-5)."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.handle", complaint, requirement="R-CMP-3")
    _owner_only(actor, complaint)
    if complaint.status != ComplaintStatus.IN_PROGRESS:
        raise Conflict("not_in_progress", _("只有处理中的投诉可以办结。"), requirement="R-CMP-3")
    if complaint.is_major:
        plan = EmergencyPlan.objects.get(complaint=complaint)
        gates.PLAN_REVIEW.require(plan)
        if plan.stage not in (PlanStage.CARRYING_OUT, PlanStage.COMPLETED):
            raise Conflict(
                "plan_not_carried_out",
                _("重大投诉须按领导小组审查通过的方案实施后方可办结。"),
                requirement="R-CMP-5",
            )
    complaint.resolution = _text("resolution", resolution, 5000, _("处理结果"))
    complaint.resolved_at = clock.now()
    complaint.status = ComplaintStatus.RESOLVED
    fields = ["resolution", "resolved_at", "status"]
    answered = complaint.first_response_at is None
    if answered:  # the result is the first answer the enterprise gets
        complaint.first_response_at = complaint.resolved_at
        fields.append("first_response_at")
    complaint.save(update_fields=fields)
    audit.record(actor, "complaint.resolve", complaint, after={"status": complaint.status})
    if answered:
        sla.stop(actor=actor, obj=complaint, clock=COMPLAINT_RESPONSE, authorised_by=BY_OWNER)
    row = _resolution_clock(complaint)
    if row is not None and row.is_active:
        sla.stop(actor=actor, obj=complaint, clock=COMPLAINT_RESOLUTION, authorised_by=BY_OWNER)
    rules.evaluate_on_commit(complaint)
    return complaint


def _rating(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed({"rating": [_("请选择 1 至 5 分。")]}, requirement="R-CMP-3")
    return value


@service
def complaint_confirm(*, actor, complaint: Complaint, rating: int, comment: str = ""):
    """The enterprise accepts the result and rates it (portal only)."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.confirm", complaint, requirement="R-CMP-3")
    if complaint.status != ComplaintStatus.RESOLVED:
        raise Conflict("not_resolved", _("投诉尚未办结，不能确认。"), requirement="R-CMP-3")
    complaint.rating = _rating(rating)
    complaint.rating_comment = _text("comment", comment, 300, _("企业评价"), required=False)
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_at = clock.now()
    complaint.save(update_fields=["rating", "rating_comment", "status", "closed_at"])
    audit.record(actor, "complaint.confirm", complaint, after={"rating": complaint.rating})
    return complaint


@service
def complaint_reopen(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """The enterprise is not satisfied: the complaint goes back to its owner, the reason
    appended to the record, the reopening counted."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.confirm", complaint, requirement="R-CMP-3")
    if complaint.status != ComplaintStatus.RESOLVED:
        raise Conflict(
            "not_resolved", _("只有待确认的投诉可以要求重新处理。"), requirement="R-CMP-3"
        )
    note = _note(actor, complaint, NoteKind.REOPEN, _text("reason", reason, 2000, _("不满意原因")))
    complaint.status = ComplaintStatus.IN_PROGRESS
    complaint.reopen_count += 1
    complaint.resolved_at = None
    complaint.save(update_fields=["status", "reopen_count", "resolved_at"])
    audit.record(
        actor,
        "complaint.reopen",
        complaint,
        after={"count": complaint.reopen_count, "note": note.pk},
    )
    return complaint


@service
def complaints_auto_close(*, today=None) -> int:
    """Close, as such, the results left unanswered by the enterprise for five working days."""
    today = today or clock.today()
    candidates = Complaint.objects.select_for_update(of=("self",), no_key=True).filter(
        status=ComplaintStatus.RESOLVED,
        resolved_at__date__lte=today - datetime.timedelta(days=AUTO_CLOSE_WORKING_DAYS),
    )
    stale = [
        complaint
        for complaint in candidates
        if calendar.working_days_between(timezone.localdate(complaint.resolved_at), today)
        >= AUTO_CLOSE_WORKING_DAYS
    ]
    if not stale:
        return 0
    Complaint.objects.filter(pk__in=[c.pk for c in stale]).update(
        status=ComplaintStatus.CLOSED, closed_at=clock.now(), auto_closed=True
    )
    audit.record_many(
        audit.build(None, "complaint.auto_close", complaint, after={"status": "closed"})
        for complaint in stale
    )
    return len(stale)


# ---------------------------------------------------------------------------------------------
# Accountability (R-CMP-8) and the grading matrix (R-CMP-2)


@service
def referral_open(
    *, actor, complaint: Complaint, responsible_person, article, facts: str
) -> AccountabilityReferral:
    """A complaint caused by a rule broken is referred for accountability, naming the person
    and the article (Art.22(一)1); the accountability case itself is R-CPL-5's."""
    complaint = _locked(complaint)
    access.ensure(actor, "complaint.refer", complaint, requirement="R-CMP-8")
    if responsible_person is None or not getattr(responsible_person, "is_active", False):
        raise ValidationFailed({"responsible_person": [_("请选择责任人。")]}, requirement="R-CMP-8")
    if access.is_enterprise_user(responsible_person) or not access.may(
        responsible_person, "complaint.view", complaint
    ):
        raise ValidationFailed(
            {"responsible_person": [_("责任人应为本园区的工作人员。")]}, requirement="R-CMP-8"
        )
    if article is None:
        raise ValidationFailed({"article": [_("请选择违反的制度条款。")]}, requirement="R-CMP-8")
    referral = AccountabilityReferral.objects.create(
        complaint=complaint,
        park_id=complaint.park_id,
        responsible_person=responsible_person,
        article=article,
        facts=_text("facts", facts, 5000, _("违规事实"), requirement="R-CMP-8"),
        referred_by=actor,
        referred_at=clock.now(),
    )
    audit.record(
        actor,
        "complaint.refer",
        complaint,
        after={"person": responsible_person.pk, "article": article.ref},
        reason=referral.facts[:200],
    )
    return referral


def _threshold(field, value, label):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0 or number >= Decimal("1e12"):
        raise ValidationFailed(
            {field: [_("%(label)s应为大于 0 的数值，或留空表示不适用。") % {"label": label}]},
            requirement="R-CMP-2",
        )
    return number


@service
def grading_update(*, actor, thresholds: dict, reason: str) -> list[GradingCriterion]:
    """An administrator edits the matrix: ``{criterion: (较大 at, 重大 at)}``. Every row is
    checked before any is saved; the change is audited with the old and new thresholds."""
    access.ensure(actor, "grading.manage", requirement="R-CMP-2")
    reason = _text("reason", reason, 300, _("调整理由"), requirement="R-CMP-2")
    rows = {
        row.criterion: row
        for row in GradingCriterion.objects.select_for_update(of=("self",), no_key=True)
    }
    unknown = set(thresholds) - set(rows)
    if unknown:
        raise ValidationFailed(
            {
                "thresholds": [
                    _("未知的评估维度：%(names)s") % {"names": "、".join(sorted(unknown))}
                ]
            },
            requirement="R-CMP-2",
        )
    before, after, changed = {}, {}, []
    for code, (significant, major) in thresholds.items():
        row = rows[code]
        label = row.get_criterion_display()
        significant = _threshold(f"{code}-significant_at", significant, label)
        major = _threshold(f"{code}-major_at", major, label)
        if significant is not None and major is not None and major < significant:
            raise ValidationFailed(
                {f"{code}-major_at": [_("%(label)s：重大的阈值不能低于较大。") % {"label": label}]},
                requirement="R-CMP-2",
            )
        if (row.significant_at, row.major_at) == (significant, major):
            continue
        before[code] = [row.significant_at, row.major_at]
        row.significant_at, row.major_at = significant, major
        after[code] = [significant, major]
        row.save(update_fields=["significant_at", "major_at"])
        changed.append(row)
    if changed:
        audit.record(actor, "grading.update", changed[0], before=before, after=after, reason=reason)
    return changed
