"""Refunds in the service table (see ``parkflow.core.tests.service_table``): each public service
of ``services_refunds``, the actor who may call it on park A's objects and those who may not —
refused with nothing written, allowed with one audit event of its action. The builders are the
route table's (``routes_refunds.BUILDERS``)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

from .routes_refunds import ACCOUNT

SERVICE_MODULES = ["parkflow.billing.services_refunds"]
P = "parkflow.billing.services_refunds."


def _outsiders(w):
    """Never: finance of park B, park A's auditor, someone with no role, the enterprise's own
    portal user."""
    return [
        _s(w, Role.FINANCE_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.enterprise_user(),
    ]


def _not_the_initiator(w):
    """Another finance clerk of park A and the leader who signs: neither may change someone
    else's refund."""
    return [*_outsiders(w), _s(w, Role.FINANCE_STAFF), w.refund_signer()]


def _values(w, **changes):
    return {
        "kind": "payout",
        "amount": "1200.00",
        "reason": "政策补贴兑付",
        "payee_name": "甲园标记科技有限公司",
        "payee_bank": "中国工商银行苏州分行",
        "payee_account": ACCOUNT,
        **changes,
    }


def _decided_review(w):
    """The first signature of a submitted payout, decided (not yet applied: ``review_decide``
    records the decision only; the consequence is the service under test)."""
    from parkflow.core import reviews

    from ..gates import REFUND_APPROVAL

    (review,) = REFUND_APPROVAL.state(w.refund_submitted()).pending
    return reviews.review_decide(
        actor=w.refund_signer(), review=review, decision="approve", opinion="同意"
    )


SERVICES = {
    P + "refund_create": Service(
        "refund.create",
        lambda w: {"enterprise": w.enterprise(), **_values(w)},
        allowed=lambda w: _s(w, Role.FINANCE_STAFF),
        refused=lambda w: [*_outsiders(w), _s(w, Role.DEPUTY), _s(w, Role.RISK_OFFICER)],
    ),
    P + "refund_update": Service(
        "refund.update",
        lambda w: {"refund": w.refund_draft(), **_values(w, amount="1300.00")},
        allowed=lambda w: w.refund_clerk(),
        refused=_not_the_initiator,
        before=True,
    ),
    P + "refund_submit": Service(
        "refund.submit",
        lambda w: {"refund": w.refund_draft()},
        allowed=lambda w: w.refund_clerk(),
        refused=_not_the_initiator,
        before=True,
    ),
    P + "refund_resubmit": Service(
        "refund.resubmit",
        lambda w: {"refund": w.refund_round_withdrawn()},
        allowed=lambda w: w.refund_clerk(),
        refused=_not_the_initiator,
        before=True,
    ),
    P + "refund_withdraw": Service(
        "refund.withdraw",
        lambda w: {"refund": w.refund_submitted(), "reason": "企业撤回申请"},
        allowed=lambda w: w.refund_clerk(),
        refused=_not_the_initiator,
        before=True,
    ),
    P + "refund_release": Service(
        "refund.release",
        lambda w: {"refund": w.refund_approved(), "reference": "HX20261129001"},
        allowed=lambda w: _s(w, Role.FINANCE_STAFF),
        # The leader who signed may not pay it out: releasing is finance's.
        refused=lambda w: [*_outsiders(w), w.refund_signer(), _s(w, Role.PRINCIPAL)],
        before=True,
    ),
    P + "refund_review_outcome": Service(
        "refund.approve",
        lambda w: {"actor": w.refund_signer(), "review": _decided_review(w)},
        system=True,
        before=True,
    ),
}
