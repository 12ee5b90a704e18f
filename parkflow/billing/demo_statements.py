"""The demo park's statements and disputes (issue 12, R-BIL-5): a ``seed_demo`` part, built
through the services, so the statements, their lines, the SLA clocks, the audit chain and the
alerts are the real ones.

* The bills the statements speak of: every charge of the signed agreements up to last month
  that is not billed yet (billui's demo step bills the year; run after it, this adds nothing),
  paid on the 5th of their month except last month's (open at the month's end); and the portal
  enterprise's admission fee (入驻费, the intake demo charged it) billed last month, half paid.
* The statements of the last three months for every resident enterprise with activity in them,
  issued as the monthly job issues them (``statements_issue_monthly``).
* One open dispute: the portal enterprise (``ent_a``) disputes the admission fee line of last
  month's statement, waiting for finance (its 2-working-day response clock running).

The monthly job and the on-demand page issue the same statements: nothing here is written
around the services."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement
from parkflow.core import clock
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise

from . import services, services_statements
from .choices import BillSource
from .choices_statements import StatementLineKind
from .models import Bill
from .models_statements import Statement, StatementDispute, StatementLine

MONTHS = 3  # the months of statements the demo issues
CENT = Decimal("0.01")


def _last_month() -> datetime.date:
    return clock.today().replace(day=1) - relativedelta(months=1)


def _pay(finance, bill, amount, paid_on) -> None:
    if paid_on > clock.today():
        return
    services.payment_record(
        actor=finance,
        bill=bill,
        amount=str(amount),
        method="bank_transfer",
        paid_on=paid_on,
        idempotency_key=f"demo-statement-{bill.pk}",
        reference=f"DEMO{bill.pk:06d}",
    )


def _bill_agreements(finance, first_month, last_month) -> int:
    """Every charge of the signed agreements from ``first_month`` to the end of
    ``last_month`` not billed yet; paid on the 5th except those of last month."""
    made = 0
    through = last_month + relativedelta(months=1, days=-1)
    signed = Agreement.objects.filter(status=AgreementStatus.SIGNED).order_by("pk")
    for agreement in signed:
        for line in agreement.fees.order_by("position"):
            for charge in services.charges_of(line):
                if charge.period_start > through:
                    break
                if charge.period_start < first_month:
                    continue
                issued = services.bill_issue(
                    actor=finance, fee_line=line, period_start=charge.period_start
                )
                if not issued.created:
                    continue
                made += 1
                if charge.period_start < last_month and issued.bill.paid == 0:
                    _pay(
                        finance, issued.bill, issued.bill.amount, charge.period_start.replace(day=5)
                    )
    return made


def _admission_bill(finance, last_month):
    """The portal enterprise's admission fee, billed last month (once), half paid."""
    portal = Enterprise.objects.filter(name=PORTAL_ENTERPRISE).first()
    fee = getattr(portal, "admission_fee", None) if portal else None
    if fee is None:
        return None
    bill = Bill.objects.filter(source=BillSource.ADMISSION, source_key=str(fee.pk)).first()
    if bill is None:
        bill = services.bill_charge(
            actor=finance,
            enterprise=portal,
            source=BillSource.ADMISSION,
            source_key=str(fee.pk),
            label="入驻费",
            quantity=1,
            unit_price=fee.amount,
            price_ceiling=fee.tariff.amount,
            service_date=last_month,
        )
        _pay(finance, bill, (bill.amount / 2).quantize(CENT), last_month.replace(day=10))
    return bill


def build_statements(ctx):
    finance = ctx.users["finance"]
    last_month = _last_month()
    first_month = last_month - relativedelta(months=MONTHS - 1)
    billed = _bill_agreements(finance, first_month, last_month)
    admission = _admission_bill(finance, last_month)
    issued = 0
    for back in range(MONTHS - 1, -1, -1):
        month = last_month - relativedelta(months=back)
        issued += services_statements.statements_issue_monthly(
            today=month + relativedelta(months=1)
        )
    disputes = 0
    if admission is not None:
        line = StatementLine.objects.filter(
            statement__enterprise=admission.enterprise,
            statement__period_start=last_month,
            bill=admission,
            kind=StatementLineKind.BILL,
        ).first()
        if line is not None:
            services_statements.dispute_raise(
                actor=ctx.users["ent_a"],
                line=line,
                reason="入驻费按入驻协议应享受首年减半优惠，请核实后调整应收金额。",
            )
            disputes = 1
    ctx.counts["statements"] = issued
    ctx.out(f"对账单 / statements: {issued}（账单 {billed} 张，争议 {disputes} 项）")


def statements_summary() -> str:
    open_disputes = StatementDispute.objects.filter(status__in=("open", "investigating")).count()
    return f"对账单：{Statement.objects.count()} 张；待办对账争议 {open_disputes} 项"


def loaded() -> bool:
    return Statement.objects.exists()


DEMO_STEPS = [
    DemoStep(
        "billing.statements",
        build_statements,
        after=("agreements.agreements", "intake.tariffs", "billing.payments", "billing.refunds"),
        loaded=loaded,
        report=statements_summary,
    ),
]
