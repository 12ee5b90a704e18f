"""资源预订 in the portal (R-RES-2 … R-RES-6, R-PLT-3): an enterprise user books a meeting room of
its own park within its grade's entitlement in a few taps on a phone — a day, a free hour, a
duration, confirm — sees its own requests and allocations, withdraws a request still under
review, and reports a delivery deviation on an allocation and follows it.

The free/busy grid says only *whether* an hour is taken, never by whom (R-RES-4; the service's
refusal of a slot taken meanwhile does the same for portal users). Every refusal — the slot taken
meanwhile, above entitlement without a written justification, not in good standing — is the
service's, shown inline in Chinese."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, clock, workflow_views
from parkflow.core.errors import DomainError, NotFound, ValidationFailed
from parkflow.core.forms import domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, paginate
from parkflow.intake.guards import standing_problems
from parkflow.resources import entitlements, services
from parkflow.resources.choices import (
    AllocationStatus,
    DeviationKind,
    RequestStatus,
    ResourceKind,
    ResourceStatus,
)
from parkflow.resources.models import Allocation, Deviation, Resource, ResourceRequest

from .views import portal_page

FIRST_HOUR, LAST_HOUR = 9, 18  # bookable 09:00–18:00; the last slot starts at 17:00
DURATIONS = (1, 2, 3, 4)  # the standing rule covers up to 4 hours (resources.standing)
BOOKING_DAYS_AHEAD = 90
DEFAULT_PURPOSE = "企业内部会议"


# ---------------------------------------------------------------------------------------------
# Reads


def _day(value) -> datetime.date:
    """The day asked for (``YYYY-MM-DD``), tomorrow when missing or out of range."""
    today = clock.today()
    tomorrow = today + datetime.timedelta(days=1)
    try:
        day = datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return tomorrow
    if day < today or day > today + datetime.timedelta(days=BOOKING_DAYS_AHEAD):
        return tomorrow
    return day


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _rooms(user, enterprise):
    """The meeting rooms the enterprise may book: its own park's, available ("resource.book" is
    public to the portal; the park is the enterprise's)."""
    return (
        access.restrict(user, "resource.book", Resource)
        .filter(
            park_id=enterprise.park_id,
            kind=ResourceKind.MEETING_ROOM,
            status=ResourceStatus.AVAILABLE,
        )
        .only("pk", "code", "name", "capacity", "equipment")
        .order_by("code", "pk")
    )


def free_busy(rooms: list, day: datetime.date) -> list[dict]:
    """Each room with its hourly slots of ``day``: free, busy or past — one query for every
    room, and only the periods (never who holds them)."""
    opens, closes = _at(day, FIRST_HOUR), _at(day, LAST_HOUR)
    busy: dict[int, list] = {room.pk: [] for room in rooms}
    held = Allocation.objects.filter(
        resource_id__in=list(busy),
        status=AllocationStatus.ACTIVE,
        starts_at__lt=closes,
        ends_at__gt=opens,
    ).values_list("resource_id", "starts_at", "ends_at")
    for resource_id, starts_at, ends_at in held:
        busy[resource_id].append((starts_at, ends_at))
    now = clock.now()
    grid = []
    for room in rooms:
        slots = []
        for hour in range(FIRST_HOUR, LAST_HOUR):
            start = _at(day, hour)
            end = start + datetime.timedelta(hours=1)
            taken = any(s < end and e > start for s, e in busy[room.pk])
            slots.append(
                {"hour": hour, "label": f"{hour:02d}:00", "free": not taken and start >= now}
            )
        for index, slot in enumerate(slots):
            # How long a booking starting here may last: the free hours that follow, up to 4.
            run = 0
            for following in slots[index : index + len(DURATIONS)]:
                if not following["free"]:
                    break
                run += 1
            slot["longest"] = run
        grid.append({"room": room, "slots": slots, "free": sum(s["free"] for s in slots)})
    return grid


def _plain(number) -> str:
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


