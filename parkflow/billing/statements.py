"""The statement (对账单) of an enterprise for a period (R-BIL-5, R-BIL-6, Art.14): the balance it
owes at the start, every movement of its account in the period in date order, the balance at the
end, and what the end balance is made of — the bills still outstanding and the prepaid balance.

The balance is what the enterprise owes the park, net: bills and debit adjustments raise it;
credit adjustments and money received lower it; money refunded out of the prepaid balance raises
it again. Paying a bill from the prepaid balance (预收抵扣) moves money inside the account and
leaves the balance as it is: it is listed, with no effect. So, to the fen:

    closing = opening + Σ bills + Σ debits − Σ credits − Σ money received + Σ refunds out
    closing = Σ outstanding of the bills begun by the end − prepaid balance at the end
              − what was paid ahead on bills whose period begins after the end

The second line is the ledger identity of billing (billing_context: Σ bill.amount ± adjustments −
money received + refunds out == Σ bill.outstanding − Σ CreditEntry.amount) taken at the end of
the period; for a period reaching past every bill's start it is exactly that identity.

Each movement is dated once, and the same way on both sides: a bill by the start of its period
(fees are billed per period, in advance), a payment by the day the money arrived (``paid_on``,
also for the part of it that went to the prepaid balance), an adjustment by the day it was made,
a refund out by the day it was recorded. Reads only: the caller scopes the enterprise
(``selectors_statements``); a statement of five years of monthly bills is a dozen queries
whatever its length (set-based: sums and one row per movement of the period)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import AdjustmentKind, CreditReason, PaymentMethod
from .choices_statements import LINE_ORDER, StatementLineKind
from .models import Adjustment, Bill, CreditEntry, Payment

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
K = StatementLineKind


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar month ``day`` falls in: (first day, last day)."""
    first = day.replace(day=1)
    return first, first + relativedelta(months=1, days=-1)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return month_of(today.replace(day=1) - datetime.timedelta(days=1))


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the park's time zone: moments before it are dated before it."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _sum(qs, expression="amount") -> Decimal:
    total = qs.aggregate(total=Sum(expression))["total"]
    return ZERO if total is None else Decimal(total).quantize(ZERO)


@dataclass(frozen=True)
class Line:
    """One movement: ``amount`` as shown (positive), ``effect`` on the balance (signed; zero for
    a payment from the prepaid balance), ``balance`` after it."""

    kind: str
    date: datetime.date
    description: str
    amount: Decimal
    effect: Decimal
    balance: Decimal
    bill_id: int | None = None
    bill_number: str = ""
    payment_id: int | None = None
    adjustment_id: int | None = None
    credit_entry_id: int | None = None


@dataclass(frozen=True)
class Outstanding:
    """A bill begun by the end of the period with something still to pay at the end."""

    bill_id: int
    number: str
    label: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date
    due: Decimal  # the amount with the adjustments made by the end
    outstanding: Decimal


@dataclass(frozen=True)
class Totals:
    billed: Decimal = ZERO
    debits: Decimal = ZERO
    credits: Decimal = ZERO
    received: Decimal = ZERO
    credit_applied: Decimal = ZERO
    refunded: Decimal = ZERO


@dataclass
class StatementData:
    enterprise_id: int
    period_start: datetime.date
    period_end: datetime.date
    opening: Decimal
    lines: list[Line]
    totals: Totals
    closing: Decimal
    outstanding: list[Outstanding]
    prepaid: Decimal  # the prepaid balance (预收余额) at the end
    advance: Decimal  # paid ahead on bills whose period begins after the end
    problems: list[str] = field(default_factory=list)

    @property
    def outstanding_total(self) -> Decimal:
        return sum((row.outstanding for row in self.outstanding), ZERO)

    @property
    def movement(self) -> Decimal:
        t = self.totals
        return t.billed + t.debits - t.credits - t.received + t.refunded

    def reconciles(self) -> bool:
        """Both identities hold to the fen (the module's docstring)."""
        return not self.problems


# ---------------------------------------------------------------------------------------------
# The balance at the start


def _balance_before(enterprise_id: int, day: datetime.date) -> Decimal:
    """What the enterprise owed at the start of ``day``: four sums over everything dated
    before it."""
    midnight = _midnight(day)
    billed = _sum(Bill.objects.filter(enterprise_id=enterprise_id, period_start__lt=day))
    adjusted = Adjustment.objects.filter(
        bill__enterprise_id=enterprise_id, made_at__lt=midnight
    ).aggregate(
        debits=Sum("amount", filter=Q(kind=AdjustmentKind.DEBIT)),
        credits=Sum("amount", filter=Q(kind=AdjustmentKind.CREDIT)),
    )
    received = _sum(
        Payment.objects.filter(enterprise_id=enterprise_id, paid_on__lt=day).exclude(
            method=PaymentMethod.CREDIT
        )
    )
    refunded = -_sum(
        CreditEntry.objects.filter(
            enterprise_id=enterprise_id, reason=CreditReason.REFUNDED, created_at__lt=midnight
        )
    )
    return (
        billed + (adjusted["debits"] or ZERO) - (adjusted["credits"] or ZERO) - received + refunded
    )


