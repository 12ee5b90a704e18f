"""The receivables dashboard (应收账款看板, R-BIL-4, R-BIL-6): what the enterprises still owe (应收
账款余额), by park and by how long it is overdue (AgingBucket), the money received this month, and
the enterprises that owe most past their due date. Scoped to the user's parks (R-ORG-3).

Four queries whatever the number of bills, each reading only what it needs (measured at
1,000,000 bills by bench/billing.py):

1. the outstanding amounts by park, one sum per aging bucket (conditional sums over the partial
   index ``bill_outstanding_aging`` — outstanding bills by park and due date — grouped by park
   only, so the database hashes a few groups instead of sorting every bill);
2. the ten enterprises owing most past due (grouped by enterprise id alone, then only those ten
   rows are named — 3.);
4. the money received this month (payments by ``paid_on``, the index ``payment_received_on``).

Days past due = today − due date: 0 or less is 未到期 (due today is not late), then 1–30, 31–90,
91–180 and more than 180. 逾期率 = 逾期金额 ÷ 应收总额 (the outstanding balance)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from parkflow.core import access, clock

from .choices import OUTSTANDING, AgingBucket, PaymentMethod
from .models import Bill, Payment

ZERO = Decimal("0")
BUCKETS = list(AgingBucket)
# The upper bound of each overdue bucket in days past due (the last has none).
LIMITS = {AgingBucket.D30: 30, AgingBucket.D90: 90, AgingBucket.D180: 180}
OWED = F("amount") + F("adjusted") - F("paid")


def days_past_due(due_date: datetime.date, today: datetime.date) -> int:
    return (today - due_date).days


def bucket_of(due_date: datetime.date, today: datetime.date) -> str:
    """The aging bucket of a bill due on ``due_date`` (the rule of ``_bucket_filters``)."""
    days = days_past_due(due_date, today)
    if days <= 0:
        return AgingBucket.NOT_DUE
    for bucket, limit in LIMITS.items():
        if days <= limit:
            return bucket
    return AgingBucket.OVER_180


def _bucket_filters(today: datetime.date) -> dict[str, Q]:
    """Each bucket as a condition on ``due_date``: due on or after today is not due; due ``n``
    days before today is overdue ``n`` days."""
    filters = {AgingBucket.NOT_DUE: Q(due_date__gte=today)}
    upper = today  # exclusive
    for bucket, limit in LIMITS.items():
        lower = today - datetime.timedelta(days=limit)
        filters[bucket] = Q(due_date__lt=upper, due_date__gte=lower)
        upper = lower
    filters[AgingBucket.OVER_180] = Q(due_date__lt=upper)
    return filters


@dataclass
class Receivables:
    today: datetime.date
    outstanding: Decimal = ZERO  # 应收总额: what the bills still ask (应收账款余额)
    overdue: Decimal = ZERO  # 逾期金额: the part of it past its due date
    bills_outstanding: int = 0
    collected_month: Decimal = ZERO  # 本月已收: money received this month
    payments_month: int = 0
    buckets: dict = field(default_factory=dict)  # bucket -> amount
    by_park: list = field(default_factory=list)  # [{"park", "park_id", "buckets", "total"}]
    top_overdue: list = field(default_factory=list)

    @property
    def overdue_rate(self) -> Decimal | None:
        """逾期率: the share of what is still owed that is past its due date."""
        if not self.outstanding:
            return None
        return (self.overdue * 100 / self.outstanding).quantize(Decimal("0.1"))


def receivables_summary(*, actor, park=None, top: int = 10) -> Receivables:
    """The dashboard's figures for the actor's parks (or one of them)."""
    today = clock.today()
    bills = access.restrict(actor, "bill.view", Bill.objects.all())
    payments = access.restrict(actor, "bill.view", Payment.objects.all())
    if park is not None:
        bills = bills.filter(park=park)
        payments = payments.filter(park=park)
    board = Receivables(today=today, buckets=dict.fromkeys(BUCKETS, ZERO))
    owed = bills.filter(status__in=OUTSTANDING)
    sums = {
        bucket.value: Coalesce(Sum(OWED, filter=condition), ZERO)
        for bucket, condition in _bucket_filters(today).items()
    }
    rows = owed.values("park_id", "park__name").annotate(n=Count("id"), **sums).order_by()
    for row in rows:
        entry = {
            "park": row["park__name"],
            "park_id": row["park_id"],
            "buckets": {bucket: row[bucket.value] for bucket in BUCKETS},
        }
        entry["total"] = sum(entry["buckets"].values(), ZERO)
        board.by_park.append(entry)
        board.bills_outstanding += row["n"]
        for bucket in BUCKETS:
            board.buckets[bucket] += row[bucket.value]
    board.by_park.sort(key=lambda e: (-e["total"], e["park"]))
    board.outstanding = sum(board.buckets.values(), ZERO)
    board.overdue = board.outstanding - board.buckets[AgingBucket.NOT_DUE]
    late = list(
        owed.filter(due_date__lt=today)
        .values("enterprise_id")
        .annotate(amount=Sum(OWED), n=Count("id"), oldest=Min("due_date"), latest=Max("due_date"))
        .order_by("-amount", "enterprise_id")[:top]
    )
    if late:
        from parkflow.enterprises.models import Enterprise

        names = {
            pk: (name, park_name)
            for pk, name, park_name in Enterprise.objects.filter(
                pk__in=[row["enterprise_id"] for row in late]
            ).values_list("pk", "name", "park__name")
        }
        board.top_overdue = [
            {
                "enterprise_id": row["enterprise_id"],
                "name": names[row["enterprise_id"]][0],
                "park": names[row["enterprise_id"]][1],
                "amount": row["amount"],
                "bills": row["n"],
                "oldest_due": row["oldest"],
                "days": days_past_due(row["oldest"], today),
                "bucket": bucket_of(row["oldest"], today),
                "latest_due": row["latest"],
            }
            for row in late
        ]
    received = (
        payments.filter(paid_on__gte=today.replace(day=1), paid_on__lte=today)
        .exclude(method=PaymentMethod.CREDIT)
        .aggregate(total=Coalesce(Sum("amount"), ZERO), n=Count("id"))
    )
    board.collected_month, board.payments_month = received["total"], received["n"]
    return board