def usage_of(enterprise, day: datetime.date) -> dict:
    """This month's meeting-room hours against the grade's entitlement (R-RES-2)."""
    month_start, month_end = entitlements.month_of(_at(day, FIRST_HOUR))
    kind = ResourceKind.MEETING_ROOM
    used = entitlements.used(enterprise, kind, month_start, month_end)
    entitlement = entitlements.entitlement_of(enterprise, kind)
    allowed = entitlement.monthly_hours if entitlement else None
    today = clock.today()
    if (month_start.year, month_start.month) == (today.year, today.month):
        month = _("本月")
    else:
        month = _("%(month)s月") % {"month": month_start.month}
    if allowed is None:
        text = _("%(month)s已用 %(used)s 小时，您的客户等级没有会议室权益") % {
            "month": month,
            "used": _plain(used),
        }
    else:
        text = _("%(month)s已用 %(used)s 小时，权益 %(allowed)s 小时") % {
            "month": month,
            "used": _plain(used),
            "allowed": _plain(allowed),
        }
    left = None if allowed is None else max(allowed - used, 0)
    percent = None if not allowed else min(100, round(100 * used / allowed))
    return {"text": text, "left": left, "percent": percent, "over": left is not None and not left}


# ---------------------------------------------------------------------------------------------
# The booking page


def _chosen(request, grid, day):
    """The slot tapped (``room`` and ``hour`` in the query or the form), if it is free."""
    values = request.POST if request.method == "POST" else request.GET
    try:
        room_pk, hour = int(values.get("room", "")), int(values.get("hour", ""))
    except ValueError:
        return None
    for row in grid:
        if row["room"].pk != room_pk:
            continue
        for slot in row["slots"]:
            if slot["hour"] == hour and (slot["free"] or request.method == "POST"):
                longest = slot["longest"] or 1
                return {
                    "room": row["room"],
                    "hour": hour,
                    "label": slot["label"],
                    "durations": [d for d in DURATIONS if d <= longest],
                    "day": day,
                }
    return None


def _render_book(request, enterprise, *, error="", field="", posted=None, status=200):
    values = request.POST if request.method == "POST" else request.GET
    day = _day(values.get("date"))
    rooms = list(_rooms(request.user, enterprise))
    grid = free_busy(rooms, day)
    chosen = _chosen(request, grid, day)
    # R-ENT-5: said up front, not only as the refusal of a booking.
    standing = standing_problems(enterprise)
    if standing:
        chosen = None
    today = clock.today()
    context = {
        "enterprise": enterprise,
        "day": day,
        "days": [today + datetime.timedelta(days=n) for n in range(0, 8)],
        "min_day": today,
        "max_day": today + datetime.timedelta(days=BOOKING_DAYS_AHEAD),
        "grid": grid,
        "chosen": chosen,
        # The confirmation stays open for what the user can fix in it; a slot taken meanwhile
        # or a refusal of the enterprise shows above the grid instead.
        "show_modal": chosen is not None
        and (request.method == "GET" or field in ("justification", "purpose", "hours")),
        "usage": usage_of(enterprise, day),
        "error": error,
        "error_field": field,
        "posted": posted or {},
        "default_purpose": DEFAULT_PURPOSE,
        "can_book": access.may(request.user, "resource_request.create", enterprise)
        and not standing,
        "standing": standing,
        "portal_tab": "resources",
        "resources_tab": "book",
    }
    return render(request, "portal/resource_book.html", context, status=status)


