"""The demo parks' bills (issue 12, R-BIL-1 … R-BIL-6): a ``seed_demo`` part, built through the
services, so the runs, the audit chain, the prepaid balance and the duty are the real ones. As
the finance office would show it at the end of November:

* a bill run at the start of every month since January for each park with signed agreements
  (run by the finance officer ``finance``), so each agreement is billed period by period from
  its start; this month's run of 苏州工业园A区 done today, 无锡科创园B区's still to do (its
  finance to-do item and the monthly duty waiting for it);
* most bills paid within their fortnight by bank transfer, WeChat Pay or Alipay; a few paid in
  part; one overpaid — the difference in the prepaid balance, part of it later spent on the
  next bill (预收余额抵扣); one property bill corrected by a credit adjustment; and a handful
  left unpaid past their due date (逾期), including the portal enterprise's;
* the portal enterprise 苏州纳微光电科技有限公司 (``ent_a``) resident since January under a
  signed residency agreement (its draft of today is a second agreement for a service it asked
  for), so its portal shows a year of bills, payments and a prepaid balance.

The story lies in the past and a bill's issue time or a payment's recording time is what the
audit chain and the reconciliation read; so, as the service desk's demo does, each step runs
*at* its moment: ``core.clock.now`` — the only source of time — is moved for the call."""

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement
from parkflow.core import calendar, clock
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise

from . import services
from .choices import AdjustmentKind, BillStatus, ChargeKind, PaymentMethod, RunStatus
from .models import Bill, BillRun, CreditEntry, Payment

FIRST_MONTH = datetime.date(2026, 1, 1)
METHODS = [PaymentMethod.BANK_TRANSFER] * 6 + [PaymentMethod.WECHAT, PaymentMethod.ALIPAY]
# Left unpaid past their due date: (enterprise name, kind, month of the period).
UNPAID = {
    ("苏州博恒医药科技有限公司", ChargeKind.PROPERTY, 10),
    ("苏州博恒医药科技有限公司", ChargeKind.RENT, 10),
    (PORTAL_ENTERPRISE, ChargeKind.PROPERTY, 10),
    ("无锡芯源微电子有限公司", ChargeKind.PROPERTY, 10),
}
# Paid in part: (enterprise, kind, month) → the share paid.
PARTIAL = {
    ("苏州汇锦精密机械有限公司", ChargeKind.RENT, 8): Decimal("0.6"),
    (PORTAL_ENTERPRISE, ChargeKind.PROPERTY, 9): Decimal("0.5"),
}
# Overpaid (the rest to the prepaid balance), and the bill the balance later pays.
OVERPAID = ((PORTAL_ENTERPRISE, ChargeKind.RENT, 7), Decimal("5000.00"))
CREDIT_APPLIED = (PORTAL_ENTERPRISE, ChargeKind.PROPERTY, 8)
ADJUSTED = (
    ("苏州汇锦精密机械有限公司", ChargeKind.PROPERTY, 9),
    Decimal("144.00"),
    "9月中央空调检修停用3天，经协商按天减免物业费。",
)


@contextlib.contextmanager
def _at(moment: datetime.datetime):
    """Run what follows at ``moment`` (in the past): ``clock.now`` moves there and runs on."""
    real = clock.now
    offset = moment - real()
    if offset > datetime.timedelta(0):
        raise ValueError(f"the demo's story lies in the past, not at {moment}")
    clock.now = lambda: real() + offset
    try:
        yield
    finally:
        clock.now = real


def _moment(day: datetime.date, hour: int = 9, minute: int = 30) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _months(until: datetime.date):
    month = FIRST_MONTH
    while month <= until:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


# ---------------------------------------------------------------------------------------------
# The portal enterprise's residency agreement (so the portal has bills to show)


def build_portal_agreement(ctx):
    """苏州纳微光电科技有限公司's residency agreement, signed before it moved in in January —
    drafted, reviewed and signed through the agreements services as the register would hold
    it (its signing date set back, as the agreements demo does)."""
    from parkflow.agreements import demo as agreements_demo

    portal = Enterprise.objects.filter(name=PORTAL_ENTERPRISE).first()
    if (
        portal is None
        or Agreement.objects.filter(enterprise=portal, status=AgreementStatus.SIGNED).exists()
    ):
        return
    # The agreements demo's own steps (draft with its fee schedule, submit, legal review, sign).
    agreement, drafter = agreements_demo._draft(
        ctx, "a", portal, "入驻服务协议（一期）", start=datetime.date(2026, 1, 1), rent_area="150"
    )
    agreements_demo._submit(agreement, drafter)
    signed_days_ago = (clock.today() - datetime.date(2025, 12, 26)).days
    agreements_demo._sign(ctx, agreement, drafter, signed_days_ago)


# ---------------------------------------------------------------------------------------------
# A year of bills


def _parks_billable() -> dict:
    """Park → the day its first agreement in force was signed (an amended one counts from
    its first version): no run bills an agreement before it was signed."""
    signed = {}
    for agreement in Agreement.objects.filter(
        status__in=(AgreementStatus.SIGNED, AgreementStatus.SUPERSEDED), signed_on__isnull=False
    ).select_related("park"):
        park = agreement.park
        signed[park] = min(signed.get(park, agreement.signed_on), agreement.signed_on)
    return signed


def _run(actor, park, month):
    run = services.bill_run_start(actor=actor, park=park, month=month)
    return services.bill_run_execute(run_id=run.pk)


