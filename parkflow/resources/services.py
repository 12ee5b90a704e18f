"""Writes of resource allocation (R-RES-1 … R-RES-6). Each is a ``@service``: one transaction,
permission checked on the object, audited.

**Lock order (D47).** Every write that can create or end an allocation locks the resource's row
first (``select_for_update``, which on SQLite is a write to the row: SQLite has no row locks, so
the transaction takes the database's write lock before it reads the calendar), then the request,
then writes the allocation. Two requests for one slot therefore run one after the other: the
second sees the first's allocation and gets the conflict naming the held period. On PostgreSQL
the exclusion constraint ``allocation_no_overlap`` refuses an overlapping active allocation
whatever wrote it; its violation is turned into the same conflict."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock, sla, workflow
from parkflow.core.choices import ReviewDecision
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import check_length
from parkflow.enterprises.choices import EnterpriseGrade

from . import gates, standing
from .choices import (
    AllocationStatus,
    DeviationKind,
    DeviationStatus,
    RequestChannel,
    RequestStatus,
    ResourceKind,
    ResourceStatus,
)
from .clocks import RESOLUTION
from .entitlements import standing_of
from .models import Allocation, Deviation, Entitlement, Resource, ResourceRequest

SYSTEM_OPERATIONS = {
    "when": "formats a moment for a message (a pure function: reads and writes nothing)",
    "period_text": "formats a period for a message (a pure function)",
    "holder": "reads the calendar inside request_create/allocate, which checked access first; "
    "the API's and pages' free/busy reads go through their own scoped queryset",
    "slot_taken": "builds the conflict naming the held period (a pure function of the actor "
    "and the allocation found by the calling service; R-RES-4)",
    "allocate": "the allocate step's effect, inside the transition the gates or a standing "
    "approval authorised (R-RES-3)",
    "request_review_outcome": "a review decision's consequence (the gates' declared "
    "consequence, run after core.reviews checked and committed the decision; R-RES-3)",
}
STEP = "the resource request's review decision"
STANDING = "a declared standing approval (resources.standing)"


# ---------------------------------------------------------------------------------------------
# Input checks


def _text(field, value, max_length, label, *, required=True, requirement="") -> str:
    text = check_length(field, value, max_length, label=label, requirement=requirement).strip()
    if required and not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement=requirement
        )
    return text


def _moment(field, value, label) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        raise ValidationFailed(
            {field: [_("请填写有效的%(label)s。") % {"label": label}]}, requirement="R-RES-3"
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _period(starts_at, ends_at):
    starts_at = _moment("starts_at", starts_at, _("开始时间"))
    ends_at = _moment("ends_at", ends_at, _("结束时间"))
    if ends_at <= starts_at:
        raise ValidationFailed({"ends_at": [_("结束时间须晚于开始时间。")]}, requirement="R-RES-3")
    if ends_at - starts_at > datetime.timedelta(days=3660):
        raise ValidationFailed({"ends_at": [_("期限不能超过十年。")]}, requirement="R-RES-3")
    return starts_at, ends_at


def when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{date_format(local.date())} {local:%H:%M}"


def period_text(starts_at, ends_at) -> str:
    return _("%(start)s 至 %(end)s") % {"start": when(starts_at), "end": when(ends_at)}


# ---------------------------------------------------------------------------------------------
# Catalogue and entitlements (R-RES-1, R-RES-2)

RESOURCE_FIELDS = ("name", "building", "floor", "number", "area", "capacity", "equipment", "value")


@service
def resource_save(*, actor, park, kind: str, code: str, resource=None, status=None, **fields):
    """Add or change a resource of the park's catalogue."""
    access.ensure(actor, "resource.manage", park=park, requirement="R-RES-1")
    unknown = sorted(set(fields) - set(RESOURCE_FIELDS))
    if unknown:
        raise ValidationFailed({name: [_("该字段不能填写。")] for name in unknown})
    if kind not in ResourceKind.values:
        raise ValidationFailed({"kind": [_("请选择资源类别。")]}, requirement="R-RES-1")
    code = _text("code", code, 30, _("编号"), requirement="R-RES-1")
    clash = Resource.objects.filter(park=park, code=code).exclude(pk=getattr(resource, "pk", None))
    if clash.exists():
        raise ValidationFailed({"code": [_("本园区已有该编号的资源。")]}, requirement="R-RES-1")
    before = None
    if resource is not None:
        resource = Resource.objects.select_for_update(of=("self",), no_key=True).get(
            pk=resource.pk, park=park
        )
        before = audit.snapshot(resource, fields=["code", "name", "status", "area", "value"])
    else:
        resource = Resource(park=park, created_at=clock.now())
    resource.kind, resource.code = kind, code
    if status is not None:
        if status not in ResourceStatus.values:
            raise ValidationFailed({"status": [_("请选择状态。")]}, requirement="R-RES-1")
        resource.status = status
    for name, value in fields.items():
        setattr(resource, name, value.strip() if isinstance(value, str) else value)
    resource.name = _text("name", resource.name, 60, _("名称"), requirement="R-RES-1")
    if kind == ResourceKind.UNIT and not resource.area:
        raise ValidationFailed({"area": [_("办公单元须填写面积。")]}, requirement="R-RES-1")
    from parkflow.core.validation import full_clean

    full_clean(resource, requirement="R-RES-1")
    resource.save()
    audit.record(
        actor,
        "resource.save",
        resource,
        before=before,
        after=audit.snapshot(resource, fields=["code", "name", "status", "area", "value"]),
    )
    return resource


