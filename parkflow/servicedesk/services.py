"""Writes of the service desk (R-SVC-1). Each is a ``@service``: one transaction, permission
checked on the object, audited; the SLA clocks start and stop in the same transaction. Lock
order: the request's row, then its transfer."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from parkflow.core import access, audit, calendar, clock, sla
from parkflow.core.db import service
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.validation import check_length

from .choices import (
    CallBackChannel,
    CallBackStatus,
    Category,
    Channel,
    RequestStatus,
    TransferStatus,
)
from .clocks import RESOLUTION, RESPONSE
from .models import AnomalyReport, CallBack, ServiceRequest, Transfer

# Services called by the daily job (tasks.py), with no actor: the system acts on its own rule.
SYSTEM_OPERATIONS = {
    "requests_auto_close": "the daily job closes results the enterprise left unanswered for "
    "five working days (R-SVC-1); no person acts",
    "callbacks_generate": "the daily job creates the month's call-backs from its first working "
    "day (R-SVC-2); no person acts",
}

AUTO_CLOSE_WORKING_DAYS = 5  # the enterprise's time to confirm a result (R-SVC-1)
BY_SUBMISSION = "the service request's submission"
BY_OWNER = "the service request's owner"


def _text(field, value, max_length, label, *, required=True) -> str:
    text = check_length(field, value, max_length, label=label, requirement="R-SVC-1").strip()
    if required and not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement="R-SVC-1"
        )
    return text


def _locked(request) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("enterprise")
        .get(pk=request.pk)
    )


@service
def request_submit(
    *, actor, enterprise, category: str, title: str, description: str
) -> ServiceRequest:
    """A request from the enterprise in the portal, or recorded by staff; the response clock
    starts now. An enterprise service (企业服务) is for an enterprise in good standing only
    (R-ENT-5: no valid licence or a failed review, no services); a repair or a question is
    never refused — a safety repair cannot wait for a licence, and a question is how the
    enterprise learns what to renew."""
    access.ensure(actor, "service_request.submit", enterprise, requirement="R-SVC-1")
    if category not in Category.values:
        raise ValidationFailed({"category": [_("请选择类别。")]}, requirement="R-SVC-1")
    if category == Category.ENTERPRISE_SERVICE:
        from parkflow.intake.guards import standing_problems

        problems = standing_problems(enterprise)
        if problems:
            raise Conflict(
                "enterprise_not_in_good_standing",
                _("企业不符合办理企业服务的条件：%(problems)s") % {"problems": "；".join(problems)},
                requirement="R-ENT-5",
            )
    request = ServiceRequest.objects.create(
        park_id=enterprise.park_id,
        enterprise=enterprise,
        category=category,
        title=_text("title", title, 100, _("事由")),
        description=_text("description", description, 5000, _("情况说明")),
        channel=Channel.PORTAL if access.is_enterprise_user(actor) else Channel.STAFF,
        submitted_by=actor,
        submitted_at=clock.now(),
    )
    audit.record(actor, "service_request.submit", request, after={"category": category})
    sla.start(actor=actor, obj=request, clock=RESPONSE, authorised_by=BY_SUBMISSION)
    return request


@service
def request_take(*, actor, request: ServiceRequest) -> ServiceRequest:
    """首问负责制: the first staff member who takes the request owns it. Taking answers it (the
    response clock stops) and starts the resolution clock."""
    request = _locked(request)
    access.ensure(actor, "service_request.handle", request, requirement="R-SVC-1")
    if request.owner_id is not None:
        raise Conflict(
            "already_owned",
            _("该请求已由 %(owner)s 首问受理。") % {"owner": request.owner},
            requirement="R-SVC-1",
        )
    request.owner = actor
    request.taken_at = clock.now()
    request.status = RequestStatus.IN_PROGRESS
    request.save(update_fields=["owner", "taken_at", "status"])
    audit.record(actor, "service_request.take", request, after={"owner": actor.pk})
    sla.stop(actor=actor, obj=request, clock=RESPONSE, authorised_by=BY_OWNER)
    sla.start(actor=actor, obj=request, clock=RESOLUTION, authorised_by=BY_OWNER)
    return request


def _owner_only(actor, request) -> None:
    if request.owner_id != actor.pk:
        raise PermissionDenied(
            "not_the_owner",
            _("只有负责人（首问负责人或已接收转办的人）可以办理此请求。"),
            requirement="R-SVC-1",
        )


@service
def transfer_offer(*, actor, request: ServiceRequest, to_person, reason: str) -> Transfer:
    """The owner offers the request to a colleague. Ownership does not move until the colleague
    accepts; the offer is counted either way (the third raises an alert)."""
    request = _locked(request)
    access.ensure(actor, "service_request.handle", request, requirement="R-SVC-1")
    _owner_only(actor, request)
    if request.status not in (RequestStatus.IN_PROGRESS,):
        raise Conflict("not_in_progress", _("只有处理中的请求可以转办。"), requirement="R-SVC-1")
    if to_person.pk == actor.pk or not access.may(to_person, "service_request.handle", request):
        raise ValidationFailed(
            {"to_person": [_("请选择本园区可办理服务请求的其他工作人员。")]},
            requirement="R-SVC-1",
        )
    if request.transfers.filter(status=TransferStatus.PENDING).exists():
        raise Conflict("transfer_pending", _("已有一项转办待对方接收。"), requirement="R-SVC-1")
    transfer = Transfer.objects.create(
        request=request,
        from_owner=actor,
        to_person=to_person,
        reason=_text("reason", reason, 300, _("转办原因")),
        created_at=clock.now(),
    )
    request.transfer_count += 1
    request.save(update_fields=["transfer_count"])
    audit.record(
        actor,
        "service_request.transfer_offer",
        request,
        after={"to": to_person.pk, "count": request.transfer_count},
        reason=transfer.reason,
    )
    return transfer


def _pending(actor, transfer) -> tuple[ServiceRequest, Transfer]:
    request = _locked(transfer.request)
    transfer = Transfer.objects.select_for_update(of=("self",), no_key=True).get(pk=transfer.pk)
    if transfer.to_person_id != actor.pk:
        raise PermissionDenied(
            "not_the_receiver", _("只有转办接收人可以接收或拒绝。"), requirement="R-SVC-1"
        )
    if transfer.status != TransferStatus.PENDING:
        raise Conflict("transfer_decided", _("该转办已处理。"), requirement="R-SVC-1")
    return request, transfer


@service
def transfer_accept(*, actor, transfer: Transfer) -> ServiceRequest:
    """The receiver accepts: from now on the request is theirs."""
    request, transfer = _pending(actor, transfer)
    access.ensure(actor, "service_request.handle", request, requirement="R-SVC-1")
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_at = clock.now()
    transfer.save(update_fields=["status", "decided_at"])
    before = {"owner": request.owner_id}
    request.owner = actor
    request.save(update_fields=["owner"])
    audit.record(
        actor, "service_request.transfer_accept", request, before=before, after={"owner": actor.pk}
    )
    return request


@service
def transfer_decline(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The receiver declines: ownership stays where it was."""
    request, transfer = _pending(actor, transfer)
    access.ensure(actor, "service_request.handle", request, requirement="R-SVC-1")
    transfer.status = TransferStatus.DECLINED
    transfer.decided_at = clock.now()
    transfer.decline_reason = _text("reason", reason, 300, _("拒绝原因"))
    transfer.save(update_fields=["status", "decided_at", "decline_reason"])
    audit.record(actor, "service_request.transfer_decline", request, reason=transfer.decline_reason)
    return transfer