def build_runs(ctx):
    """Each park's run at the first working day of every month since its first charge; this
    month's for park A today, park B's left to do."""
    finance = ctx.users["finance"]
    today = clock.today()
    this_month = today.replace(day=1)
    park_a = ctx.units["park_a"]
    for park, signed in sorted(_parks_billable().items(), key=lambda item: item[0].pk):
        for month in _months(this_month):
            if month == this_month:
                if park.pk == park_a.pk:
                    _run(finance, park, month)
                continue
            day = calendar.first_working_day_of_month(month.year, month.month)
            if day < signed:
                continue
            with _at(_moment(day)):
                _run(finance, park, month)
    ctx.counts["bills"] = Bill.objects.count()


def _key(bill) -> tuple:
    return (bill.enterprise.name, bill.kind, bill.period_start.month)


def _pay(finance, bill, amount, day, method, n):
    with _at(_moment(day, 10, 15)):
        services.payment_record(
            actor=finance,
            bill=bill,
            amount=amount,
            method=method,
            paid_on=day,
            reference=f"{day:%Y%m%d}{n:06d}",
            idempotency_key=f"demo-{bill.pk}-{n}",
        )


def build_payments(ctx):
    """Most bills paid within their fortnight; some in part, one overpaid, a few left unpaid
    past their due date; the overpayment later spent on another bill; one adjustment."""
    finance = ctx.users["finance"]
    rng = ctx.rng
    today = clock.today()
    bills = list(
        Bill.objects.select_related("enterprise").order_by("issued_at", "period_start", "pk")
    )
    n = 0
    for bill in bills:
        key = _key(bill)
        if bill.issued_at.date() >= today - datetime.timedelta(days=3) or key in UNPAID:
            continue  # this month's bills are not due yet; the unpaid ones stay unpaid
        if key == CREDIT_APPLIED[:3] or key == ADJUSTED[0]:
            continue  # paid below, after the balance or the adjustment
        issued = max(bill.issued_at.date(), bill.period_start)
        day = min(issued + datetime.timedelta(days=rng.randint(2, 13)), today)
        amount = bill.outstanding
        if key in PARTIAL:
            amount = (bill.outstanding * PARTIAL[key]).quantize(Decimal("100"))
        if key == OVERPAID[0]:
            amount += OVERPAID[1]
        n += 1
        _pay(finance, bill, amount, day, rng.choice(METHODS), n)
    # The portal enterprise's prepaid balance pays its August property bill.
    for bill in bills:
        if _key(bill) == CREDIT_APPLIED:
            day = max(bill.issued_at.date(), bill.period_start) + datetime.timedelta(days=5)
            with _at(_moment(min(day, today), 11)):
                services.credit_apply(
                    actor=finance, bill=bill, idempotency_key=f"demo-credit-{bill.pk}"
                )
        if _key(bill) == ADJUSTED[0]:
            day = max(bill.issued_at.date(), bill.period_start) + datetime.timedelta(days=4)
            with _at(_moment(min(day, today), 14)):
                services.adjustment_make(
                    actor=finance,
                    bill=bill,
                    kind=AdjustmentKind.CREDIT,
                    amount=ADJUSTED[1],
                    reason=ADJUSTED[2],
                )
            bill.refresh_from_db()
            n += 1
            _pay(finance, bill, bill.outstanding, min(day + datetime.timedelta(days=3), today),
                 PaymentMethod.BANK_TRANSFER, n)  # fmt: skip
    ctx.counts["payments"] = Payment.objects.count()


def billing_summary() -> str:
    today = clock.today()
    by_status = " · ".join(
        f"{label} {Bill.objects.filter(status=value).count()}"
        for value, label in BillStatus.choices
    )
    overdue = Bill.objects.filter(
        status__in=(BillStatus.OPEN, BillStatus.PARTIAL), due_date__lt=today
    ).count()
    balance = sum(CreditEntry.objects.values_list("amount", flat=True), Decimal("0"))
    runs = BillRun.objects.filter(status=RunStatus.DONE).count()
    return (
        f"费用结算：账单 {Bill.objects.count()} 张（{by_status}；逾期 {overdue}）；"
        f"收款 {Payment.objects.count()} 笔；预收余额合计 ¥{balance:,.2f}；出账 {runs} 次"
    )


def loaded() -> bool:
    return Bill.objects.exists()


DEMO_STEPS = [
    DemoStep(
        "billing.portal_agreement",
        build_portal_agreement,
        after=("agreements.agreements",),
        loaded=loaded,
    ),
    DemoStep("billing.runs", build_runs, after=("billing.portal_agreement",)),
    DemoStep("billing.payments", build_payments, after=("billing.runs",), report=billing_summary),
]

# --- part "refunds": a large refund waiting for its second signature, a small one released, a
# deposit return waiting (demo_refunds.py), after the bills were paid.
from .demo_refunds import DEMO_STEPS as _REFUND_STEPS  # noqa: E402

DEMO_STEPS += _REFUND_STEPS

# --- statements and disputes (R-BIL-5): statements issued for the last months, one open dispute
from .demo_statements import DEMO_STEPS as _STATEMENT_STEPS  # noqa: E402

DEMO_STEPS += _STATEMENT_STEPS

# --- part "receivables": the demo park's bank statement, imported after the bills were paid
# (demo_bank.py: lines matched by number or by payer and amount, two left for review).
from .demo_bank import DEMO_STEP as _BANK_STEP  # noqa: E402

DEMO_STEPS += [_BANK_STEP]