@service
def entitlement_save(
    *,
    actor,
    park,
    grade: str,
    kind: str,
    monthly_hours=None,
    max_count=None,
    max_area=None,
    priority: int = 3,
) -> Entitlement:
    """Set what a customer grade may have of a kind of resource in the park (R-RES-2)."""
    access.ensure(actor, "entitlement.manage", park=park, requirement="R-RES-2")
    if grade not in EnterpriseGrade.values:
        raise ValidationFailed({"grade": [_("请选择客户等级。")]}, requirement="R-RES-2")
    if kind not in ResourceKind.values:
        raise ValidationFailed({"kind": [_("请选择资源类别。")]}, requirement="R-RES-2")
    # One row per (park, grade, kind): the unique constraint settles a race on creation (the
    # service is re-run), and the row is then locked for the change.
    entitlement, created = Entitlement.objects.get_or_create(park=park, grade=grade, kind=kind)
    entitlement = Entitlement.objects.select_for_update(of=("self",), no_key=True).get(
        pk=entitlement.pk
    )
    before = (
        None
        if created
        else audit.snapshot(
            entitlement, fields=["monthly_hours", "max_count", "max_area", "priority"]
        )
    )
    entitlement.monthly_hours = monthly_hours
    entitlement.max_count = max_count
    entitlement.max_area = max_area
    entitlement.priority = priority
    from parkflow.core.validation import full_clean

    full_clean(entitlement, requirement="R-RES-2")
    entitlement.save()
    audit.record(
        actor,
        "entitlement.save",
        entitlement,
        before=before,
        after=audit.snapshot(
            entitlement, fields=["monthly_hours", "max_count", "max_area", "priority"]
        ),
    )
    return entitlement


# ---------------------------------------------------------------------------------------------
# Requests and allocation (R-RES-3, R-RES-4, R-RES-5)


def _lock_resource(resource) -> Resource:
    """The first lock of every allocating write (D47). On SQLite the no-op UPDATE takes the
    database's write lock now, before the calendar is read."""
    rows = Resource.objects.filter(pk=resource.pk)
    rows.update(status=F("status"))
    return rows.select_for_update(of=("self",), no_key=True).get()


