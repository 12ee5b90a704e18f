"""The demo park's refunds, deposit returns and payouts (R-BIL-4 双签): a ``seed_demo`` part built
through the services, so the signatures, the review inbox, the audit chain and the ledger are the
real ones. In 苏州工业园A区:

* a large refund (¥68,000.00, an enterprise's rent paid twice) with its first signature given by
  the in-charge leader, waiting for the second — a different leader's — in the principal's
  review inbox;
* a small refund (¥3,560.00 of property fees paid in excess), signed once and released: the
  prepaid balance went down by it;
* a deposit return of an agreement about to end, waiting for its one signature.

Finance (钱芳) initiates all three and may sign none of them. The money they draw on — a paid
deposit, an overpayment become prepaid credit — is made here through billing's services when
the bills part has not made it already."""

from decimal import Decimal

from parkflow.agreements.choices import AgreementStatus, FeeKind
from parkflow.agreements.models import Agreement
from parkflow.core import clock, gates, reviews
from parkflow.core.registry import DemoStep

from . import services, services_refunds
from .choices import BillStatus
from .choices_refunds import RefundKind
from .gates import REFUND_APPROVAL
from .models import Bill
from .models_refunds import Refund

BANK = "中国工商银行苏州工业园区支行"


def _first_bill(finance, agreement, kind):
    """The first bill of the agreement's fee line of ``kind``: the one already issued, or issued
    now (a run of the bills part later finds it billed)."""
    line = agreement.fees.filter(kind=kind).order_by("position").first()
    existing = Bill.objects.filter(fee_line=line).order_by("period_start", "pk").first()
    if existing is not None:
        return existing
    charge = services.charges_of(line)[0]
    return services.bill_issue(actor=finance, fee_line=line, period_start=charge.period_start).bill


def _pay(finance, bill, amount, key):
    if amount <= 0:
        return
    services.payment_record(
        actor=finance,
        bill=bill,
        amount=amount,
        method="bank_transfer",
        paid_on=clock.today(),
        idempotency_key=f"demo-refunds-{key}-{bill.pk}",
        reference=f"DEMO{bill.pk:06d}{key.upper()[:3]}",
    )


def _sign(refund, person, opinion):
    for review in gates.latest_round(refund, REFUND_APPROVAL):
        if review.is_pending:
            reviews.decide(actor=person, review=review, decision="approve", opinion=opinion)
            return


def _create(finance, enterprise, kind, amount, reason, **extra):
    return services_refunds.refund_create(
        actor=finance,
        enterprise=enterprise,
        kind=kind,
        amount=amount,
        reason=reason,
        payee_name=enterprise.name,
        payee_bank=BANK,
        payee_account=f"1102 0201 0900 {enterprise.pk:06d}",
        **extra,
    )


def build_refunds(ctx):
    finance, deputy = ctx.users["finance"], ctx.users["deputy"]
    park = ctx.units["park_a"]
    agreements = list(
        Agreement.objects.filter(park=park, status=AgreementStatus.SIGNED)
        .select_related("enterprise")
        .order_by("signed_on", "pk")
    )
    if len(agreements) < 2:
        ctx.out("  跳过退款演示：园区A没有足够的已签署协议")
        return
    ending, other = agreements[0], agreements[-1]

    # 1. Large: rent paid twice, ¥68,000.00 back; the first signature given, the second waits.
    rent = _first_bill(finance, other, FeeKind.RENT)
    _pay(finance, rent, rent.outstanding + Decimal("68000.00"), "twice")
    large = _create(
        finance,
        other.enterprise,
        RefundKind.REFUND,
        "68000.00",
        "企业财务误将本季度租金重复汇入一次，申请将重复汇入的款项原路退回。",
    )
    services_refunds.refund_submit(actor=finance, refund=large)
    _sign(large, deputy, "已核对银行回单，确属重复汇款，同意退回；请主要负责人第二签。")

    # 2. Small: property fees paid in excess, signed once and released.
    property_bill = _first_bill(finance, ending, FeeKind.PROPERTY)
    _pay(finance, property_bill, property_bill.outstanding + Decimal("3560.00"), "excess")
    small = _create(
        finance,
        ending.enterprise,
        RefundKind.REFUND,
        "3560.00",
        "物业费多缴，企业申请退回多缴部分。",
    )
    services_refunds.refund_submit(actor=finance, refund=small)
    _sign(small, deputy, "金额与收款记录一致，同意退回。")
    services_refunds.refund_release(
        actor=finance, refund=small, reference="DEMO-TK-0001", reason="已通过网银原路退回"
    )

    # 3. The agreement ending soon: its deposit, paid, to be returned; waiting for one signature.
    deposit = _first_bill(finance, ending, FeeKind.DEPOSIT)
    _pay(finance, deposit, deposit.outstanding, "deposit")
    deposit.refresh_from_db()
    if deposit.status == BillStatus.PAID:
        back = _create(
            finance,
            ending.enterprise,
            RefundKind.DEPOSIT_RETURN,
            str(deposit.paid),
            "协议即将到期且不再续签，场地已验收无损坏，退还履约保证金。",
            deposit_bill=deposit,
        )
        services_refunds.refund_submit(actor=finance, refund=back)
    ctx.counts["refunds"] = Refund.objects.count()


def refunds_summary() -> str:
    rows = Refund.objects.values_list("status", flat=True)
    waiting = sum(1 for s in rows if s in ("pending", "approved"))
    released = sum(1 for s in rows if s == "released")
    return f"退款与付款：审批中 {waiting} 笔，已放款 {released} 笔"


DEMO_STEPS = [
    DemoStep(
        "billing.refunds",
        build_refunds,
        after=("agreements.agreements", "billing.payments"),
        report=refunds_summary,
    ),
]
