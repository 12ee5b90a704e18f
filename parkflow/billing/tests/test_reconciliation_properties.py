"""R-BIL-6 (must-show of issue 12): statements reconcile to the fen over random histories.

Hypothesis draws a fee schedule (monthly, quarterly, yearly and one-off lines; quantities and
prices with two decimals; yearly escalation), bills every charge of it through ``bill_issue``, then
replays a random history in date order through the billing services — partial, exact and over
payments, credit and debit adjustments, payments from the prepaid balance — and refunds out of the
prepaid balance (written as the refunds part will write them: a ``CreditEntry`` of reason
"refunded", negative). For every month of the history and for the whole of it:

* the statement's closing = opening + Σ bills + Σ debits − Σ credits − Σ money received +
  Σ refunds out, to the fen; each month opens where the one before closed;
* its closing = Σ outstanding − prepaid balance − paid ahead on bills not begun (what
  ``statements.compute`` checks, ``problems`` empty), with every outstanding bill positive;
* over the whole history, the ledger identity of billing holds on the rows themselves:
  Σ bill.amount + Σ adjustments − Σ money received + Σ refunds out
  == Σ bill.outstanding − Σ CreditEntry.amount, and both equal the statement's closing.

Each example is its own enterprise, so examples share the test's database without mixing."""

import datetime
import random
from decimal import ROUND_DOWN, Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkflow.agreements.choices import FeeKind, FeePeriod
from parkflow.billing import services, statements
from parkflow.billing.choices import AdjustmentKind, CreditReason, PaymentMethod
from parkflow.billing.models import Adjustment, Bill, CreditEntry, Payment
from parkflow.core import clock
from parkflow.core.errors import Conflict

from .factories import finance, resident, signed_agreement
from .factories_statements import SHANGHAI

pytestmark = pytest.mark.django_db
START = datetime.date(2025, 1, 1)
MONTHS = 8
CENT = Decimal("0.01")
PERIODS = [FeePeriod.MONTHLY, FeePeriod.QUARTERLY, FeePeriod.YEARLY, FeePeriod.ONCE]
KINDS = [FeeKind.RENT, FeeKind.PROPERTY, FeeKind.SERVICE, FeeKind.ONE_OFF]


def cents(low: int, high: int):
    return st.integers(low, high).map(lambda n: Decimal(n) / 100)


fee_line = st.fixed_dictionaries(
    {
        "period": st.sampled_from(PERIODS),
        "quantity": cents(1, 50_000),  # 0.01 … 500.00
        "unit_price": cents(1, 99_999),  # 0.01 … 999.99
        "escalation": cents(0, 1_000),  # 0 … 10.00 %
    }
)
operation = st.fixed_dictionaries(
    {
        "day": st.integers(0, MONTHS * 31),
        "hour": st.integers(0, 23),
        "what": st.sampled_from(
            ["partial", "exact", "over", "credit", "debit", "apply", "refund", "partial"]
        ),
        "bill": st.integers(0, 10_000),
        "fraction": st.integers(1, 100),
        "extra": cents(1, 500_000),
    }
)


def _lines(drawn):
    lines = []
    for index, line in enumerate(drawn):
        period = line["period"]
        lines.append(
            {
                "kind": FeeKind.DEPOSIT if period == FeePeriod.ONCE else KINDS[index % 3],
                "label": f"费用{index + 1}",
                "quantity": str(line["quantity"]),
                "unit_price": str(line["unit_price"]),
                "period": period,
                "escalation_percent": "0" if period == FeePeriod.ONCE else str(line["escalation"]),
            }
        )
    return lines


def _part(amount: Decimal, fraction: int) -> Decimal:
    """``fraction`` % of ``amount``, rounded down to the fen, at least one fen."""
    return max(CENT, (amount * fraction / 100).quantize(CENT, rounding=ROUND_DOWN))