# ---------------------------------------------------------------------------------------------
# The movements of the period


def _bill_text(label, start, end) -> str:
    if start == end:
        return f"{label}（{start:%Y-%m-%d}）"
    return f"{label}（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）"


def _number(pk: int, period_start: datetime.date) -> str:
    return Bill(pk=pk, period_start=period_start).number


def _movements(enterprise_id: int, start: datetime.date, end: datetime.date) -> list[dict]:
    """Every movement dated in [start, end], unordered: four queries."""
    since, until = _midnight(start), _midnight(end + datetime.timedelta(days=1))
    rows = []
    for bill in Bill.objects.filter(
        enterprise_id=enterprise_id, period_start__gte=start, period_start__lte=end
    ).values("pk", "label", "period_start", "period_end", "amount"):
        rows.append(
            {
                "kind": K.BILL,
                "date": bill["period_start"],
                "description": _bill_text(bill["label"], bill["period_start"], bill["period_end"]),
                "amount": bill["amount"],
                "effect": bill["amount"],
                "bill_id": bill["pk"],
                "bill_number": _number(bill["pk"], bill["period_start"]),
                "order": bill["pk"],
            }
        )
    for adjustment in Adjustment.objects.filter(
        bill__enterprise_id=enterprise_id, made_at__gte=since, made_at__lt=until
    ).values("pk", "kind", "amount", "reason", "made_at", "bill_id", "bill__period_start"):
        debit = adjustment["kind"] == AdjustmentKind.DEBIT
        number = _number(adjustment["bill_id"], adjustment["bill__period_start"])
        rows.append(
            {
                "kind": K.DEBIT if debit else K.CREDIT,
                "date": timezone.localdate(adjustment["made_at"]),
                "description": (
                    _("调增 %(number)s：%(reason)s") if debit else _("调减 %(number)s：%(reason)s")
                )
                % {"number": number, "reason": adjustment["reason"]},
                "amount": adjustment["amount"],
                "effect": adjustment["amount"] if debit else -adjustment["amount"],
                "bill_id": adjustment["bill_id"],
                "bill_number": number,
                "adjustment_id": adjustment["pk"],
                "order": adjustment["pk"],
            }
        )
    methods = dict(PaymentMethod.choices)
    for payment in Payment.objects.filter(
        enterprise_id=enterprise_id, paid_on__gte=start, paid_on__lte=end
    ).values(
        "pk",
        "amount",
        "credited",
        "method",
        "reference",
        "paid_on",
        "bill_id",
        "bill__period_start",
    ):
        number = _number(payment["bill_id"], payment["bill__period_start"])
        if payment["method"] == PaymentMethod.CREDIT:
            rows.append(
                {
                    "kind": K.CREDIT_APPLIED,
                    "date": payment["paid_on"],
                    "description": _("预收余额抵扣 %(number)s") % {"number": number},
                    "amount": payment["amount"],
                    "effect": ZERO,
                    "bill_id": payment["bill_id"],
                    "bill_number": number,
                    "payment_id": payment["pk"],
                    "order": payment["pk"],
                }
            )
            continue
        text = _("收款 %(number)s · %(method)s") % {
            "number": number,
            "method": methods.get(payment["method"], payment["method"]),
        }
        if payment["reference"]:
            text += _(" · 流水号 %(ref)s") % {"ref": payment["reference"]}
        if payment["credited"]:
            text += _("（其中 %(amount)s 元转入预收余额）") % {
                "amount": f"{payment['credited']:,.2f}"
            }
        rows.append(
            {
                "kind": K.PAYMENT,
                "date": payment["paid_on"],
                "description": text,
                "amount": payment["amount"],
                "effect": -payment["amount"],
                "bill_id": payment["bill_id"],
                "bill_number": number,
                "payment_id": payment["pk"],
                "order": payment["pk"],
            }
        )
    for entry in CreditEntry.objects.filter(
        enterprise_id=enterprise_id,
        reason=CreditReason.REFUNDED,
        created_at__gte=since,
        created_at__lt=until,
    ).values("pk", "amount", "created_at"):
        rows.append(
            {
                "kind": K.REFUND,
                "date": timezone.localdate(entry["created_at"]),
                "description": _("预收余额退款"),
                "amount": -entry["amount"],
                "effect": -entry["amount"],
                "credit_entry_id": entry["pk"],
                "order": entry["pk"],
            }
        )
    return rows


def _lines(rows: Iterable[dict], opening: Decimal) -> list[Line]:
    ordered = sorted(rows, key=lambda r: (r["date"], LINE_ORDER[r["kind"]], r["order"]))
    balance, lines = opening, []
    for row in ordered:
        row = dict(row)
        row.pop("order")
        balance += row["effect"]
        lines.append(Line(balance=balance, **row))
    return lines


