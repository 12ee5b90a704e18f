"""Reads of bills, payments, the prepaid balance and bill runs, always through the access layer:
staff see their parks' rows, an enterprise user only its own enterprise's (R-ORG-3); bill runs
are staff business. Lists keep a constant number of queries whatever their length (the rows'
relations are joined, the figures are aggregates)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement, yuan
from parkflow.core import access, clock
from parkflow.core.models import AuditEvent

from .choices import OUTSTANDING, RunStatus
from .models import Adjustment, Bill, BillRun, CreditEntry, Payment

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
# 账单号 as the pages print it (``Bill.number``): ZD + the period's month + the row's number.
_NUMBER = re.compile(r"^ZD(\d{6})-?(\d{1,12})$", re.IGNORECASE)


def _sum(expression):
    return Coalesce(Sum(expression), Value(ZERO), output_field=MONEY)


def _outstanding():
    return ExpressionWrapper(F("amount") + F("adjusted") - F("paid"), output_field=MONEY)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first + relativedelta(months=1, days=-1)


def overdue(qs, today: datetime.date | None = None):
    """Bills not fully paid whose due date has passed (逾期). No penalty accrues (R-BIL-3)."""
    return qs.filter(status__in=OUTSTANDING, due_date__lt=today or clock.today())


# ---------------------------------------------------------------------------------------------
# Bills


def _bills(actor):
    return access.scope(actor, Bill.objects.select_related("enterprise", "park"))


def bill_list(
    *,
    actor,
    search: str = "",
    park=None,
    status: str = "",
    overdue_only: bool = False,
    kind: str = "",
    month: datetime.date | None = None,
    enterprise=None,
    agreement=None,
):
    """The bills the actor sees, newest period first (the ``bill_newest`` index). ``search``
    matches the enterprise's name, the charge's name, an agreement's number or a 账单号
    (ZD202611-0000123)."""
    qs = _bills(actor)
    if search:
        number = _NUMBER.match(search.replace(" ", ""))
        if number:
            qs = qs.filter(pk=int(number.group(2)))
        else:
            qs = qs.filter(
                Q(enterprise__name__icontains=search)
                | Q(label__icontains=search)
                | Q(agreement__number__iexact=search)
            )
    if park is not None:
        qs = qs.filter(park=park)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if agreement is not None:
        qs = qs.filter(agreement__number=agreement.number)
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = overdue(qs)
    if kind:
        qs = qs.filter(kind=kind)
    if month is not None:
        first, last = month_bounds(month)
        qs = qs.filter(period_start__gte=first, period_start__lte=last)
    return qs.order_by("-period_start", "-id")


def bill_get_for_user(*, actor, pk) -> Bill:
    return access.get_for_user(
        actor,
        Bill.objects.select_related(
            "enterprise", "park", "agreement", "fee_line", "issued_by", "fee_line__service_item"
        ),
        pk=pk,
    )


def payments_of(bill):
    return (
        Payment.objects.filter(bill=bill)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )


def adjustments_of(bill):
    return (
        Adjustment.objects.filter(bill=bill).select_related("made_by").order_by("-made_at", "-id")
    )


def bill_timeline(bill, *, limit: int = 50) -> tuple[list, bool]:
    """The audit events of the bill and of the payments recorded on it (a payment's event is
    recorded on the payment; adjustments and refused duplicates on the bill), oldest first; the
    latest ``limit`` of them, and whether there are older ones."""
    payment_ids = [str(pk) for pk in Payment.objects.filter(bill=bill).values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(Bill, Payment)
    where = Q(content_type=types[Bill], object_id=str(bill.pk))
    if payment_ids:
        where |= Q(content_type=types[Payment], object_id__in=payment_ids)
    rows = list(
        AuditEvent.objects.filter(where)
        .select_related("actor", "seal", "content_type")
        .order_by("-id")[: limit + 1]
    )
    return rows[:limit][::-1], len(rows) > limit


def credit_entries_of(enterprise, *, limit: int = 10):
    return with_source_bill(
        CreditEntry.objects.filter(enterprise=enterprise)
        .select_related("payment__bill", "adjustment__bill")
        .order_by("-created_at", "-id")[:limit]
    )


def with_source_bill(entries) -> list:
    """``entry.source_bill``: the bill a movement of the prepaid balance came from or went to
    (its payment's or its adjustment's; None for a refund), from the joined rows."""
    entries = list(entries)
    for entry in entries:
        if entry.payment_id:
            entry.source_bill = entry.payment.bill
        elif entry.adjustment_id:
            entry.source_bill = entry.adjustment.bill
        else:
            entry.source_bill = None
    return entries


def credit_balance_of(actor, enterprise) -> Decimal:
    """The enterprise's prepaid balance (预收余额) as the actor may see it."""
    total = access.scope(actor, CreditEntry.objects.filter(enterprise=enterprise)).aggregate(
        total=_sum("amount")
    )
    return total["total"]


@dataclass(frozen=True)
class Summary:
    """What an enterprise (or an agreement) has been billed: due (应收, adjustments included),
    received (已收), outstanding (未收), and what of it is overdue (逾期)."""

    count: int
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue_count: int
    overdue_amount: Decimal