@service
def request_resolve(*, actor, request: ServiceRequest, resolution: str) -> ServiceRequest:
    """The owner records the result; the enterprise is asked to confirm and rate it."""
    request = _locked(request)
    access.ensure(actor, "service_request.handle", request, requirement="R-SVC-1")
    _owner_only(actor, request)
    if request.status != RequestStatus.IN_PROGRESS:
        raise Conflict("not_in_progress", _("只有处理中的请求可以办结。"), requirement="R-SVC-1")
    request.resolution = _text("resolution", resolution, 5000, _("处理结果"))
    request.resolved_at = clock.now()
    request.status = RequestStatus.RESOLVED
    request.save(update_fields=["resolution", "resolved_at", "status"])
    audit.record(actor, "service_request.resolve", request, after={"status": request.status})
    sla.stop(actor=actor, obj=request, clock=RESOLUTION, authorised_by=BY_OWNER)
    return request


@service
def request_confirm(
    *, actor, request: ServiceRequest, rating: int, comment: str = ""
) -> ServiceRequest:
    """The enterprise confirms the result and rates it 1–5 (R-SVC-1)."""
    request = _locked(request)
    access.ensure(actor, "service_request.confirm", request, requirement="R-SVC-1")
    if request.status != RequestStatus.RESOLVED:
        raise Conflict("not_resolved", _("请求尚未办结，不能确认。"), requirement="R-SVC-1")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationFailed({"rating": [_("请选择 1 至 5 分。")]}, requirement="R-SVC-1")
    request.rating = rating
    request.rating_comment = _text("comment", comment, 300, _("企业评价"), required=False)
    request.status = RequestStatus.CLOSED
    request.closed_at = clock.now()
    request.save(update_fields=["rating", "rating_comment", "status", "closed_at"])
    audit.record(actor, "service_request.confirm", request, after={"rating": rating})
    return request