def holder(resource, starts_at, ends_at, *, exclude_request=None) -> Allocation | None:
    """The active allocation of ``resource`` overlapping ``[starts_at, ends_at)``, if any."""
    found = Allocation.objects.filter(
        resource=resource,
        status=AllocationStatus.ACTIVE,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_request is not None:
        found = found.exclude(request_id=exclude_request)
    return found.select_related("enterprise").order_by("starts_at").first()


def slot_taken(actor, held: Allocation) -> Conflict:
    """The conflict naming the held period — and, for staff only, who holds it (a portal user
    never learns another enterprise's name)."""
    if access.is_enterprise_user(actor):
        message = _("该资源在所选时段已被占用（已占用时段：%(period)s），请选择其他时段。") % {
            "period": period_text(held.starts_at, held.ends_at)
        }
    else:
        message = _("该资源在所选时段已分配给“%(enterprise)s”（%(period)s），不能重复分配。") % {
            "enterprise": held.enterprise.name,
            "period": period_text(held.starts_at, held.ends_at),
        }
    return Conflict("slot_taken", message, requirement="R-RES-4")


@service
def request_create(
    *,
    actor,
    enterprise,
    resource,
    starts_at,
    ends_at,
    purpose: str,
    justification: str = "",
    renewal_of=None,
) -> ResourceRequest:
    """Request a resource for an enterprise (the enterprise itself in the portal, or staff).

    Refused at once, writing nothing, when the resource is not the enterprise's park's or not
    available, the slot is taken, the enterprise is not in good standing, or the request is
    above its grade's entitlement without a written justification. Otherwise it is submitted:
    a declared standing approval allocates a routine meeting-room booking at once; anything
    else goes to the risk-control review (and, when major, the leading group after it)."""
    access.ensure(actor, "resource_request.create", enterprise, requirement="R-RES-3")
    if renewal_of is not None and renewal_of.enterprise_id != enterprise.pk:
        # A renewal closes the continuity alert of the allocation it names (R-RES-6): only
        # the enterprise's own allocation can be renewed.
        raise ValidationFailed(
            {"renewal_of": [_("只能续期本企业的资源分配。")]}, requirement="R-RES-6"
        )
    resource = _lock_resource(resource)
    if resource.park_id != enterprise.park_id:
        raise ValidationFailed({"resource": [_("请选择本园区的资源。")]}, requirement="R-RES-1")
    if resource.status != ResourceStatus.AVAILABLE:
        raise Conflict(
            "resource_unavailable",
            _("“%(resource)s”当前%(status)s，不能分配。")
            % {"resource": resource, "status": resource.get_status_display()},
            requirement="R-RES-1",
        )
    starts_at, ends_at = _period(starts_at, ends_at)
    if access.is_enterprise_user(actor) and starts_at < clock.now():
        raise ValidationFailed({"starts_at": [_("开始时间不能早于现在。")]}, requirement="R-RES-3")
    purpose = _text("purpose", purpose, 200, _("用途"), requirement="R-RES-3")
    justification = _text(
        "justification", justification, 2000, _("书面理由"), required=False, requirement="R-RES-5"
    )
    held = holder(resource, starts_at, ends_at)
    if held is not None:
        raise slot_taken(actor, held)
    from .workflows import in_good_standing

    request = ResourceRequest(
        park_id=resource.park_id,
        enterprise=enterprise,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        justification=justification,
        channel=RequestChannel.PORTAL if access.is_enterprise_user(actor) else RequestChannel.STAFF,
        renewal_of=renewal_of,
        requested_by=actor,
        created_at=clock.now(),
    )
    refused = in_good_standing(actor, request)
    if refused:
        raise refused[0]
    usage = standing_of(request, exclude_request=-1)
    request.above_entitlement = not usage.within
    if request.above_entitlement and not justification:
        raise ValidationFailed(
            {
                "justification": [
                    _("超出客户等级权益（%(usage)s），须填写书面理由。") % {"usage": usage.text()}
                ]
            },
            requirement="R-RES-5",
        )
    request.major = gates.is_major(request, gates.LEADING_GROUP.param_values())
    request.save()
    audit.record(
        actor,
        "resource_request.create",
        request,
        after={
            "resource": resource.pk,
            "period": period_text(starts_at, ends_at),
            "major": request.major,
            "above_entitlement": request.above_entitlement,
            "usage": usage.text(),
        },
        reason=justification[:500],
    )
    approval = standing.covering(request)
    if approval is not None:
        request.standing_rule = approval.code
        request.save(update_fields=["standing_rule"])
        audit.record(
            actor,
            "resource_request.standing_approve",
            request,
            after={"standing_rule": approval.code},
        )
        workflow.perform(actor=actor, obj=request, name="allocate", authorised_by=STANDING)
    else:
        gates.RISK_REVIEW.request(actor=actor, obj=request)
    request.refresh_from_db()
    return request


def allocate(*, actor, request) -> Allocation:
    """The ``allocate`` step's effect, in its transaction: re-checks the slot under the
    resource's lock and writes the allocation (the exclusion constraint is the last word on
    PostgreSQL)."""
    resource = _lock_resource(request.resource)
    if resource.status != ResourceStatus.AVAILABLE:
        raise Conflict(
            "resource_unavailable",
            _("“%(resource)s”当前%(status)s，不能分配。")
            % {"resource": resource, "status": resource.get_status_display()},
            requirement="R-RES-1",
        )
    held = holder(resource, request.starts_at, request.ends_at, exclude_request=request.pk)
    if held is not None:
        raise slot_taken(actor, held)
    granted_by = None if request.standing_rule else actor
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                request=request,
                park_id=request.park_id,
                enterprise_id=request.enterprise_id,
                resource=resource,
                starts_at=request.starts_at,
                ends_at=request.ends_at,
                above_entitlement=request.above_entitlement,
                granted_by=granted_by,
                created_at=clock.now(),
            )
    except IntegrityError as exc:
        if "allocation_no_overlap" not in str(exc):
            raise
        held = holder(resource, request.starts_at, request.ends_at, exclude_request=request.pk)
        raise (
            slot_taken(actor, held)
            if held
            else Conflict("slot_taken", _("该资源在所选时段已被占用。"), requirement="R-RES-4")
        ) from None
    audit.record(
        actor,
        "allocation.create",
        allocation,
        after={
            "resource": resource.pk,
            "period": period_text(allocation.starts_at, allocation.ends_at),
            "above_entitlement": allocation.above_entitlement,
            "standing_rule": request.standing_rule,
        },
    )
    return allocation


