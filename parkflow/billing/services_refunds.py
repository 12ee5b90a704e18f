"""Writes of refunds, deposit returns and payouts (R-BIL-4 双签, Art.14, R-ORG-4). Each is a
``@service``: one transaction, permission checked on the object, audited.

* ``refund_create`` / ``refund_update`` — finance writes the draft (only its initiator edits
  it); the amount is checked against what covers it (the prepaid balance, the paid deposit).
* ``refund_submit`` / ``refund_resubmit`` / ``refund_withdraw`` — the declared steps
  (``workflows.py``); submitting requests the first signature (``gates.REFUND_APPROVAL``).
* ``refund_review_outcome`` — what a signature means (the gates' consequence, run after the
  kernel committed the decision): the first signature of a large amount opens the leader's
  second; the last one approves; 退回修改 returns it to draft with the opinion, 不通过 rejects
  it; the initiator is told either way.
* ``refund_release`` — the money leaves: refused unless every gate that applies passed for the
  content as stored (``_require_signatures``, and the release step's declared gates again),
  whatever the status column says; the ledger moves in the same transaction.

Lock order (D17, ``core.db``): the enterprise's row (its prepaid balance is spent), then the
refund's row, then the deposit bill's (``services.adjustment_make``); inserts and the audit
events last."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock, workflow
from parkflow.core.choices import ReviewDecision
from parkflow.core.db import service
from parkflow.core.errors import Conflict, GateNotPassed, ValidationFailed
from parkflow.core.validation import check_length
from parkflow.notifications import publish

from . import services as ledger
from .choices import AdjustmentKind, BillStatus, CreditReason
from .choices_refunds import OPEN_REFUND_STATUSES, RefundKind, RefundStatus
from .gates import CHAIN, REFUND_APPROVAL, SECOND_SIGNATURE
from .models import Bill, CreditEntry
from .models_refunds import Refund, mask_account
from .notifications import REFUND_OUTCOME
from .selectors_refunds import amount_problems, with_progress

SYSTEM_OPERATIONS = {
    "refund_review_outcome": "the refund gates' consequence: applied by the review page and API "
    "after a signer's decision committed (D41); the kernel checked the signer, the decision is "
    "the audited act, and this applies only what the decided round says (R-BIL-4)",
}
REQ = "R-BIL-4"
STEP = "the refund's signatures (core.reviews checked each signer)"
ACCOUNT = re.compile(r"[0-9]{8,30}")
ZERO = Decimal("0")


# ---------------------------------------------------------------------------------------------
# Input


def _text(field: str, value, max_length: int, label) -> str:
    text = check_length(field, value, max_length, label=label, requirement=REQ).strip()
    if not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement=REQ
        )
    return text


def _kind(value) -> str:
    if value not in RefundKind.values:
        raise ValidationFailed({"kind": [_("请选择退款、押金退还或付款。")]}, requirement=REQ)
    return value


def _account(value) -> str:
    """A bank account number: digits, spaces and hyphens as people write it, stored as digits.
    8 to 30 digits covers personal cards (16–19) and corporate accounts (对公账户, 8–30, no
    check digit to verify)."""
    digits = re.sub(r"[\s\-]", "", str(value or ""))
    if not ACCOUNT.fullmatch(digits):
        raise ValidationFailed(
            {"payee_account": [_("收款账号须为 8–30 位数字（可用空格或短横线分隔）。")]},
            requirement=REQ,
        )
    return digits


def _clean(*, enterprise, kind, amount, reason, payee_name, payee_bank, payee_account,
           deposit_bill, excluding=None) -> dict:  # fmt: skip
    """Every field checked, every problem reported at once (D22), then the money."""
    errors, values = {}, {}
    checks = (
        ("kind", lambda: _kind(kind)),
        ("amount", lambda: ledger._money("amount", amount, _("金额"), requirement=REQ)),
        ("reason", lambda: _text("reason", reason, 300, _("事由"))),
        ("payee_name", lambda: _text("payee_name", payee_name, 100, _("收款户名"))),
        ("payee_bank", lambda: _text("payee_bank", payee_bank, 100, _("开户银行"))),
        ("payee_account", lambda: _account(payee_account)),
    )
    for name, check in checks:
        try:
            values[name] = check()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if deposit_bill is not None and not isinstance(deposit_bill, Bill):
        errors["deposit_bill"] = [_("请选择押金账单。")]
    if errors:
        raise ValidationFailed(errors, requirement=REQ)
    found = amount_problems(
        kind=values["kind"],
        enterprise=enterprise,
        amount=values["amount"],
        deposit_bill=deposit_bill,
        excluding=excluding,
    )
    if found:
        raise ValidationFailed({k: [v] for k, v in found.items()}, requirement=REQ)
    values["deposit_bill"] = deposit_bill
    return values


def _audited(refund) -> dict:
    """What the audit trail keeps of a refund's content (the account masked: the trail is read
    by auditors and risk control, not only finance)."""
    return {
        "kind": refund.kind,
        "amount": str(refund.amount),
        "reason": refund.reason,
        "payee_name": refund.payee_name,
        "payee_bank": refund.payee_bank,
        "payee_account": mask_account(refund.payee_account),
        "deposit_bill": refund.deposit_bill.number if refund.deposit_bill_id else "",
    }


def _locked(refund) -> Refund:
    return Refund.objects.select_for_update(of=("self",), no_key=True).get(pk=refund.pk)


# ---------------------------------------------------------------------------------------------
# The draft


@service
def refund_create(
    *,
    actor,
    enterprise,
    kind: str,
    amount,
    reason: str,
    payee_name: str,
    payee_bank: str,
    payee_account: str,
    deposit_bill: Bill | None = None,
) -> Refund:
    """Finance starts a refund, a deposit return or a payout for an enterprise of its park, as
    a draft (R-BIL-4). Nothing leaves before its signatures; the amount must be covered now."""
    access.ensure(actor, "refund.initiate", park=enterprise.park_id, requirement=REQ)
    values = _clean(
        enterprise=enterprise,
        kind=kind,
        amount=amount,
        reason=reason,
        payee_name=payee_name,
        payee_bank=payee_bank,
        payee_account=payee_account,
        deposit_bill=deposit_bill,
    )
    now = clock.now()
    refund = Refund.objects.create(
        park_id=enterprise.park_id,
        enterprise=enterprise,
        initiated_by=actor,
        initiated_at=now,
        updated_at=now,
        **values,
    )
    audit.record(actor, "refund.create", refund, after=_audited(refund))
    return refund


@service
def refund_update(
    *,
    actor,
    refund: Refund,
    kind: str,
    amount,
    reason: str,
    payee_name: str,
    payee_bank: str,
    payee_account: str,
    deposit_bill: Bill | None = None,
) -> Refund:
    """The initiator corrects the draft (a reviewer's 退回修改 brings it back here). Only a
    draft changes: what was submitted is what is signed (the content hash binds it)."""
    refund = _locked(refund)
    access.ensure(actor, "refund.edit", refund, requirement=REQ)
    if refund.status != RefundStatus.DRAFT:
        raise Conflict(
            "refund_not_editable",
            _("只有草稿可以修改（当前为%(status)s）：提交后签署的内容不能再改。")
            % {"status": refund.get_status_display()},
            requirement=REQ,
        )
    values = _clean(
        enterprise=refund.enterprise,
        kind=kind,
        amount=amount,
        reason=reason,
        payee_name=payee_name,
        payee_bank=payee_bank,
        payee_account=payee_account,
        deposit_bill=deposit_bill,
        excluding=refund,
    )
    before = _audited(refund)
    for name, value in values.items():
        setattr(refund, name, value)
    after = _audited(refund)
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return refund
    refund.updated_at = clock.now()
    refund.save(update_fields=[*values, "updated_at"])
    audit.record(
        actor,
        "refund.update",
        refund,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return refund


# ---------------------------------------------------------------------------------------------
# The declared steps


@service
def refund_submit(*, actor, refund: Refund, reason: str = "") -> Refund:
    """Submit the draft for its signatures: the first round opens (R-BIL-4)."""
    access.ensure(actor, "refund.edit", refund, requirement=REQ)
    return workflow.transition(actor=actor, obj=refund, name="submit", reason=reason)


@service
def refund_resubmit(*, actor, refund: Refund, reason: str = "") -> Refund:
    """Request the signature still missing — a round its requester withdrew, a second signature
    a lowered threshold now asks for."""
    access.ensure(actor, "refund.edit", refund, requirement=REQ)
    return workflow.transition(actor=actor, obj=refund, name="resubmit", reason=reason)


@service
def refund_withdraw(*, actor, refund: Refund, reason: str = "") -> Refund:
    """The initiator withdraws it before it is released; open signatures are withdrawn."""
    access.ensure(actor, "refund.edit", refund, requirement=REQ)
    return workflow.transition(actor=actor, obj=refund, name="withdraw", reason=reason)


# ---------------------------------------------------------------------------------------------
# The signatures' consequence


def _tell_initiator(refund, actor, title, body) -> None:
    publish(
        REFUND_OUTCOME,
        obj=refund,
        recipients=[refund.initiated_by],
        exclude=[actor],
        title=title,
        body=body,
    )


def _all_passed(refund) -> bool:
    return all(gate.is_passed(refund) for gate in CHAIN)


@service
def refund_review_outcome(*, actor, review) -> Refund:
    """What a signer's decision means (R-BIL-4): 退回修改 returns the refund to draft with the
    opinion, 不通过 rejects it; an approval of the first signature opens the leader's second
    round when the amount is large, and once every gate that applies passed the refund is
    approved, waiting to be released. The initiator is told either way. Applies only what the
    latest round says, so running it again changes nothing."""
    refund = _locked(Refund(pk=review.object_id))
    if refund.status not in OPEN_REFUND_STATUSES:
        return refund
    gate = {g.code: g for g in CHAIN}[review.gate]
    state = gate.state(refund)
    if state.number != review.round:
        return refund  # a decision of an earlier round: the latest one decides
    label = str(gate.label)
    if review.decision == ReviewDecision.RETURN:
        refund.return_opinion = review.opinion
        refund.save(update_fields=["return_opinion"])
        workflow.perform(
            actor=actor,
            obj=refund,
            name="send_back",
            authorised_by=STEP,
            reason=review.opinion[:500],
        )
        _tell_initiator(
            refund,
            actor,
            _("退款付款被退回修改：%(refund)s") % {"refund": refund},
            _("%(gate)s意见：%(opinion)s") % {"gate": label, "opinion": review.opinion},
        )
    elif review.decision == ReviewDecision.REJECT:
        workflow.perform(
            actor=actor, obj=refund, name="reject", authorised_by=STEP, reason=review.opinion[:500]
        )
        _tell_initiator(
            refund,
            actor,
            _("退款付款未通过审批：%(refund)s") % {"refund": refund},
            _("%(gate)s意见：%(opinion)s") % {"gate": label, "opinion": review.opinion},
        )
    elif state.passed:
        second = SECOND_SIGNATURE
        if gate is REFUND_APPROVAL and second.applies_to(refund) and not second.is_passed(refund):
            if not second.state(refund).pending:
                second.request(actor=actor, obj=refund)
            _tell_initiator(
                refund,
                actor,
                _("第一签已通过：%(refund)s") % {"refund": refund},
                _("金额达到大额阈值，已提请园区领导第二签（须为另一人）。"),
            )
        elif refund.status == RefundStatus.PENDING and _all_passed(refund):
            workflow.perform(actor=actor, obj=refund, name="approve", authorised_by=STEP)
            _tell_initiator(
                refund,
                actor,
                _("审批通过，待放款：%(refund)s") % {"refund": refund},
                _("全部签署已完成，可以放款。"),
            )
    return refund


# ---------------------------------------------------------------------------------------------
# Release: the money leaves


def _require_signatures(refund) -> None:
    """未经审批不得放款: every gate of the chain that applies to the refund as stored must have
    passed — its quorum of distinct eligible signers of the current content, the initiator
    none of them — whatever the status column says (D41). Each gate's ``require`` decides;
    the refusal says how many signatures are given and needed."""
    for gate in CHAIN:
        try:
            gate.require(refund)
        except GateNotPassed as exc:
            raise with_progress(refund, exc) from None


def _refuse_money(code, message):
    raise Conflict(code, message, requirement=REQ)


def _return_deposit(actor, refund) -> tuple:
    """The deposit bill is credited (a new line, never an edit, R-BIL-5) by the amount returned;
    the bill being paid, the credit moves to the prepaid balance, from where it is paid out."""
    bill = Bill.objects.get(pk=refund.deposit_bill_id)
    if bill.status != BillStatus.PAID or refund.amount > bill.paid:
        _refuse_money(
            "deposit_not_returnable",
            _("押金账单 %(number)s 当前已收 %(paid)s，不足以退还 %(amount)s，未放款。")
            % {
                "number": bill.number,
                "paid": f"¥{bill.paid:,.2f}",
                "amount": f"¥{refund.amount:,.2f}",
            },
        )
    adjustment = ledger.adjustment_make(
        actor=actor,
        bill=bill,
        kind=AdjustmentKind.CREDIT,
        amount=refund.amount,
        reason=_("押金退还 %(number)s：%(reason)s")
        % {"number": refund.number, "reason": refund.reason},
    )
    moved = sum((e.amount for e in adjustment.credit_entries.all()), ZERO)
    if moved != refund.amount:  # the checks above make this unreachable; never pay a guess
        _refuse_money("deposit_not_returnable", _("押金调减未全部转入预收余额，未放款。"))
    return adjustment


@service
def refund_release(*, actor, refund: Refund, reference: str = "", reason: str = "") -> Refund:
    """放款 (R-BIL-4): refused unless every signature the refund needs was given (one below the
    large-amount threshold; two distinct people, one a leader, at or above it; never the
    initiator) for its content as stored — checked here, whatever the status says, and again
    by the declared step. In the same transaction: a refund takes the amount off the prepaid
    balance (never below zero: the enterprise's row is locked first), a deposit return credits
    the paid deposit bill and pays that credit out, a payout is recorded with this row only."""
    from parkflow.enterprises.models import Enterprise

    access.ensure(actor, "refund.release", refund, requirement=REQ)
    enterprise = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(
        pk=Refund.objects.values_list("enterprise_id", flat=True).get(pk=refund.pk)
    )
    refund = _locked(refund)
    if refund.status not in OPEN_REFUND_STATUSES:
        raise Conflict(
            "invalid_transition",
            _("%(refund)s当前状态为“%(status)s”，不能放款。")
            % {"refund": refund, "status": refund.get_status_display()},
            requirement=REQ,
        )
    _require_signatures(refund)
    reference = check_length("reference", reference or "", 60, label=_("付款流水号")).strip()
    adjustment = None
    if refund.kind == RefundKind.DEPOSIT_RETURN:
        adjustment = _return_deposit(actor, refund)
    entry = None
    if refund.kind in (RefundKind.REFUND, RefundKind.DEPOSIT_RETURN):
        balance = ledger.credit_balance(enterprise)
        if refund.amount > balance:
            _refuse_money(
                "insufficient_balance",
                _("预收余额 %(balance)s 不足以退款 %(amount)s：预收余额不能为负，未放款。")
                % {"balance": f"¥{balance:,.2f}", "amount": f"¥{refund.amount:,.2f}"},
            )
        entry = CreditEntry.objects.create(
            park_id=refund.park_id,
            enterprise=enterprise,
            amount=-refund.amount,
            reason=CreditReason.REFUNDED,
            created_by=actor,
            created_at=clock.now(),
        )
    refund.adjustment = adjustment
    refund.credit_entry = entry
    refund.release_reference = reference
    refund.save(update_fields=["adjustment", "credit_entry", "release_reference"])
    return workflow.transition(
        actor=actor,
        obj=refund,
        name="release",
        reason=reason,
        reference=reference,
        balance=str(ledger.credit_balance(enterprise)),
    )
