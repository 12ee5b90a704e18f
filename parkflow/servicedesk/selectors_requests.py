"""Reads of the service desk's pages, portal and API (R-SVC-1 … R-SVC-3), each starting from the
actor's scope (R-ORG-3): service requests with their SLA clocks in the list's one query
(``sla.with_clock``), transfers offered to me, the people a request may be handed to, the month's
call-backs and the anomaly reports."""

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from parkflow.core import access, clock, rules, sla
from parkflow.core.calendar import DayTable
from parkflow.enterprises.models import Enterprise

from .choices import CallBackStatus, RequestStatus, TransferStatus
from .clocks import RESOLUTION, RESPONSE
from .models import AnomalyReport, CallBack, ServiceRequest, Transfer

LATE_RULE = "servicedesk.anomaly_reported_late"

# ---------------------------------------------------------------------------------------------
# Service requests (R-SVC-1)


def request_list(
    *,
    actor,
    search: str = "",
    status: str = "",
    category: str = "",
    park=None,
    enterprise=None,
    mine: bool = False,
):
    """The requests the actor may see, newest first (the ``service_request_newest`` index), with
    the response and resolution clocks' due time and state annotated (no query per row)."""
    qs = access.scope(actor, ServiceRequest.objects.select_related("park", "enterprise", "owner"))
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(enterprise__name__icontains=search)
            | Q(description__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if park is not None:
        qs = qs.filter(park=park)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if mine:
        qs = qs.filter(owner=actor)
    qs = sla.with_clock(qs, RESPONSE, prefix="response")
    qs = sla.with_clock(qs, RESOLUTION, prefix="resolution")
    return qs.order_by("-submitted_at", "-id")


def _running_clock(row):
    """(the declared clock, due time, state) of the clock that matters for the row now: the
    response clock until it is taken, then the resolution clock."""
    if row.status == RequestStatus.OPEN:
        return RESPONSE, row.response_due_at, row.response_state
    return RESOLUTION, row.resolution_due_at, row.resolution_state


def with_time_left(rows, *, now=None):
    """Set ``sla`` on each row of an annotated list: the clock's label, its state and, while it
    runs, the time left in words (overdue in red). Two queries for the whole page (the business
    hours and the working days of every due date), none per row."""
    rows = list(rows)
    now = now or clock.now()
    running = []
    for row in rows:
        declared, due_at, state = _running_clock(row)
        row.sla = SimpleNamespace(label=declared.label, state=state or "", due_at=due_at)
        row.sla.text, row.sla.overdue = "", False
        if due_at is not None and state == "running":
            running.append((row, declared, due_at))
    if running:
        days, hours = DayTable(), sla.business_hours()
        days.prime(
            [timezone.localtime(d).date() for _r, _c, d in running]
            + [timezone.localtime(now).date()]
        )
        for row, declared, due_at in running:
            fake = SimpleNamespace(
                due_at=due_at, paused_at=None, stopped_at=None, unit=declared.unit
            )
            left = sla.remaining(fake, now=now, days=days, hours=hours)
            row.sla.text = sla.remaining_text(left)
            row.sla.overdue = left.overdue
    return rows


def request_get_for_user(*, actor, pk) -> ServiceRequest:
    return access.get_for_user(
        actor,
        ServiceRequest.objects.select_related("park", "enterprise", "owner", "submitted_by"),
        pk=pk,
    )


def transfers_of(request) -> list[Transfer]:
    return list(
        request.transfers.select_related("from_owner", "to_person").order_by("created_at", "id")
    )


def pending_transfer(request) -> Transfer | None:
    return (
        request.transfers.filter(status=TransferStatus.PENDING)
        .select_related("from_owner", "to_person")
        .first()
    )


def transfers_to_me(*, actor, status: str = TransferStatus.PENDING):
    """Transfers offered to the actor (pending by default), newest first."""
    qs = access.scope(
        actor,
        Transfer.objects.select_related(
            "request__enterprise", "request__park", "from_owner", "to_person"
        ),
    ).filter(to_person=actor)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def transfers_from_me(*, actor):
    """The transfers the actor offered, newest first."""
    return (
        access.scope(
            actor,
            Transfer.objects.select_related("request__enterprise", "from_owner", "to_person"),
        )
        .filter(from_owner=actor)
        .order_by("-created_at", "-id")
    )


def colleagues_for_transfer(*, actor, request):
    """Staff who may handle the request (a handling role in its park or at headquarters),
    other than the actor: the people a transfer may be offered to. The service still checks
    the one chosen (R-SVC-1)."""
    roles = access.roles_for("service_request.handle")
    here = Q(role_assignments__unit__park_id=request.park_id) | Q(
        role_assignments__unit__park__isnull=True
    )
    return (
        get_user_model()
        .objects.filter(access.staff_filter(), is_active=True)
        .filter(Q(role_assignments__role__in=roles) & here)
        .exclude(pk=actor.pk)
        .distinct()
        .order_by("display_name", "username")
    )


def enterprises_for_requests(actor):
    """Enterprises of the parks where the actor records requests for enterprises."""
    parks = access.parks_with_roles(actor, access.roles_for("service_request.submit"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")


def enterprises_for_filter(actor):
    """The enterprises the actor sees, for the list's filter."""
    return access.scope(actor, Enterprise.objects.all()).order_by("name")


def open_untaken(*, actor):
    """Requests waiting for a first responder in the parks where the actor handles them."""
    return access.restrict(actor, "service_request.handle", ServiceRequest.objects.all()).filter(
        status=RequestStatus.OPEN
    )


# ---------------------------------------------------------------------------------------------
# Monthly call-backs (R-SVC-2)


def current_period() -> str:
    return f"{clock.today():%Y-%m}"


def periods(*, count: int = 12) -> list[str]:
    """This month and the ``count - 1`` before it, newest first ("2026-11")."""
    today = clock.today()
    year, month, found = today.year, today.month, []
    for _i in range(count):
        found.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def callback_list(
    *,
    actor,
    period: str = "",
    status: str = "",
    search: str = "",
    park=None,
    mine: bool = False,
    follow_up: bool = False,
):
    """The call-backs the actor may see for ``period`` (every period when empty): pending first,
    then by enterprise (the ``callback_work_list`` index)."""
    qs = access.scope(
        actor,
        CallBack.objects.select_related(
            "park", "enterprise", "owner", "recorded_by", "follow_up_owner"
        ),
    )
    if period:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(enterprise__name__icontains=search)
    if park is not None:
        qs = qs.filter(park=park)
    if mine:
        qs = qs.filter(Q(owner=actor) | Q(follow_up_owner=actor))
    if follow_up:
        qs = qs.filter(follow_up_owner__isnull=False)
    return qs.order_by("-status", "enterprise__name", "id")


def callback_get_for_user(*, actor, pk) -> CallBack:
    return access.get_for_user(
        actor,
        CallBack.objects.select_related(
            "park", "enterprise", "owner", "recorded_by", "follow_up_owner"
        ),
        pk=pk,
    )


def callback_of_month(*, actor, enterprise) -> CallBack | None:
    """The enterprise's call-back of this month, if the monthly job made it."""
    return (
        access.scope(actor, CallBack.objects.select_related("owner"))
        .filter(enterprise=enterprise, period=current_period())
        .first()
    )


def my_callbacks_pending(*, actor):
    return access.scope(actor, CallBack.objects.all()).filter(
        owner=actor, status=CallBackStatus.PENDING
    )


# ---------------------------------------------------------------------------------------------
# Anomaly reports (R-SVC-3)


def late_hours() -> int:
    """The hours after discovery within which an anomaly must be reported: the rule's
    effective parameter (editable on the rules page)."""
    return rules.params_for(LATE_RULE)["hours"]


def anomaly_list(*, actor, search: str = "", park=None, late: bool = False):
    """The anomaly reports the actor may see, newest first (the ``anomaly_newest`` index);
    ``late``: only those reported after the rule's hours."""
    qs = access.scope(
        actor, AnomalyReport.objects.select_related("park", "enterprise", "reported_by")
    )
    if search:
        qs = qs.filter(Q(description__icontains=search) | Q(enterprise__name__icontains=search))
    if park is not None:
        qs = qs.filter(park=park)
    if late:
        from django.db.models import F

        qs = qs.filter(reported_at__gt=F("discovered_at") + datetime.timedelta(hours=late_hours()))
    return qs.order_by("-reported_at", "-id")


def with_lateness(reports, *, hours: int):
    """Mark each report late when filed more than ``hours`` after discovery (no query)."""
    reports = list(reports)
    for report in reports:
        report.late = report.delay_hours > hours
    return reports


def parks_for_anomalies(actor):
    """The parks where the actor reports anomalies (every park for headquarters)."""
    from parkflow.org.choices import UnitKind
    from parkflow.org.models import OrgUnit

    parks = access.parks_with_roles(actor, access.roles_for("anomaly.report"))
    qs = access.scope(actor, OrgUnit.objects.filter(kind=UnitKind.PARK))
    if parks is not None:
        qs = qs.filter(pk__in=parks)
    return qs.order_by("sort_order", "id")


def enterprises_for_anomalies(actor):
    parks = access.parks_with_roles(actor, access.roles_for("anomaly.report"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")