def _totals(lines: list[Line]) -> Totals:
    by_kind = dict.fromkeys(K.values, ZERO)
    for line in lines:
        by_kind[line.kind] += line.amount
    return Totals(
        billed=by_kind[K.BILL],
        debits=by_kind[K.DEBIT],
        credits=by_kind[K.CREDIT],
        received=by_kind[K.PAYMENT],
        credit_applied=by_kind[K.CREDIT_APPLIED],
        refunded=by_kind[K.REFUND],
    )


# ---------------------------------------------------------------------------------------------
# What the end balance is made of


def _sum_of(qs, expression="amount", by="bill_id"):
    """A correlated sum as a subquery (0 when there is nothing)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(by).annotate(total=Sum(expression)).values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def _bills_at(enterprise_id: int, end: datetime.date):
    """Each bill of the enterprise with what was applied to it, adjusted on it and returned from
    it to the prepaid balance by the end of ``end``: one query."""
    until = _midnight(end + datetime.timedelta(days=1))
    applied = Payment.objects.filter(bill_id=OuterRef("pk"), paid_on__lte=end)
    adjustments = Adjustment.objects.filter(bill_id=OuterRef("pk"), made_at__lt=until)
    returned = CreditEntry.objects.filter(
        adjustment__bill_id=OuterRef("pk"),
        reason=CreditReason.ADJUSTMENT,
        adjustment__made_at__lt=until,
    )
    return (
        Bill.objects.filter(enterprise_id=enterprise_id)
        .annotate(
            applied_by=_sum_of(applied, "applied"),
            debits_by=_sum_of(adjustments.filter(kind=AdjustmentKind.DEBIT)),
            credits_by=_sum_of(adjustments.filter(kind=AdjustmentKind.CREDIT)),
            returned_by=_sum_of(returned, by="adjustment__bill_id"),
        )
        .values(
            "pk",
            "label",
            "period_start",
            "period_end",
            "due_date",
            "amount",
            "applied_by",
            "debits_by",
            "credits_by",
            "returned_by",
        )
        .order_by("period_start", "pk")
    )


def _prepaid_at(enterprise_id: int, end: datetime.date) -> Decimal:
    """The prepaid balance at the end of ``end``: its entries dated by the payment's arrival,
    the adjustment's day or, for the others (refunds), their own time. One query."""
    until = _midnight(end + datetime.timedelta(days=1))
    return _sum(
        CreditEntry.objects.filter(enterprise_id=enterprise_id).filter(
            Q(payment__isnull=False, payment__paid_on__lte=end)
            | Q(payment__isnull=True, adjustment__isnull=False, adjustment__made_at__lt=until)
            | Q(payment__isnull=True, adjustment__isnull=True, created_at__lt=until)
        )
    )


def _position(enterprise_id: int, end: datetime.date) -> tuple[list[Outstanding], Decimal]:
    """(the bills outstanding at the end, what was paid ahead on bills not begun by then)."""
    outstanding, advance = [], ZERO
    for row in _bills_at(enterprise_id, end):
        adjusted = row["debits_by"] - row["credits_by"]
        net_paid = row["applied_by"] - row["returned_by"]
        if row["period_start"] > end:
            advance += net_paid - adjusted
            continue
        left = row["amount"] + adjusted - net_paid
        if left:
            outstanding.append(
                Outstanding(
                    bill_id=row["pk"],
                    number=_number(row["pk"], row["period_start"]),
                    label=row["label"],
                    period_start=row["period_start"],
                    period_end=row["period_end"],
                    due_date=row["due_date"],
                    due=row["amount"] + adjusted,
                    outstanding=left,
                )
            )
    return outstanding, advance


# ---------------------------------------------------------------------------------------------
# The statement


def compute(enterprise, period_start: datetime.date, period_end: datetime.date) -> StatementData:
    """The statement of ``enterprise`` (or its id) for [period_start, period_end], checked: a
    difference between the two ways of arriving at the closing balance is listed in
    ``problems`` (never expected; the tests prove it over random histories)."""
    if period_end < period_start:
        raise ValueError("period_end before period_start")
    enterprise_id = getattr(enterprise, "pk", enterprise)
    opening = _balance_before(enterprise_id, period_start)
    lines = _lines(_movements(enterprise_id, period_start, period_end), opening)
    totals = _totals(lines)
    outstanding, advance = _position(enterprise_id, period_end)
    data = StatementData(
        enterprise_id=enterprise_id,
        period_start=period_start,
        period_end=period_end,
        opening=opening,
        lines=lines,
        totals=totals,
        closing=lines[-1].balance if lines else opening,
        outstanding=outstanding,
        prepaid=_prepaid_at(enterprise_id, period_end),
        advance=advance,
    )
    if data.closing != opening + data.movement:
        data.problems.append(f"closing {data.closing} != opening {opening} + {data.movement}")
    composed = data.outstanding_total - data.prepaid - data.advance
    if data.closing != composed:
        data.problems.append(
            f"closing {data.closing} != outstanding {data.outstanding_total} − prepaid "
            f"{data.prepaid} − advance {data.advance}"
        )
    return data