def summary_of(qs, today: datetime.date | None = None) -> Summary:
    """One aggregate query over ``qs`` (already scoped)."""
    today = today or clock.today()
    late = Q(status__in=OUTSTANDING, due_date__lt=today)
    row = qs.order_by().aggregate(
        n=Count("id"),
        total_due=_sum(F("amount") + F("adjusted")),
        total_paid=_sum("paid"),
        overdue_count=Count("id", filter=late),
        overdue_amount=Coalesce(Sum(_outstanding(), filter=late), Value(ZERO), output_field=MONEY),
    )
    return Summary(
        count=row["n"],
        due=row["total_due"],
        paid=row["total_paid"],
        outstanding=row["total_due"] - row["total_paid"],
        overdue_count=row["overdue_count"],
        overdue_amount=row["overdue_amount"],
    )


# ---------------------------------------------------------------------------------------------
# Payments


def payment_list(
    *,
    actor,
    search: str = "",
    park=None,
    method: str = "",
    month: datetime.date | None = None,
    enterprise=None,
):
    """Payments the actor sees, newest recorded first (the ``payment_newest`` index)."""
    qs = access.scope(
        actor, Payment.objects.select_related("bill", "enterprise", "park", "recorded_by")
    )
    if search:
        number = _NUMBER.match(search.replace(" ", ""))
        if number:
            qs = qs.filter(bill_id=int(number.group(2)))
        else:
            qs = qs.filter(
                Q(enterprise__name__icontains=search)
                | Q(reference__icontains=search)
                | Q(bill__label__icontains=search)
            )
    if park is not None:
        qs = qs.filter(park=park)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if method:
        qs = qs.filter(method=method)
    if month is not None:
        first, last = month_bounds(month)
        qs = qs.filter(paid_on__gte=first, paid_on__lte=last)
    return qs.order_by("-recorded_at", "-id")


# ---------------------------------------------------------------------------------------------
# Bill runs (R-BIL-1)


def run_list(*, actor, park=None):
    qs = access.scope(actor, BillRun.objects.select_related("park", "started_by"))
    if park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("-started_at", "-id")


def run_get_for_user(*, actor, pk) -> BillRun:
    return access.get_for_user(actor, BillRun.objects.select_related("park", "started_by"), pk=pk)


def parks_for_runs(actor):
    """The parks where the actor issues bills (``bill.issue``), in the sidebar's order."""
    from parkflow.org.choices import UnitKind
    from parkflow.org.models import OrgUnit

    qs = access.scope(actor, OrgUnit.objects.filter(kind=UnitKind.PARK))
    parks = access.parks_with_roles(actor, access.roles_for("bill.issue"))
    if parks is not None:
        qs = qs.filter(pk__in=parks)
    return qs.order_by("sort_order", "id")


@dataclass(frozen=True)
class ParkToBill:
    """What a park's run of a month would bill: its signed agreements, and its latest run."""

    park: object
    agreements: int
    latest: BillRun | None
    running: bool
    done_this_month: bool


def parks_to_bill(actor, month: datetime.date | None = None) -> list[ParkToBill]:
    """For each park the actor bills: its signed agreements (what a run reads) and its latest
    run; three queries whatever the number of parks."""
    month = (month or clock.today()).replace(day=1)
    parks = list(parks_for_runs(actor))
    ids = [park.pk for park in parks]
    signed = dict(
        Agreement.objects.filter(park_id__in=ids, status=AgreementStatus.SIGNED)
        .values_list("park_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    latest: dict[int, BillRun] = {}
    done: set[int] = set()
    for run in BillRun.objects.filter(park_id__in=ids).order_by("park_id", "-started_at", "-id"):
        latest.setdefault(run.park_id, run)
        if run.status == RunStatus.DONE and run.month >= month:
            done.add(run.park_id)
    return [
        ParkToBill(
            park=park,
            agreements=signed.get(park.pk, 0),
            latest=latest.get(park.pk),
            running=latest.get(park.pk) is not None and latest[park.pk].status == RunStatus.RUNNING,
            done_this_month=park.pk in done,
        )
        for park in parks
    ]


def parks_awaiting_month_run(actor) -> list[ParkToBill]:
    """本月出账待执行: parks the actor bills, with signed agreements, whose run of the current
    month has not completed (nor is running)."""
    return [
        row
        for row in parks_to_bill(actor)
        if row.agreements and not row.done_this_month and not row.running
    ]


# ---------------------------------------------------------------------------------------------
# The workbench card (finance)


def finance_figures(*, actor) -> dict:
    """本月应收 (bills of periods starting this month, adjustments included), and the overdue
    bills' number and outstanding amount, over the actor's parks: two aggregate queries."""
    today = clock.today()
    first, last = month_bounds(today)
    bills = access.scope(actor, Bill.objects.all())
    month = bills.filter(period_start__gte=first, period_start__lte=last).aggregate(
        total_due=_sum(F("amount") + F("adjusted")), total_paid=_sum("paid")
    )
    late = overdue(bills, today).aggregate(n=Count("id"), total=_sum(_outstanding()))
    return {
        "month_due": month["total_due"],
        "month_paid": month["total_paid"],
        "overdue_count": late["n"],
        "overdue_amount": late["total"],
    }


def credit_balance(enterprise) -> Decimal:
    """The enterprise's prepaid balance (预收余额), unscoped: for the services, which have
    checked the actor already."""
    total = CreditEntry.objects.filter(enterprise=enterprise).aggregate(total=_sum("amount"))
    # To the fen: SQLite sums decimals as binary floats (14.7099999999998).
    return yuan(total["total"])
