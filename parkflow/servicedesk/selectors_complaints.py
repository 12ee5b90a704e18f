"""Reads of complaints, always through the access layer: staff see their parks' complaints, an
enterprise user only its own enterprise's (R-ORG-3)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from parkflow.core import access, calendar, clock, sla
from parkflow.core.models import SlaClock

from .choices import PORTAL_NOTE_KINDS, ComplaintGrade, ComplaintStatus, TransferStatus
from .clocks import COMPLAINT_RESOLUTION, COMPLAINT_RESPONSE
from .models import (
    AccountabilityReferral,
    Complaint,
    ComplaintNote,
    ComplaintTransfer,
    EmergencyPlan,
    GradingCriterion,
)

OPEN_STATUSES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


def _scoped(actor):
    return access.scope(
        actor, Complaint.objects.select_related("park", "enterprise", "owner", "recorded_by")
    )


def with_response_clock(qs):
    """The response clock's due time and state (``with_clock``), and its unit and pause, so the
    list can say the time left without a query per row."""
    qs = sla.with_clock(qs, COMPLAINT_RESPONSE, prefix="response")
    row = sla.clocks_for(Complaint.objects.all(), COMPLAINT_RESPONSE).filter(
        object_id=OuterRef("pk")
    )
    return qs.annotate(
        response_unit=Subquery(row.values("unit")[:1]),
        response_paused_at=Subquery(row.values("paused_at")[:1]),
    )


def overdue(qs):
    """Complaints whose response or resolution clock is running past its due time (超时)."""
    return sla.overdue(qs, COMPLAINT_RESPONSE) | sla.overdue(qs, COMPLAINT_RESOLUTION)


def complaint_list(
    *,
    actor,
    search: str = "",
    status: str = "",
    grade: str = "",
    topic: str = "",
    channel: str = "",
    park=None,
    mine: bool = False,
    overdue_only: bool = False,
):
    """The list, each row with its response clock's due time, state, unit and pause (one
    subquery each, so the page's query count does not grow with its rows)."""
    qs = _scoped(actor)
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(enterprise__name__icontains=search)
            | Q(complainant__icontains=search)
            | Q(hotline_ticket__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if topic:
        qs = qs.filter(topic=topic)
    if channel:
        qs = qs.filter(channel=channel)
    if park is not None:
        qs = qs.filter(park=park)
    if mine:
        qs = qs.filter(owner=actor)
    if overdue_only:
        qs = overdue(qs)
    return with_response_clock(qs)


def decorate_response_sla(rows) -> None:
    """``row.response_left``: the response clock's time left in words (剩余 2 个工作日 / 已超时 3
    小时), for the rows whose clock runs — one calendar query for the whole page."""
    rows = list(rows)
    now = clock.now()
    days = calendar.DayTable()
    running = [
        row for row in rows if row.response_due_at is not None and row.response_state in sla.ACTIVE
    ]
    days.prime(
        {
            timezone.localtime(moment).date()
            for row in running
            for moment in (row.response_due_at, row.response_paused_at or now)
        }
    )
    hours = sla.business_hours() if running else None
    for row in rows:
        row.response_left = None
        row.response_overdue = False
        if row not in running:
            continue
        clock_row = SlaClock(
            unit=row.response_unit,
            due_at=row.response_due_at,
            paused_at=row.response_paused_at,
            state=row.response_state,
        )
        left = sla.remaining(clock_row, now=now, days=days, hours=hours)
        row.response_left = sla.remaining_text(left)
        row.response_overdue = left.overdue


def complaint_get_for_user(*, actor, pk) -> Complaint:
    return access.get_for_user(
        actor,
        Complaint.objects.select_related(
            "park", "enterprise", "owner", "recorded_by", "grade_requested_by"
        ),
        pk=pk,
    )


def notes_of(complaint, *, portal: bool = False):
    """The appended record, oldest first; the enterprise sees only what is addressed to it or
    its own words (never internal progress or corrections)."""
    qs = ComplaintNote.objects.filter(complaint=complaint).select_related("author")
    if portal:
        qs = qs.filter(kind__in=PORTAL_NOTE_KINDS)
    return qs.order_by("created_at", "id")


def transfers_of(complaint):
    return (
        ComplaintTransfer.objects.filter(complaint=complaint)
        .select_related("from_owner", "to_person")
        .order_by("-created_at", "-id")
    )


def pending_transfer(complaint) -> ComplaintTransfer | None:
    return (
        ComplaintTransfer.objects.filter(complaint=complaint, status=TransferStatus.PENDING)
        .select_related("from_owner", "to_person", "complaint")
        .first()
    )


def plan_of(complaint) -> EmergencyPlan | None:
    return (
        EmergencyPlan.objects.filter(complaint=complaint)
        .select_related("complaint", "reported_by", "plan_author", "carried_out_by")
        .first()
    )


def referrals_of(actor, complaint):
    return access.scope(
        actor,
        AccountabilityReferral.objects.filter(complaint=complaint).select_related(
            "responsible_person", "article", "referred_by"
        ),
    )


def _park_staff(park_id):
    """Active staff who hold a role in the park or at headquarters."""
    return (
        get_user_model()
        .objects.filter(access.staff_filter(), is_active=True)
        .filter(
            Q(role_assignments__unit__park_id=park_id)
            | Q(role_assignments__unit__park__isnull=True)
        )
        .distinct()
        .order_by("display_name", "username")
    )


def transfer_candidates(complaint):
    """Colleagues the complaint may be offered to: who may handle complaints in its park (the
    service checks it again)."""
    return (
        _park_staff(complaint.park_id)
        .filter(role_assignments__role__in=access.roles_for("complaint.handle"))
        .exclude(pk=complaint.owner_id)
    )


def referral_candidates(complaint):
    """Staff of the complaint's park who may be named responsible (R-CMP-8)."""
    return _park_staff(complaint.park_id)


def enterprises_for_record(actor):
    """Enterprises of the parks where the actor records complaints."""
    from parkflow.enterprises.models import Enterprise

    parks = access.parks_with_roles(actor, access.roles_for("complaint.record"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")


def grading_rows():
    return list(GradingCriterion.objects.order_by("order", "id"))


# ---------------------------------------------------------------------------------------------
# The analysis dashboard (投诉分析): a fixed number of queries, scoped to the user's parks


@dataclass
class Dashboard:
    month_count: int
    response: dict  # sla.attainment of this month's first responses
    open_overdue: int
    major_open: int
    by_topic: list  # [(topic, n)]
    by_park: list  # [(park name, n)]
    by_month: list  # [(date of the month's first day, n)]
    timeliness: dict  # sla.attainment over the window
    repeat_enterprises: list  # [{"name", "n"}]
    repeat_topics: list  # [{"park", "topic", "n"}]
    since: datetime.date


def _months_back(day: datetime.date, months: int) -> datetime.date:
    year, month = day.year, day.month - months
    while month < 1:
        month += 12
        year -= 1
    return datetime.date(year, month, 1)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def complaint_dashboard(*, actor, park=None, months: int = 6, top: int = 5) -> Dashboard:
    today = clock.today()
    month_start = today.replace(day=1)
    since = _months_back(today, months - 1)
    qs = access.scope(actor, Complaint.objects.all())
    if park is not None:
        qs = qs.filter(park=park)
    window = qs.filter(received_on__gte=since)
    month_moment, since_moment = _midnight(month_start), _midnight(since)
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    by_month = dict(
        window.annotate(month=TruncMonth("received_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    months_list = [_months_back(today, n) for n in range(months - 1, -1, -1)]
    repeat_enterprises = list(
        window.values("enterprise_id", "enterprise__name")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "enterprise__name")[:top]
    )
    repeat_topics = list(
        window.values("park__name", "topic")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "park__name", "topic")[:top]
    )
    return Dashboard(
        month_count=qs.filter(received_on__gte=month_start).count(),
        response=sla.attainment(qs, COMPLAINT_RESPONSE, since=month_moment),
        open_overdue=overdue(open_qs).count(),
        major_open=open_qs.filter(grade=ComplaintGrade.MAJOR).count(),
        by_topic=list(window.values_list("topic").annotate(n=Count("id")).order_by("-n", "topic")),
        by_park=list(
            window.values_list("park__name").annotate(n=Count("id")).order_by("-n", "park__name")
        ),
        by_month=[(m, by_month.get(m, 0)) for m in months_list],
        timeliness=sla.attainment(qs, COMPLAINT_RESPONSE, since=since_moment),
        repeat_enterprises=[
            {"name": row["enterprise__name"], "n": row["n"]} for row in repeat_enterprises
        ],
        repeat_topics=[
            {"park": row["park__name"], "topic": row["topic"], "n": row["n"]}
            for row in repeat_topics
        ],
        since=since,
    )


# ---------------------------------------------------------------------------------------------
# The to-do centre (todo.py)


def complaint_transfers_to_me(*, actor):
    """Complaint transfers offered to the actor that wait for the answer, newest first."""
    return (
        access.scope(
            actor,
            ComplaintTransfer.objects.select_related(
                "complaint__park", "complaint__enterprise", "from_owner"
            ),
        )
        .filter(to_person=actor, status=TransferStatus.PENDING)
        .order_by("-created_at", "-id")
    )


def complaints_untaken(*, actor):
    """Complaints waiting for a first responder where the actor handles complaints, oldest
    received first (their response clock runs from receipt)."""
    return (
        access.restrict(actor, "complaint.handle", Complaint.objects.all())
        .filter(status=ComplaintStatus.OPEN)
        .select_related("park", "enterprise")
        .order_by("received_at", "id")
    )


def complaint_counts(*, actor) -> dict:
    """The workbench card: open complaints of the user's parks, those past their response
    deadline, and open major ones (three counts, one query each)."""
    open_ = access.scope(actor, Complaint.objects.exclude(status=ComplaintStatus.CLOSED))
    return {
        "open": open_.count(),
        "overdue": sla.overdue(open_, COMPLAINT_RESPONSE).count(),
        "major": open_.filter(grade=ComplaintGrade.MAJOR).count(),
    }