@service
def requests_auto_close(*, today=None) -> int:
    """Close, as such, the results the enterprise left unanswered for N working days (a daily
    job; the system acts)."""
    today = today or clock.today()
    # N working days are at least N calendar days: the candidates, then the calendar's count.
    candidates = ServiceRequest.objects.select_for_update(of=("self",), no_key=True).filter(
        status=RequestStatus.RESOLVED,
        resolved_at__date__lte=today - datetime.timedelta(days=AUTO_CLOSE_WORKING_DAYS),
    )
    stale = [
        request
        for request in candidates
        if calendar.working_days_between(timezone.localdate(request.resolved_at), today)
        >= AUTO_CLOSE_WORKING_DAYS
    ]
    if not stale:
        return 0
    now = clock.now()
    ServiceRequest.objects.filter(pk__in=[r.pk for r in stale]).update(
        status=RequestStatus.CLOSED, closed_at=now, auto_closed=True
    )
    audit.record_many(
        audit.build(None, "service_request.auto_close", request, after={"status": "closed"})
        for request in stale
    )
    return len(stale)


# ---------------------------------------------------------------------------------------------
# Monthly call-backs (R-SVC-2)

LOW_SCORE = 2
FOLLOW_UP_WORKING_DAYS = 3


@service
def callbacks_generate(*, today=None) -> int:
    """From the month's first working day on, one call-back per resident enterprise for the
    month, owned by its account manager and due on the month's last working day. Idempotent:
    only the missing ones are created (a second run, or a second worker, adds nothing; the
    unique constraint settles a race)."""
    from parkflow.enterprises.choices import EnterpriseStatus
    from parkflow.enterprises.models import Enterprise

    today = today or clock.today()
    first = today.replace(day=1)
    if today < calendar.first_working_day_of_month(today.year, today.month):
        return 0
    period = f"{today:%Y-%m}"
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    due_on = calendar.previous_working_day(next_month, inclusive=False)
    done = CallBack.objects.filter(period=period).values("enterprise_id")
    missing = list(
        Enterprise.objects.filter(status=EnterpriseStatus.RESIDENT)
        .exclude(pk__in=done)
        .values_list("pk", "park_id", "account_manager_id")
    )
    if not missing:
        return 0
    now = clock.now()
    made = CallBack.objects.bulk_create(
        CallBack(
            park_id=park_id,
            enterprise_id=enterprise_id,
            period=period,
            due_on=due_on,
            owner_id=manager_id,
            created_at=now,
        )
        for enterprise_id, park_id, manager_id in missing
    )
    audit.record_many(
        audit.build(None, "callback.create", callback, after={"period": period})
        for callback in made
    )
    return len(made)


