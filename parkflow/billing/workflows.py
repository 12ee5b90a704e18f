"""The steps of a refund, a deposit return or a payout (R-BIL-4, Art.14): draft → 待审批 (the
signatures of gates.CHAIN) → 已批准 → 已放款; a reviewer's 退回修改 sends it back to draft with
the opinion, 不通过 ends it (已驳回); the initiator may withdraw it until it is released.

Release requires every gate that applies, whatever the status column says (from 待审批 as well:
a threshold raised meanwhile may leave a refund needing one signature only). It is not routed
from here: ``services_refunds.refund_release`` locks the enterprise's row first, checks the
money, moves the ledger and then performs this step in the same transaction."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register

from .choices_refunds import RefundStatus as S
from .gates import CHAIN, REFUND_APPROVAL
from .models_refunds import Refund


def content_valid(actor, refund, **inputs):
    """The amount is still covered: by the prepaid balance (a refund), by the deposit received
    and not yet returned (a deposit return) — re-checked on submission, as it was on entry."""
    from .selectors_refunds import amount_problems

    found = amount_problems(
        kind=refund.kind,
        enterprise=refund.enterprise,
        amount=refund.amount,
        deposit_bill=refund.deposit_bill,
        excluding=refund,
    )
    return [
        Conflict("refund_not_covered", message, requirement="R-BIL-4") for message in found.values()
    ]


def next_signature(refund):
    """The gate whose round is to be requested now, or None: the first gate of the chain that
    applies, has not passed, has no round open on the current content and whose prerequisites
    passed (the kernel opens a gate only after its prerequisites)."""
    for gate in CHAIN:
        if not gate.applies_to(refund):
            continue
        state = gate.state(refund)
        if state.passed:
            continue
        if state.pending and not state.stale:
            return None  # waiting for that signature
        if gate.open_prerequisites(refund):
            return None
        return gate
    return None


def signatures_to_request(actor, refund, **inputs):
    if next_signature(refund) is not None:
        return []
    return [
        Conflict(
            "nothing_to_request",
            _("没有需要补提的签署：签署正在进行或已全部完成。"),
            requirement="R-BIL-4",
        )
    ]


def request_first_signature(actor, refund, **inputs):
    """Submitted from draft: a fresh first round, on the content as it is now (signatures of an
    earlier round, even of the same content, do not carry over a return to draft)."""
    refund.return_opinion = ""
    refund.save(update_fields=["return_opinion"])
    REFUND_APPROVAL.request(actor=actor, obj=refund)


def request_missing_signatures(actor, refund, **inputs):
    gate = next_signature(refund)
    if gate is not None:
        gate.request(actor=actor, obj=refund)


def withdraw_open_signatures(actor, refund, reason="", **inputs):
    from parkflow.core.reviews import withdraw_open

    withdraw_open(actor=actor, obj=refund, reason=reason or "退款付款已撤回")


def close_open_signatures(actor, refund, **inputs):
    """Released: a signature no longer needed (the threshold was raised meanwhile) is closed."""
    from parkflow.core.reviews import withdraw_open

    withdraw_open(actor=actor, obj=refund, reason="已放款，未完成的签署自动撤销")


TRANSITIONS = register(
    Transition(
        model=Refund,
        name="submit",
        source=(S.DRAFT,),
        target=S.PENDING,
        label=_("提交审批"),
        permission="refund.edit",
        guards=(content_valid,),
        stamp_time="submitted_at",
        effect=request_first_signature,
        requirement="R-BIL-4",
        audit_summary=_("{actor} 将“{object}”提交审批"),
        done=_("“%(name)s”已提交审批，等待签署。"),
        hint=_("提交后由财务或园区领导签署；大额还须另一位领导第二签，发起人不能签署。"),
        style="btn-primary",
        icon="bi-send",
        api_summary="Submit the refund for its signatures (one below the threshold, two at or "
        "above it; never the initiator)",
    ),
    Transition(
        model=Refund,
        name="resubmit",
        source=(S.PENDING, S.APPROVED),
        target=S.PENDING,
        label=_("补提签署"),
        permission="refund.edit",
        guards=(content_valid, signatures_to_request),
        effect=request_missing_signatures,
        requirement="R-BIL-4",
        audit_summary=_("{actor} 为“{object}”补提签署"),
        done=_("已为“%(name)s”补提尚缺的签署。"),
        hint=_("签署轮次被撤回，或大额阈值调整后须增加第二签时，重新提请尚缺的签署。"),
        icon="bi-arrow-repeat",
        api_summary="Request the signatures still missing (a withdrawn round, a lowered threshold)",
    ),
    Transition(
        model=Refund,
        name="withdraw",
        source=(S.DRAFT, S.PENDING, S.APPROVED),
        target=S.WITHDRAWN,
        label=_("撤回"),
        permission="refund.edit",
        effect=withdraw_open_signatures,
        requirement="R-BIL-4",
        audit_summary=_("{actor} 撤回了“{object}”"),
        done=_("“%(name)s”已撤回，未完成的签署一并撤销。"),
        hint=_("撤回后不能再提交或放款；如仍需付款，请重新发起。"),
        irreversible=True,
        style="btn-outline-danger",
        icon="bi-x-circle",
        api_summary="Withdraw the refund (its open signatures are withdrawn too)",
    ),
    Transition(
        model=Refund,
        name="approve",
        source=(S.PENDING,),
        target=S.APPROVED,
        label=_("审批通过"),
        permission="refund.edit",
        gates=CHAIN,
        stamp_time="approved_at",
        routes=False,  # the last signature's consequence (services_refunds)
        requirement="R-BIL-4",
        audit_summary=_("“{object}”已完成全部签署，待放款"),
    ),
    Transition(
        model=Refund,
        name="send_back",
        source=(S.PENDING, S.APPROVED),
        target=S.DRAFT,
        label=_("退回修改"),
        permission="refund.edit",
        routes=False,
        requirement="R-BIL-4",
        audit_summary=_("“{object}”被退回修改"),
    ),
    Transition(
        model=Refund,
        name="reject",
        source=(S.PENDING, S.APPROVED),
        target=S.REJECTED,
        label=_("驳回"),
        permission="refund.edit",
        routes=False,
        requirement="R-BIL-4",
        audit_summary=_("“{object}”审批未通过，已驳回"),
    ),
    Transition(
        model=Refund,
        name="release",
        source=(S.PENDING, S.APPROVED),
        target=S.RELEASED,
        label=_("放款"),
        permission="refund.release",
        gates=CHAIN,
        inputs=("reason", "reference", "balance"),
        audited_inputs=("reference", "balance"),
        stamp_time="released_at",
        stamp_actor="released_by",
        effect=close_open_signatures,
        routes=False,  # services_refunds.refund_release: the enterprise's row first, the ledger
        requirement="R-BIL-4",
        audit_summary=_("{actor} 为“{object}”放款"),
        irreversible=True,
        style="btn-success",
        icon="bi-cash-coin",
    ),
)
