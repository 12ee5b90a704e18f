"""Reads of refunds, deposit returns and payouts, always through the access layer: finance, the
leaders, risk control and the auditors of a park see its refunds (R-ORG-3); nobody else — not
the other staff of the park, not the enterprise (R-BIL-4: money going out is finance's book)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from parkflow.core import access
from parkflow.core.choices import ReviewDecision
from parkflow.core.models import Review

from .choices import BillStatus, ChargeKind
from .choices_refunds import OPEN_REFUND_STATUSES, RefundKind
from .gates import CHAIN, REFUND_APPROVAL, SECOND_SIGNATURE
from .models import Bill
from .models_refunds import Refund
from .services import credit_balance

ZERO = Decimal("0")
MONEY_ZERO = Value(ZERO)


def _scoped(actor):
    return access.scope(
        actor,
        Refund.objects.select_related("park", "enterprise", "initiated_by", "deposit_bill"),
    )


def _approvals_in_latest_round(gate):
    """Approvals in the latest round of ``gate`` on each refund (one subquery for a page)."""
    ct = ContentType.objects.get_for_model(Refund)

    def of_refund(outer):
        return Review.objects.filter(
            content_type=ct, object_id=Cast(outer, output_field=CharField()), gate=gate.code
        )

    latest = of_refund(OuterRef(OuterRef("pk"))).order_by("-round").values("round")[:1]
    return Coalesce(
        Subquery(
            of_refund(OuterRef("pk"))
            .filter(round=Subquery(latest), decision=ReviewDecision.APPROVE)
            .order_by()
            .values("gate")
            .annotate(n=Count("*"))
            .values("n")[:1]
        ),
        0,
    )


def with_signatures(qs):
    """Each refund with the approvals of its gates' latest rounds (已签), for lists and exports.
    The refund's own page reads the rounds in full (content hash, signers, who may still sign)."""
    return qs.annotate(
        first_signed=_approvals_in_latest_round(REFUND_APPROVAL),
        second_signed=_approvals_in_latest_round(SECOND_SIGNATURE),
    )