class History:
    def __init__(self, lines):
        self.agreement = signed_agreement(resident(), start=START, months=MONTHS + 16, lines=lines)
        self.enterprise = self.agreement.enterprise
        self.clerk = finance(self.enterprise.park)
        self.keys = 0
        self.bills = []
        with time_machine.travel(datetime.datetime(2024, 12, 20, 9, tzinfo=SHANGHAI)):
            for line in self.agreement.fees.order_by("position"):
                for charge in services.charges_of(line):
                    if charge.period_start >= START + datetime.timedelta(days=31 * MONTHS):
                        break
                    issued = services.bill_issue(
                        actor=self.clerk, fee_line=line, period_start=charge.period_start
                    )
                    self.bills.append(issued.bill)

    def key(self):
        self.keys += 1
        return f"prop-{self.enterprise.pk}-{self.keys}"

    def apply(self, op, day: datetime.date):
        bill = Bill.objects.get(pk=self.bills[op["bill"] % len(self.bills)].pk)
        what = op["what"]
        if what in ("partial", "exact", "over"):
            owed = bill.outstanding
            if what == "partial" and owed > CENT:
                amount = _part(owed, op["fraction"])
            elif what == "exact" and owed > 0:
                amount = owed
            else:
                amount = max(owed, Decimal("0")) + op["extra"]
            services.payment_record(
                actor=self.clerk,
                bill=bill,
                amount=str(amount),
                method=random.choice(["bank_transfer", "wechat", "alipay", "cash"]),
                paid_on=day,
                idempotency_key=self.key(),
            )
        elif what == "credit":
            if bill.due <= 0:
                return
            services.adjustment_make(
                actor=self.clerk,
                bill=bill,
                kind=AdjustmentKind.CREDIT,
                amount=str(_part(bill.due, op["fraction"])),
                reason="核减",
            )
        elif what == "debit":
            services.adjustment_make(
                actor=self.clerk,
                bill=bill,
                kind=AdjustmentKind.DEBIT,
                amount=str(op["extra"]),
                reason="补收",
            )
        elif what == "apply":
            try:
                services.credit_apply(actor=self.clerk, bill=bill, idempotency_key=self.key())
            except Conflict:
                return  # nothing to apply
        else:
            balance = services.credit_balance(self.enterprise)
            if balance <= 0:
                return
            CreditEntry.objects.create(
                park_id=self.enterprise.park_id,
                enterprise=self.enterprise,
                amount=-_part(balance, op["fraction"]),
                reason=CreditReason.REFUNDED,
                created_by=self.clerk,
                created_at=clock.now(),
            )


def _ledger(enterprise):
    """Both sides of billing's ledger identity, straight from the rows."""
    bills = list(Bill.objects.filter(enterprise=enterprise))
    adjusted = sum(
        (a.signed_amount for a in Adjustment.objects.filter(bill__enterprise=enterprise)),
        Decimal("0"),
    )
    received = sum(
        (
            p.amount
            for p in Payment.objects.filter(enterprise=enterprise).exclude(
                method=PaymentMethod.CREDIT
            )
        ),
        Decimal("0"),
    )
    entries = list(CreditEntry.objects.filter(enterprise=enterprise))
    refunded = -sum((e.amount for e in entries if e.reason == CreditReason.REFUNDED), Decimal(0))
    left = sum((b.amount for b in bills), Decimal("0")) + adjusted - received + refunded
    right = sum((b.outstanding for b in bills), Decimal("0")) - sum(
        (e.amount for e in entries), Decimal("0")
    )
    return left, right


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(fee_line, min_size=1, max_size=3),
    operations=st.lists(operation, min_size=1, max_size=14),
    seed=st.integers(0, 1000),
)
def test_statements_reconcile_to_the_fen_for_every_period_over_random_histories(
    lines, operations, seed
):
    random.seed(seed)
    history = History(_lines(lines))
    for op in sorted(operations, key=lambda o: (o["day"], o["hour"])):
        day = START + datetime.timedelta(days=op["day"])
        moment = datetime.datetime.combine(day, datetime.time(op["hour"]), SHANGHAI)
        with time_machine.travel(moment):
            history.apply(op, day)

    enterprise = history.enterprise
    previous_closing = Decimal("0.00")
    month = datetime.date(2024, 12, 1)  # the month before the history: nothing yet
    for _ in range(MONTHS + 3):
        start, end = statements.month_of(month)
        data = statements.compute(enterprise, start, end)
        assert data.problems == [], (start, data.problems)
        assert data.opening == previous_closing, start
        t = data.totals
        assert data.closing == (
            data.opening + t.billed + t.debits - t.credits - t.received + t.refunded
        )
        assert all(row.outstanding > 0 for row in data.outstanding), start
        previous_closing = data.closing
        month = end + datetime.timedelta(days=1)

    # The whole history in one statement: the ledger identity on the rows themselves.
    whole = statements.compute(enterprise, START - datetime.timedelta(days=31), month)
    assert whole.problems == []
    assert whole.closing == previous_closing
    assert whole.advance == 0
    left, right = _ledger(enterprise)
    assert left == right == whole.closing
    assert whole.prepaid == services.credit_balance(enterprise)
    assert whole.outstanding_total == sum(
        (b.outstanding for b in Bill.objects.filter(enterprise=enterprise) if b.outstanding),
        Decimal("0"),
    )