@require_http_methods(["GET", "POST"])
@portal_page
def resource_book(request, enterprise):
    """预订会议室: GET shows the day's free hours (and, once a slot is tapped, the confirmation
    with the durations that fit); POST books it through the service."""
    if request.method == "GET":
        return _render_book(request, enterprise)
    day = _day(request.POST.get("date"))
    posted = {
        "purpose": request.POST.get("purpose", ""),
        "justification": request.POST.get("justification", ""),
        "hours": request.POST.get("hours", ""),
    }
    try:
        room = _rooms(request.user, enterprise).get(pk=request.POST.get("room"))
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    try:
        hour, hours = int(request.POST.get("hour", "")), int(request.POST.get("hours", ""))
        if hour not in range(FIRST_HOUR, LAST_HOUR) or hours not in DURATIONS:
            raise ValueError
        if hour + hours > LAST_HOUR:
            raise ValidationFailed(
                {"hours": [_("会议室开放时间为 09:00–18:00，请缩短时长。")]},
                requirement="R-RES-1",
            )
        starts_at = _at(day, hour)
        made = services.request_create(
            actor=request.user,
            enterprise=enterprise,
            resource=room,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            purpose=posted["purpose"],
            justification=posted["justification"],
        )
    except ValueError:
        return _render_book(
            request, enterprise, error=_("请选择开始时间和时长。"), posted=posted, status=400
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        field = getattr(exc, "field", "") or ""
        return _render_book(
            request,
            enterprise,
            error=domain_error_text(exc),
            field=field,
            posted=posted,
            status=exc.status_code,
        )
    period = services.period_text(made.starts_at, made.ends_at)
    if made.status == RequestStatus.ALLOCATED:
        messages.success(
            request, _("已预订“%(room)s”，%(period)s。") % {"room": room.name, "period": period}
        )
    else:
        messages.info(
            request,
            _("“%(room)s”（%(period)s）的申请已提交，园区审查后分配，结果在“我的资源”中查看。")
            % {"room": room.name, "period": period},
        )
    return redirect("portal:resources")


# ---------------------------------------------------------------------------------------------
# 我的资源


def period_short(starts_at, ends_at) -> str:
    """The period in few characters for a phone: one date when it starts and ends the same day."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() == end.date():
        return f"{services.when(starts_at)}–{end:%H:%M}"
    return services.period_text(starts_at, ends_at)


def _own_requests(user):
    return access.scope(user, ResourceRequest.objects.all())


def _render_mine(request, enterprise, *, error="", status=200):
    page = paginate(
        request,
        _own_requests(request.user)
        .select_related("resource", "allocation")
        .order_by("-created_at", "-id"),
        LIST_PAGE_SIZE,
    )
    rows = list(page.object_list)
    allocation_ids = [
        row.allocation.pk for row in rows if getattr(row, "allocation", None) is not None
    ]
    deviations: dict[int, list] = {pk: [] for pk in allocation_ids}
    for deviation in access.scope(request.user, Deviation.objects.all()).filter(
        allocation_id__in=allocation_ids
    ):
        deviations[deviation.allocation_id].append(deviation)
    may_cancel = access.may_somewhere(request.user, "resource_request.cancel")
    may_report = access.may_somewhere(request.user, "deviation.report")
    items = []
    for row in rows:
        allocation = getattr(row, "allocation", None)
        items.append(
            {
                "request": row,
                "allocation": allocation,
                "deviations": deviations.get(allocation.pk, []) if allocation else [],
                "can_cancel": may_cancel and row.status == RequestStatus.SUBMITTED,
                "can_report": may_report
                and allocation is not None
                and allocation.status == AllocationStatus.ACTIVE,
                "period": period_short(row.starts_at, row.ends_at),
            }
        )
    context = {
        "enterprise": enterprise,
        "items": items,
        "page_obj": page,
        "deviation_kinds": DeviationKind.choices,
        "error": error,
        "portal_tab": "resources",
        "resources_tab": "mine",
    }
    return render(request, "portal/resources.html", context, status=status)


@portal_page
def resource_list(request, enterprise):
    """我的资源: the enterprise's requests, what each became, and the deviations it reported."""
    return _render_mine(request, enterprise)


def _own_request(request, pk) -> ResourceRequest:
    try:
        return access.get_for_user(request.user, ResourceRequest.objects.all(), pk=pk)
    except NotFound:
        raise Http404 from None


def _refused(request, obj, error):
    enterprise = obj.enterprise
    return _render_mine(request, enterprise, error=domain_error_text(error), status=409)


def _portal_request_only(view):
    @portal_page
    def wrapped(request, enterprise, pk, name):
        return view(request, pk=pk, name=name)

    return wrapped


# POST resources/requests/<pk>/transitions/cancel/: the request's portal steps (workflows.py).
transition = workflow_views.transition_page(
    ResourceRequest,
    get_object=_own_request,
    render_refusal=_refused,
    success_url=lambda obj: reverse("portal:resources"),
    decorate=_portal_request_only,
    done="portal_done",
)


@require_POST
@portal_page
def deviation_report(request, enterprise, pk):
    """Report a delivery deviation on one of the enterprise's allocations (R-RES-6)."""
    try:
        allocation = access.get_for_user(
            request.user, Allocation.objects.select_related("resource"), pk=pk
        )
    except NotFound:
        raise Http404 from None
    try:
        services.deviation_report(
            actor=request.user,
            allocation=allocation,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return _render_mine(request, enterprise, error=domain_error_text(exc), status=400)
    messages.success(
        request,
        _("已报告“%(resource)s”的交付偏差，园区将尽快处理。")
        % {"resource": allocation.resource.name},
    )
    return redirect("portal:resources")
