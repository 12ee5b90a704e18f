"""Reads of statements and disputes, always through the access layer: staff see their parks'
rows, an enterprise user only its own enterprise's (R-ORG-3). Lists annotate what a row shows
(open disputes, the running clock) so a page's query count does not grow with its rows."""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from parkflow.core import access, calendar, clock, sla
from parkflow.core.models import SlaClock
from parkflow.enterprises.models import Enterprise

from .choices_statements import OPEN_DISPUTES, DisputeStatus
from .clocks import DISPUTE_RESOLUTION, DISPUTE_RESPONSE
from .models_statements import Statement, StatementDispute, StatementLine


def _open_disputes(outer="pk", field="statement_id"):
    rows = (
        StatementDispute.objects.filter(**{field: OuterRef(outer)}, status__in=OPEN_DISPUTES)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Subquery(rows, output_field=IntegerField())


def statement_list(
    *,
    actor,
    search: str = "",
    park=None,
    enterprise=None,
    month: datetime.date | None = None,
    status: str = "",
):
    """Statements in the actor's scope, newest period first, each with its open disputes."""
    qs = access.scope(
        actor, Statement.objects.select_related("park", "enterprise", "issued_by")
    ).annotate(open_disputes=_open_disputes())
    if search:
        qs = qs.filter(Q(enterprise__name__icontains=search) | Q(enterprise__credit_code=search))
    if park is not None:
        qs = qs.filter(park=park)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if month is not None:
        qs = qs.filter(period_start__lte=_month_end(month), period_end__gte=month.replace(day=1))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period_start", "-id")


def _month_end(month: datetime.date) -> datetime.date:
    first = month.replace(day=1)
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def statement_get_for_user(*, actor, pk) -> Statement:
    return access.get_for_user(
        actor, Statement.objects.select_related("park", "enterprise", "issued_by"), pk=pk
    )


def lines_of(statement):
    """The statement's lines in order, each saying whether it is disputed now."""
    return (
        StatementLine.objects.filter(statement=statement)
        .select_related("bill")
        .annotate(
            disputed=Exists(
                StatementDispute.objects.filter(line=OuterRef("pk"), status__in=OPEN_DISPUTES)
            )
        )
        .order_by("position")
    )


def disputes_of_statement(statement):
    return (
        StatementDispute.objects.filter(statement=statement)
        .select_related("line", "handler", "raised_by")
        .order_by("-raised_at", "-id")
    )


def enterprises_for_issue(actor):
    """The enterprises the actor may issue statements for (finance of their parks)."""
    return access.restrict(
        actor, "statement.issue", Enterprise.objects.select_related("park")
    ).order_by("name")


# ---------------------------------------------------------------------------------------------
# Disputes


def with_clocks(qs):
    """Both clocks' due time, state, unit and pause, as subqueries (no query per row)."""
    for declared, prefix in ((DISPUTE_RESPONSE, "response"), (DISPUTE_RESOLUTION, "resolution")):
        qs = sla.with_clock(qs, declared, prefix=prefix)
        row = sla.clocks_for(StatementDispute.objects.all(), declared).filter(
            object_id=OuterRef("pk")
        )
        qs = qs.annotate(
            **{
                f"{prefix}_unit": Subquery(row.values("unit")[:1]),
                f"{prefix}_paused_at": Subquery(row.values("paused_at")[:1]),
            }
        )
    return qs


def overdue(qs):
    """Disputes whose response or resolution clock runs past its due time (超时)."""
    return sla.overdue(qs, DISPUTE_RESPONSE) | sla.overdue(qs, DISPUTE_RESOLUTION)


def dispute_list(
    *,
    actor,
    search: str = "",
    status: str = "",
    park=None,
    overdue_only: bool = False,
    statement=None,
):
    qs = access.scope(
        actor,
        StatementDispute.objects.select_related(
            "park", "enterprise", "statement", "line", "handler"
        ),
    )
    if search:
        qs = qs.filter(Q(enterprise__name__icontains=search) | Q(reason__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if park is not None:
        qs = qs.filter(park=park)
    if statement is not None:
        qs = qs.filter(statement=statement)
    if overdue_only:
        qs = overdue(qs)
    return with_clocks(qs).order_by("-raised_at", "-id")


def decorate_sla(rows) -> None:
    """``row.sla_label``, ``row.sla_left`` and ``row.sla_overdue``: the clock that runs now — the
    response clock while the dispute waits to be taken, then the resolution clock — in words,
    one calendar query for the whole page."""
    rows = list(rows)
    now = clock.now()
    days = calendar.DayTable()
    picked = []
    for row in rows:
        prefix = "response" if row.status == DisputeStatus.OPEN else "resolution"
        due, state = getattr(row, f"{prefix}_due_at"), getattr(row, f"{prefix}_state")
        row.sla_label = (DISPUTE_RESPONSE if prefix == "response" else DISPUTE_RESOLUTION).label
        row.sla_left, row.sla_overdue, row.sla_due = None, False, due
        if due is not None and state in sla.ACTIVE:
            picked.append((row, prefix))
    days.prime(
        {
            timezone.localtime(moment).date()
            for row, prefix in picked
            for moment in (getattr(row, f"{prefix}_due_at"), now)
        }
    )
    hours = sla.business_hours() if picked else None
    for row, prefix in picked:
        clock_row = SlaClock(
            unit=getattr(row, f"{prefix}_unit"),
            due_at=getattr(row, f"{prefix}_due_at"),
            paused_at=getattr(row, f"{prefix}_paused_at"),
            state=getattr(row, f"{prefix}_state"),
        )
        left = sla.remaining(clock_row, now=now, days=days, hours=hours)
        row.sla_left = sla.remaining_text(left)
        row.sla_overdue = left.overdue


def dispute_get_for_user(*, actor, pk) -> StatementDispute:
    return access.get_for_user(
        actor,
        StatementDispute.objects.select_related(
            "park", "enterprise", "statement", "line", "line__bill", "handler", "raised_by"
        ),
        pk=pk,
    )


def dispute_counts(*, actor) -> dict:
    """Open and overdue disputes in the actor's scope (the workbench)."""
    qs = access.scope(actor, StatementDispute.objects.filter(status__in=OPEN_DISPUTES))
    return {"open": qs.count(), "overdue": overdue(qs).count()}


def disputes_waiting(*, actor):
    """What waits for a finance clerk: disputes of their parks nobody took yet, and those they
    are investigating (the to-do centre)."""
    return access.restrict(
        actor, "dispute.handle", StatementDispute.objects.select_related("park", "enterprise")
    ).filter(Q(status=DisputeStatus.OPEN) | Q(status=DisputeStatus.INVESTIGATING, handler=actor))