@service
def request_review_outcome(*, actor, review) -> ResourceRequest:
    """What a review decision means for the request: a rejection closes it; the risk review's
    approval opens the leading group's round when the allocation is major; once every gate
    that applies passed, the resource is allocated."""
    request = ResourceRequest.objects.select_for_update(of=("self",), no_key=True).get(
        pk=review.object_id
    )
    if request.status != RequestStatus.SUBMITTED:
        return request
    gate = {g.code: g for g in gates.CHAIN}[review.gate]
    state = gate.state(request)
    if review.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN) and state.is_latest:
        request.decision_note = review.opinion
        request.save(update_fields=["decision_note"])
        workflow.perform(
            actor=actor, obj=request, name="reject", authorised_by=STEP, reason=review.opinion[:500]
        )
        return request
    if not state.passed:
        return request
    leading = gates.LEADING_GROUP
    if leading.applies_to(request) and not leading.is_passed(request):
        if not leading.state(request).pending:
            leading.request(actor=actor, obj=request)
        return request
    workflow.perform(actor=actor, obj=request, name="allocate", authorised_by=STEP)
    return request


@service
def allocation_release(*, actor, allocation: Allocation, reason: str) -> Allocation:
    """End an allocation early (a booking cancelled, a unit handed back): the slot is free
    again from now (or entirely, if it had not started)."""
    allocation = Allocation.objects.select_related("resource").get(pk=allocation.pk)
    access.ensure(actor, "allocation.release", allocation, requirement="R-RES-4")
    _lock_resource(allocation.resource)
    allocation = Allocation.objects.select_for_update(of=("self",), no_key=True).get(
        pk=allocation.pk
    )
    if allocation.status != AllocationStatus.ACTIVE:
        raise Conflict("allocation_released", _("该分配已释放。"), requirement="R-RES-4")
    reason = _text("reason", reason, 200, _("释放原因"), requirement="R-RES-4")
    now = clock.now()
    before = {"status": allocation.status, "ends_at": allocation.ends_at.isoformat()}
    allocation.status = AllocationStatus.RELEASED
    allocation.released_at = now
    allocation.release_reason = reason
    allocation.save(update_fields=["status", "released_at", "release_reason"])
    audit.record(
        actor,
        "allocation.release",
        allocation,
        before=before,
        after={"status": allocation.status},
        reason=reason,
    )
    return allocation


# ---------------------------------------------------------------------------------------------
# Deviations (R-RES-6)


@service
def deviation_report(*, actor, allocation: Allocation, kind: str, description: str) -> Deviation:
    """Report a delivery deviation against an allocation (the enterprise in the portal, or
    staff); the resolution clock starts."""
    allocation = Allocation.objects.select_related("enterprise").get(pk=allocation.pk)
    access.ensure(actor, "deviation.report", allocation, requirement="R-RES-6")
    if kind not in DeviationKind.values:
        raise ValidationFailed({"kind": [_("请选择偏差类型。")]}, requirement="R-RES-6")
    description = _text("description", description, 2000, _("情况说明"), requirement="R-RES-6")
    deviation = Deviation.objects.create(
        allocation=allocation,
        park_id=allocation.park_id,
        enterprise_id=allocation.enterprise_id,
        kind=kind,
        description=description,
        channel=RequestChannel.PORTAL if access.is_enterprise_user(actor) else RequestChannel.STAFF,
        reported_by=actor,
        reported_at=clock.now(),
    )
    audit.record(actor, "deviation.report", deviation, after={"kind": kind})
    sla.start(actor=actor, obj=deviation, clock=RESOLUTION, authorised_by="the deviation report")
    return deviation


@service
def deviation_resolve(*, actor, deviation: Deviation, resolution: str) -> Deviation:
    deviation = Deviation.objects.select_for_update(of=("self",), no_key=True).get(pk=deviation.pk)
    access.ensure(actor, "deviation.resolve", deviation, requirement="R-RES-6")
    if deviation.status != DeviationStatus.OPEN:
        raise Conflict("deviation_resolved", _("该偏差已处理完毕。"), requirement="R-RES-6")
    resolution = _text("resolution", resolution, 2000, _("处理结果"), requirement="R-RES-6")
    deviation.status = DeviationStatus.RESOLVED
    deviation.resolution = resolution
    deviation.resolved_by = actor
    deviation.resolved_at = clock.now()
    deviation.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit.record(actor, "deviation.resolve", deviation, after={"status": deviation.status})
    sla.stop(actor=actor, obj=deviation, clock=RESOLUTION)
    return deviation
