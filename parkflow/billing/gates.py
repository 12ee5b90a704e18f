"""The signatures a refund, a deposit return or a payout needs before the money leaves (R-BIL-4
双签, Art.14, R-ORG-4), in their order:

* ``REFUND_APPROVAL`` — every one: one approver from finance or the leadership (pooled: any
  eligible one takes it). Below the large-amount threshold this is the only signature.
* ``SECOND_SIGNATURE`` — at or above the threshold (a gate parameter an administrator changes
  on the kernel's 审查节点 page, default ¥50,000, judged on the row as stored): a second,
  different person, and a leader (principal, in-charge leader or leading-group member), after
  the first signature has passed.

So a large amount carries two distinct signatures of which at least one is a leader's. The
initiator signs neither (``initiators``); nobody signs twice in a round (the kernel); and the
person who gave the first signature is excluded from the second (``_first_signer``: two gates
are two rounds, which the kernel's one-decision-per-round constraint does not span). Both gates
bind the same content — amount, payee, account, kind, deposit bill — so an edit voids them.

What a decision means is this app's service, the gates' ``consequence``
(``services_refunds.refund_review_outcome``)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import ReviewDecision
from parkflow.core.gates import POOLED, Exclusion, Gate, register
from parkflow.core.rules import Param
from parkflow.org.choices import LEADER_ROLES, Role

MODEL = "billing.Refund"
APPROVERS = (Role.FINANCE_STAFF, *LEADER_ROLES)


def reviewed_content(refund) -> dict:
    """What the signatures approve: a change to any of it voids them (the content hash).
    The keys are the model's fields, so the review page labels them in Chinese."""
    return {
        "park": refund.park_id,
        "enterprise": refund.enterprise_id,
        "kind": refund.kind,
        "amount": str(refund.amount),
        "reason": refund.reason,
        "payee_name": refund.payee_name,
        "payee_bank": refund.payee_bank,
        "payee_account": refund.payee_account,
        "deposit_bill": refund.deposit_bill_id,
    }


def _decided(*, actor, review):
    from .services_refunds import refund_review_outcome

    refund_review_outcome(actor=actor, review=review)


def _first_signer(user):
    """The refunds whose first signature (the latest round of ``REFUND_APPROVAL``) this person
    gave: they may not give the second one too. A queryset, so the inbox filters in SQL."""
    from parkflow.core.models import Review

    from .models_refunds import Refund

    ct = ContentType.objects.get_for_model(Refund)

    def of_refund(outer):
        return Review.objects.filter(
            content_type=ct,
            object_id=Cast(outer, output_field=CharField()),
            gate=REFUND_APPROVAL.code,
        )

    latest = of_refund(OuterRef(OuterRef("pk"))).order_by("-round").values("round")[:1]
    signed = of_refund(OuterRef("pk")).filter(
        round=Subquery(latest), reviewer=user, decision=ReviewDecision.APPROVE
    )
    return [
        Exclusion(
            Refund.objects.filter(Exists(signed)),
            _("您已签署该事项的第一签，第二签须由另一位领导签署（两个签名须为两个不同的人）。"),
            "R-ORG-4",
        )
    ]


REFUND_APPROVAL = register(
    Gate(
        code="billing.refund_approval",
        label=_("退款付款审批（第一签）"),
        model=MODEL,
        reviewer_roles=APPROVERS,
        article="Art.14",
        requirement="R-BIL-4",
        content=reviewed_content,
        mode=POOLED,
        initiators=("initiated_by",),
        consequence=_decided,
    )
)

SECOND_SIGNATURE = register(
    Gate(
        code="billing.refund_dual_signature",
        label=_("大额退款付款领导签署（第二签）"),
        model=MODEL,
        reviewer_roles=LEADER_ROLES,
        article="Art.14",
        requirement="R-BIL-4",
        content=reviewed_content,
        mode=POOLED,
        after=(REFUND_APPROVAL,),
        params={
            "threshold": Param(int, 50000, min=1, max=10**11, label=_("大额阈值（元）")),
        },
        applies=lambda refund, params: refund.amount >= params["threshold"],
        condition=_("金额不低于大额阈值"),
        initiators=("initiated_by",),
        excluded=_first_signer,
        consequence=_decided,
    )
)

# In the order they are signed; releasing requires each that applies.
CHAIN = (REFUND_APPROVAL, SECOND_SIGNATURE)


def large_amount_threshold() -> int:
    return SECOND_SIGNATURE.param("threshold")
