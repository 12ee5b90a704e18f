"""The receivables dashboard (应收账款看板, R-BIL-4, R-BIL-6): what is still owed, by park and by how
long it is overdue (AgingBucket), the KPIs and the enterprises that owe most past their due
date. Scoped to the user's parks (R-ORG-3); three aggregate queries whatever the number of
bills, served by the partial index ``bill_outstanding_aging`` (outstanding bills by park and
due date, with the amounts they sum) for the two that read only what is outstanding.

Days past due = today − due date: 0 or less is 未到期 (due today is not late), 1–30, 31–90,
91–180, and more than 180."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from parkflow.core import access, clock

from .choices import OUTSTANDING, AgingBucket
from .models import Bill

ZERO = Decimal("0")
BUCKETS = list(AgingBucket)
# The upper bound of each overdue bucket in days past due (the last has none).
LIMITS = {AgingBucket.D30: 30, AgingBucket.D90: 90, AgingBucket.D180: 180}


def days_past_due(due_date: datetime.date, today: datetime.date) -> int:
    return (today - due_date).days


def bucket_of(due_date: datetime.date, today: datetime.date) -> str:
    """The aging bucket of a bill due on ``due_date`` (the same rule as ``_bucket_sql``)."""
    days = days_past_due(due_date, today)
    if days <= 0:
        return AgingBucket.NOT_DUE
    for bucket, limit in LIMITS.items():
        if days <= limit:
            return bucket
    return AgingBucket.OVER_180


def _bucket_sql(today: datetime.date):
    """The bucket as a SQL expression on ``due_date``: a bill due on or after today is not
    due; one due ``n`` days before today is overdue ``n`` days."""
    whens = [When(due_date__gte=today, then=Value(AgingBucket.NOT_DUE.value))]
    for bucket, limit in LIMITS.items():
        whens.append(
            When(due_date__gte=today - datetime.timedelta(days=limit), then=Value(bucket.value))
        )
    return Case(*whens, default=Value(AgingBucket.OVER_180.value), output_field=CharField())


OWED = F("amount") + F("adjusted") - F("paid")


@dataclass
class Receivables:
    today: datetime.date
    billed: Decimal = ZERO  # 应收总额: every bill's amount net of adjustments
    collected: Decimal = ZERO  # 已收
    outstanding: Decimal = ZERO  # 未收（应收账款余额）
    overdue: Decimal = ZERO  # 逾期金额: outstanding past its due date
    bills_outstanding: int = 0
    buckets: dict = field(default_factory=dict)  # bucket -> amount
    by_park: list = field(default_factory=list)  # [{"park", "park_id", "buckets", "total"}]
    top_overdue: list = field(default_factory=list)

    @property
    def overdue_rate(self) -> Decimal | None:
        """逾期率: the share of what is still owed that is past its due date."""
        if not self.outstanding:
            return None
        return (self.overdue * 100 / self.outstanding).quantize(Decimal("0.1"))

    @property
    def collection_rate(self) -> Decimal | None:
        """收缴率: what was collected of what was billed."""
        if not self.billed:
            return None
        return (self.collected * 100 / self.billed).quantize(Decimal("0.1"))


def receivables_summary(*, actor, park=None, top: int = 10) -> Receivables:
    """The dashboard's figures for the actor's parks (or one of them)."""
    today = clock.today()
    bills = access.restrict(actor, "bill.view", Bill.objects.all())
    if park is not None:
        bills = bills.filter(park=park)
    board = Receivables(today=today, buckets=dict.fromkeys(BUCKETS, ZERO))
    owed = Q(status__in=OUTSTANDING)
    late = owed & Q(due_date__lt=today)
    totals = bills.aggregate(
        billed=Coalesce(Sum(F("amount") + F("adjusted")), ZERO),
        collected=Coalesce(Sum("paid"), ZERO),
    )
    board.billed, board.collected = totals["billed"], totals["collected"]
    parks: dict[int, dict] = {}
    rows = (
        bills.filter(owed)
        .annotate(bucket=_bucket_sql(today))
        .values("park_id", "park__name", "bucket")
        .annotate(amount=Sum(OWED), n=Count("id"))
        .order_by()
    )
    for row in rows:
        entry = parks.setdefault(
            row["park_id"],
            {
                "park": row["park__name"],
                "park_id": row["park_id"],
                "buckets": dict.fromkeys(BUCKETS, ZERO),
                "total": ZERO,
            },
        )
        bucket = AgingBucket(row["bucket"])
        entry["buckets"][bucket] += row["amount"]
        entry["total"] += row["amount"]
        board.buckets[bucket] += row["amount"]
        board.outstanding += row["amount"]
        board.bills_outstanding += row["n"]
        if bucket != AgingBucket.NOT_DUE:
            board.overdue += row["amount"]
    board.by_park = sorted(parks.values(), key=lambda e: (-e["total"], e["park"]))
    board.top_overdue = [
        {
            "enterprise_id": row["enterprise_id"],
            "name": row["enterprise__name"],
            "park": row["park__name"],
            "amount": row["amount"],
            "bills": row["n"],
            "oldest_due": row["oldest"],
            "days": days_past_due(row["oldest"], today),
            "bucket": bucket_of(row["oldest"], today),
            "latest_due": row["latest"],
        }
        for row in bills.filter(late)
        .values("enterprise_id", "enterprise__name", "park__name")
        .annotate(amount=Sum(OWED), n=Count("id"), oldest=Min("due_date"), latest=Max("due_date"))
        .order_by("-amount", "enterprise__name")[:top]
    ]
    return board