@service
def callback_record(*, actor, callback: CallBack, score: int, comment: str = "") -> CallBack:
    """Record the month's call-back: a score 1–5 and comments, by phone (staff) or by the
    enterprise in the portal. A score of 2 or less opens a follow-up owned by the account
    manager (else the recorder), due in three working days."""
    callback = CallBack.objects.select_for_update(of=("self",), no_key=True).get(pk=callback.pk)
    access.ensure(actor, "callback.record", callback, requirement="R-SVC-2")
    if callback.status != CallBackStatus.PENDING:
        raise Conflict("callback_done", _("本月回访已记录。"), requirement="R-SVC-2")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationFailed({"score": [_("请选择 1 至 5 分。")]}, requirement="R-SVC-2")
    portal = access.is_enterprise_user(actor)
    callback.score = score
    callback.comment = _text("comment", comment, 500, _("意见"), required=score <= LOW_SCORE)
    callback.channel = CallBackChannel.PORTAL if portal else CallBackChannel.PHONE
    callback.status = CallBackStatus.DONE
    callback.recorded_by = actor
    callback.recorded_at = clock.now()
    fields = ["score", "comment", "channel", "status", "recorded_by", "recorded_at"]
    if score <= LOW_SCORE:
        manager_id = callback.enterprise.account_manager_id
        callback.follow_up_owner_id = manager_id or (None if portal else actor.pk)
        callback.follow_up_due_on = calendar.add_working_days(clock.today(), FOLLOW_UP_WORKING_DAYS)
        fields += ["follow_up_owner", "follow_up_due_on"]
    callback.save(update_fields=fields)
    audit.record(
        actor,
        "callback.record",
        callback,
        after={"score": score, "follow_up": callback.follow_up_owner_id},
    )
    _fulfil_month_if_complete(None if portal else actor, callback)
    return callback


def _fulfil_month_if_complete(actor, callback) -> None:
    """The park's last call-back of the month recorded: the month's duty task is done, with
    this call-back as its evidence (R-MON-3). Recorded by the enterprise in the portal, the
    system completes it (an enterprise user holds no duty)."""
    from django.db.models import Avg, Count

    from parkflow.duties.services import task_fulfil

    from .duties import MONTHLY_CALLBACKS

    month = CallBack.objects.filter(park_id=callback.park_id, period=callback.period)
    if month.filter(status=CallBackStatus.PENDING).exists():
        return
    summary = month.aggregate(n=Count("*"), average=Avg("score"))
    task_fulfil(
        actor=actor,
        duty=MONTHLY_CALLBACKS,
        obj=callback,
        unit=callback.park,
        on=callback.due_on,
        note=_("本月 %(n)s 家在园企业回访完成，平均 %(average).1f 分。")
        % {"n": summary["n"], "average": summary["average"] or 0},
    )


# ---------------------------------------------------------------------------------------------
# Anomaly reports (R-SVC-3)


@service
def anomaly_report(*, actor, park, description: str, discovered_at, enterprise=None):
    """Report a service anomaly or an early complaint sign with the time it was discovered
    (Art.9(二)); one filed late is flagged by the rule ``servicedesk.anomaly_reported_late``."""
    access.ensure(actor, "anomaly.report", park=park, requirement="R-SVC-3")
    now = clock.now()
    if not isinstance(discovered_at, datetime.datetime):
        raise ValidationFailed({"discovered_at": [_("请填写发现时间。")]}, requirement="R-SVC-3")
    if timezone.is_naive(discovered_at):
        discovered_at = timezone.make_aware(discovered_at)
    if discovered_at > now:
        raise ValidationFailed(
            {"discovered_at": [_("发现时间不能晚于现在。")]}, requirement="R-SVC-3"
        )
    if enterprise is not None and enterprise.park_id != getattr(park, "pk", park):
        raise ValidationFailed({"enterprise": [_("请选择本园区的企业。")]}, requirement="R-SVC-3")
    report = AnomalyReport.objects.create(
        park_id=getattr(park, "pk", park),
        enterprise=enterprise,
        description=_text("description", description, 5000, _("异常情况")),
        discovered_at=discovered_at,
        reported_at=now,
        reported_by=actor,
    )
    audit.record(
        actor,
        "anomaly.report",
        report,
        after={"delay_hours": round(report.delay_hours, 1)},
    )
    return report