def refund_list(
    *,
    actor,
    search: str = "",
    status: str = "",
    kind: str = "",
    park=None,
    large_only: bool = False,
):
    qs = _scoped(actor)
    if search:
        qs = qs.filter(
            Q(enterprise__name__icontains=search)
            | Q(payee_name__icontains=search)
            | Q(reason__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if park is not None:
        qs = qs.filter(park=park)
    if large_only:
        qs = qs.filter(amount__gte=SECOND_SIGNATURE.param("threshold"))
    return with_signatures(qs)


def decorate_rows(rows, actor) -> None:
    """For each row of a page: the signatures it needs and has (已签 x/y) and whether the
    reader sees its bank account in full (finance of its park) — from one read of the
    threshold and the reader's roles, no query per row."""
    threshold = SECOND_SIGNATURE.param("threshold")
    full = access.parks_with_roles(actor, access.roles_for("refund.account"))
    for row in rows:
        large = row.amount >= threshold or bool(getattr(row, "second_signed", 0))
        row.signatures_required = 2 if large else 1
        row.signatures_signed = min(
            getattr(row, "first_signed", 0) + (getattr(row, "second_signed", 0) if large else 0),
            row.signatures_required,
        )
        row.sees_account = full is None or row.park_id in full
        row.account_shown = row.grouped_account if row.sees_account else row.masked_account


def refund_get_for_user(*, actor, pk) -> Refund:
    return access.get_for_user(
        actor,
        Refund.objects.select_related(
            "park", "enterprise", "initiated_by", "released_by", "deposit_bill", "credit_entry"
        ),
        pk=pk,
    )


def may_see_account(actor, refund) -> bool:
    return access.may(actor, "refund.account", refund)


# ---------------------------------------------------------------------------------------------
# Money the services check a refund against


def prepaid_balance(enterprise) -> Decimal:
    """The enterprise's prepaid balance (预收余额): the sum of its ledger's movements."""
    return credit_balance(enterprise)


def refunds_in_flight(enterprise, *, kind, excluding=None, bill=None) -> Decimal:
    """What submitted, not yet released refunds of this kind already claim."""
    qs = Refund.objects.filter(enterprise=enterprise, kind=kind, status__in=OPEN_REFUND_STATUSES)
    if bill is not None:
        qs = qs.filter(deposit_bill=bill)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(total=Coalesce(Sum("amount"), MONEY_ZERO))["total"]


def refundable_balance(enterprise, *, excluding=None) -> Decimal:
    """The prepaid balance less what other submitted refunds already claim from it."""
    return prepaid_balance(enterprise) - refunds_in_flight(
        enterprise, kind=RefundKind.REFUND, excluding=excluding
    )


def deposit_returnable(bill, *, excluding=None) -> Decimal:
    """What of a paid deposit bill may still be returned: what was received and not yet
    returned, less what other submitted deposit returns already claim."""
    if bill.status != BillStatus.PAID:
        return ZERO
    return bill.paid - refunds_in_flight(
        bill.enterprise_id, kind=RefundKind.DEPOSIT_RETURN, excluding=excluding, bill=bill
    )


def _yuan(amount) -> str:
    return f"¥{amount:,.2f}"


def amount_problems(*, kind, enterprise, amount, deposit_bill, excluding=None) -> dict[str, str]:
    """Why the amount is not covered, by field: a refund by the prepaid balance less the other
    submitted refunds (the balance never goes negative, R-BIL-4), a deposit return by the paid
    deposit less what is returned or being returned. A payout draws on no ledger."""
    from django.utils.translation import gettext as _

    found = {}
    if kind == RefundKind.DEPOSIT_RETURN:
        if deposit_bill is None:
            found["deposit_bill"] = _("押金退还须选择该企业已缴清的押金账单。")
        elif deposit_bill.enterprise_id != enterprise.pk or deposit_bill.kind != ChargeKind.DEPOSIT:
            found["deposit_bill"] = _("请选择该企业的押金账单。")
        elif deposit_bill.status != BillStatus.PAID:
            found["deposit_bill"] = _("押金账单 %(number)s 尚未缴清，不能退还。") % {
                "number": deposit_bill.number
            }
        else:
            returnable = deposit_returnable(deposit_bill, excluding=excluding)
            if amount > returnable:
                found["amount"] = _(
                    "押金退还金额不能超过可退金额 %(returnable)s（已收押金减去已退还和审批中的退还）。"
                ) % {"returnable": _yuan(max(returnable, ZERO))}
    elif deposit_bill is not None:
        found["deposit_bill"] = _("只有押金退还需要选择押金账单。")
    if kind == RefundKind.REFUND:
        balance = prepaid_balance(enterprise)
        available = balance - refunds_in_flight(
            enterprise, kind=RefundKind.REFUND, excluding=excluding
        )
        if amount > available:
            found["amount"] = _(
                "退款金额超过可退的预收余额 %(available)s（预收余额 %(balance)s，减去审批中的其他退款）："
                "预收余额不能为负。"
            ) % {"available": _yuan(max(available, ZERO)), "balance": _yuan(balance)}
    return found


def deposit_bills_for(actor, enterprise=None):
    """Paid deposit bills the actor may start a deposit return on (the form's choices)."""
    parks = access.parks_with_roles(actor, access.roles_for("refund.initiate"))
    qs = Bill.objects.filter(kind=ChargeKind.DEPOSIT, status=BillStatus.PAID, paid__gt=0)
    if parks is not None:
        qs = qs.filter(park__in=parks)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise").order_by("enterprise__name", "-period_start", "-id")


def enterprises_for_initiate(actor):
    """Enterprises of the parks where the actor starts refunds (the form's choices)."""
    from parkflow.enterprises.models import Enterprise

    parks = access.parks_with_roles(actor, access.roles_for("refund.initiate"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")


# ---------------------------------------------------------------------------------------------
# The refund's page: what waits for whose signature


def _candidates(refund, gate):
    """Active staff holding one of the gate's roles in the refund's park or at headquarters."""
    held = Q(role_assignments__role__in=gate.reviewer_roles) & (
        Q(role_assignments__unit__park_id=refund.park_id)
        | Q(role_assignments__unit__park__isnull=True)
    )
    return (
        get_user_model()
        .objects.filter(access.staff_filter(), is_active=True)
        .filter(held)
        .distinct()
        .order_by("display_name", "username")
    )


def signature_progress(refund) -> dict:
    """Where the refund's signatures stand (已签 1/2): each gate that applies with its status,
    who signed, the open signatures (links to the review page) and who may still sign — the
    kernel's own eligibility check asked for each candidate (role in the park, not the
    initiator, not the first signer, compliance status current, not signed in this round)."""
    from parkflow.core.gates import latest_decision, reviewer_refusal

    rows, required, signed = [], 0, 0
    for gate in CHAIN:
        status = gate.status(refund)
        if status == "not_applicable":
            continue
        state = gate.state(refund)
        required += gate.quorum
        signed += min(state.signed, gate.quorum) if status == "passed" else state.signed
        may_sign = []
        if status != "passed" and refund.status in OPEN_REFUND_STATUSES:
            review = state.pending[0] if state.pending else None
            may_sign = [
                person
                for person in _candidates(refund, gate)
                if reviewer_refusal(person, refund, gate, review) is None
            ]
        rows.append(
            {
                "gate": gate,
                "status": status,
                "state": state,
                "latest": latest_decision(refund, gate),
                "may_sign": may_sign,
                "waits_for": [p.label for p in gate.open_prerequisites(refund)],
            }
        )
    return {
        "rows": rows,
        "required": required,
        "signed": min(signed, required),
        "threshold": SECOND_SIGNATURE.param("threshold"),
        "large": SECOND_SIGNATURE.applies_to(refund),
    }


def with_progress(refund, refusal):
    """A gate's refusal with the count said: 须 2 名不同人员签署，已签 1 人。"""
    from django.utils.translation import gettext as _

    from parkflow.core.errors import GateNotPassed

    applicable = [gate for gate in CHAIN if gate.applies_to(refund)]
    signed = sum(min(g.state(refund).signed, g.quorum) for g in applicable if g.is_passed(refund))
    required = sum(g.quorum for g in applicable)
    return GateNotPassed(
        refusal.code,
        _("%(message)s须 %(required)s 名不同人员签署，已签 %(signed)s 人。")
        % {"message": refusal.message, "required": required, "signed": signed},
        requirement=refusal.requirement,
    )


def signature_refusal(refund):
    """Why the refund may not be released for want of signatures (the first gate of the chain
    whose ``require`` refuses, with the count — 已签 1/2), or None."""
    from parkflow.core.errors import GateNotPassed

    for gate in CHAIN:
        try:
            gate.require(refund)
        except GateNotPassed as exc:
            return with_progress(refund, exc)
    return None


# ---------------------------------------------------------------------------------------------
# The to-do centre (todo.py)


def refunds_waiting_for_initiator(*, actor):
    """The actor's own refunds that wait for them: sent back with an opinion, or approved and
    waiting to be released."""
    from .choices_refunds import RefundStatus

    return (
        access.restrict(actor, "refund.edit", Refund.objects.all())
        .filter(
            Q(status=RefundStatus.APPROVED) | (Q(status=RefundStatus.DRAFT) & ~Q(return_opinion=""))
        )
        .select_related("park", "enterprise")
    )


def refunds_initiated(*, actor):
    return access.restrict(actor, "refund.edit", Refund.objects.all()).select_related(
        "park", "enterprise"
    )
