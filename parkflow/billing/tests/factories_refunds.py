"""Test data of refunds: money an enterprise may be paid back (a prepaid balance, a paid
deposit) built through billing's services, refunds through ``services_refunds`` and signatures
through the kernel's review services — the paths the pages and the API take."""

import datetime
from decimal import Decimal

from parkflow.agreements.choices import FeeKind, FeePeriod
from parkflow.billing import services, services_refunds
from parkflow.billing.choices_refunds import RefundKind
from parkflow.billing.gates import CHAIN
from parkflow.core import reviews
from parkflow.core.choices import ReviewDecision
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .factories import finance, resident, signed_agreement

ACCOUNT = "6222 0210 0112 3456 789"
START = datetime.date(2026, 1, 1)


def leader(park, role=Role.DEPUTY, **kwargs):
    return staff(role, park, **kwargs)


def paid_deposit(enterprise=None, *, amount="68000", clerk=None):
    """A deposit bill of ``amount`` yuan, issued and paid in full."""
    enterprise = enterprise or resident()
    clerk = clerk or finance(enterprise.park)
    agreement = signed_agreement(
        enterprise,
        start=START,
        lines=[
            {
                "kind": FeeKind.DEPOSIT,
                "label": "租赁押金",
                "quantity": "1",
                "unit_price": amount,
                "period": FeePeriod.ONCE,
            }
        ],
    )
    line = agreement.fees.get()
    bill = services.bill_issue(actor=clerk, fee_line=line, period_start=START).bill
    services.payment_record(
        actor=clerk,
        bill=bill,
        amount=bill.amount,
        method="bank_transfer",
        paid_on=START,
        idempotency_key=f"deposit-{bill.pk}",
    )
    bill.refresh_from_db()
    return bill


def prepaid(enterprise, amount, *, clerk=None):
    """Give the enterprise a prepaid balance of ``amount`` more: a payment of a rent bill
    beyond what it is due (the overpayment becomes credit, R-BIL-4)."""
    clerk = clerk or finance(enterprise.park)
    agreement = signed_agreement(
        enterprise,
        start=START,
        months=1,
        lines=[
            {"kind": FeeKind.RENT, "label": "办公室租金", "quantity": "1", "unit_price": "1000"}
        ],
    )
    bill = services.bill_issue(actor=clerk, fee_line=agreement.fees.get(), period_start=START).bill
    services.payment_record(
        actor=clerk,
        bill=bill,
        amount=bill.outstanding + Decimal(str(amount)),
        method="bank_transfer",
        paid_on=START,
        idempotency_key=f"prepaid-{bill.pk}",
    )
    return services.credit_balance(enterprise)


def refund(clerk, enterprise, amount, *, kind=RefundKind.REFUND, deposit_bill=None, **values):
    """A draft refund by ``clerk`` (finance of the enterprise's park)."""
    fields = {
        "reason": "企业多缴费用，申请退回",
        "payee_name": enterprise.name,
        "payee_bank": "中国工商银行苏州工业园区支行",
        "payee_account": ACCOUNT,
        **values,
    }
    return services_refunds.refund_create(
        actor=clerk,
        enterprise=enterprise,
        kind=kind,
        amount=str(amount),
        deposit_bill=deposit_bill,
        **fields,
    )


def submitted(clerk, enterprise, amount, **kwargs):
    made = refund(clerk, enterprise, amount, **kwargs)
    return services_refunds.refund_submit(actor=clerk, refund=made)


def open_signature(refund, gate=None):
    """The open signature waiting now (of ``gate``, or of the first gate with one open)."""
    for candidate in (gate,) if gate else CHAIN:
        pending = candidate.state(refund).pending
        if pending:
            return pending[0]
    return None


def sign(refund, person, decision=ReviewDecision.APPROVE, opinion="", gate=None):
    """``person`` decides the open signature as the review page does (decision, then the
    gates' consequence). Raises what the kernel refuses."""
    review = open_signature(refund, gate)
    assert review is not None, "no open signature"
    if decision != ReviewDecision.APPROVE and not opinion:
        opinion = "请补充说明。"
    decided = reviews.decide(actor=person, review=review, decision=decision, opinion=opinion)
    assert decided.consequence_error is None, decided.consequence_error
    refund.refresh_from_db()
    return decided.review
