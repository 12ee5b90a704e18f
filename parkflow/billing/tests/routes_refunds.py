"""Refunds, deposit returns and payouts in the route policy table (see
``parkflow.core.tests.routes``): every page and API route on real objects of park A, built
through the services — a draft by park A's finance clerk (``w.refund_draft()``), one submitted
(``w.refund_submitted()``), one signed and approved (``w.refund_approved()``). The generated
tests try anonymous, no role, another enterprise's user, the enterprise's own user, finance of
park B, a park A reader acting with a park B role and then the permitted person; refusals write
nothing."""

from parkflow.core.tests.routes import ALLOWED, API, HIDDEN, REFUSED, STAFF, Case, Route
from parkflow.org.choices import Role as R

MARKER = "甲园标记退款事由"
ACCOUNT = "6222 0210 0112 3456"


# --- builders (World.<name>) -------------------------------------------------------------------


def refund_clerk(w):
    """Park A's finance clerk: initiates the refunds of the table."""
    if "refund_clerk" not in w._cache:
        w._cache["refund_clerk"] = w.staff(R.FINANCE_STAFF, display_name="甲园财务")
    return w._cache["refund_clerk"]


def refund_signer(w):
    """Park A's in-charge leader: signs them."""
    if "refund_signer" not in w._cache:
        w._cache["refund_signer"] = w.staff(R.DEPUTY, display_name="甲园分管领导")
    return w._cache["refund_signer"]


def _payout(w, reason=MARKER):
    from .. import services_refunds

    return services_refunds.refund_create(
        actor=refund_clerk(w),
        enterprise=w.enterprise(),
        kind="payout",
        amount="1200.00",
        reason=reason,
        payee_name="甲园标记科技有限公司",
        payee_bank="中国工商银行苏州分行",
        payee_account=ACCOUNT,
    )


def refund_draft(w):
    """A small payout of park A's marked enterprise, a draft (one per world)."""
    if "refund_draft" not in w._cache:
        w._cache["refund_draft"] = _payout(w)
    return w._cache["refund_draft"]


def refund_submitted(w):
    """A further payout, submitted: its one signature is open."""
    from .. import services_refunds

    if "refund_submitted" not in w._cache:
        made = _payout(w, reason="甲园待签退款")
        w._cache["refund_submitted"] = services_refunds.refund_submit(
            actor=refund_clerk(w), refund=made
        )
    return w._cache["refund_submitted"]


def refund_approved(w):
    """A further payout, signed by park A's leader: approved, waiting to be released."""
    from parkflow.core import reviews

    from .. import services_refunds
    from ..gates import REFUND_APPROVAL

    if "refund_approved" not in w._cache:
        made = services_refunds.refund_submit(
            actor=refund_clerk(w), refund=_payout(w, reason="甲园已批退款")
        )
        (review,) = REFUND_APPROVAL.state(made).pending
        reviews.decide(actor=refund_signer(w), review=review, decision="approve", opinion="同意")
        made.refresh_from_db()
        w._cache["refund_approved"] = made
    return w._cache["refund_approved"]


def refund_round_withdrawn(w):
    """A submitted payout whose open signature its requester withdrew: one to ask again."""
    from parkflow.core import reviews

    from .. import services_refunds
    from ..gates import REFUND_APPROVAL

    if "refund_round_withdrawn" not in w._cache:
        made = services_refunds.refund_submit(
            actor=refund_clerk(w), refund=_payout(w, reason="甲园撤回签署")
        )
        (review,) = REFUND_APPROVAL.state(made).pending
        reviews.review_withdraw(actor=refund_clerk(w), review=review, reason="金额待核对")
        w._cache["refund_round_withdrawn"] = made
    return w._cache["refund_round_withdrawn"]


BUILDERS = {
    "refund_clerk": refund_clerk,
    "refund_signer": refund_signer,
    "refund_draft": refund_draft,
    "refund_submitted": refund_submitted,
    "refund_approved": refund_approved,
    "refund_round_withdrawn": refund_round_withdrawn,
}


# --- case makers ------------------------------------------------------------------------------


def _list(w):
    made = refund_draft(w)
    return Case(marker=MARKER, enterprise=made.enterprise)


def _detail(w):
    made = refund_draft(w)
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _form(w, enterprise=True):
    values = {
        "kind": "payout",
        "amount": "800.00",
        "reason": "政策补贴兑付",
        "payee_name": "甲园标记科技有限公司",
        "payee_bank": "中国工商银行苏州分行",
        "payee_account": ACCOUNT,
    }
    if enterprise:
        values["enterprise"] = w.enterprise().pk
    return values


def _create(w):
    return Case(data={"POST": _form})


def _edit(w):
    made = refund_draft(w)
    return Case(
        {"pk": made.pk},
        data={"POST": lambda w: {**_form(w, enterprise=False), "amount": "1250.00"}},
        actor=refund_clerk(w),
        enterprise=made.enterprise,
    )


def _submit(w):
    made = refund_draft(w)
    return Case(
        {"pk": made.pk, "name": "submit"},
        data={"POST": {"reason": ""}},
        actor=refund_clerk(w),
        enterprise=made.enterprise,
    )


def _release(w):
    made = refund_approved(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"reference": "HX20261129001", "reason": ""}},
        enterprise=made.enterprise,
    )


def _api_list(w):
    refund_draft(w)
    return Case(marker=MARKER, data={"POST": lambda w: {**_form(w), "deposit_bill": None}})


def _api_own(w, made, body=None):
    return Case({"pk": made.pk}, data={"POST": body or {}}, actor=refund_clerk(w))


ROUTES: dict = {
    # --- pages -----------------------------------------------------------------------------------
    "billing:refunds": Route(STAFF, {"GET": 200}, "refund.view", R.AUDITOR, _list, HIDDEN),
    "billing:refund_export": Route(STAFF, {"GET": 200}, "refund.view", R.AUDITOR, _list, HIDDEN),
    "billing:refund_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "refund.initiate",
        R.FINANCE_STAFF,
        _create,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "billing:refund": Route(STAFF, {"GET": 200}, "refund.view", R.AUDITOR, _detail),
    "billing:refund_edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "refund.edit", R.FINANCE_STAFF, _edit
    ),
    "billing:refund_transition": Route(
        STAFF, {"POST": 302}, "refund.edit", R.FINANCE_STAFF, _submit
    ),
    "billing:refund_release": Route(
        STAFF, {"POST": 302}, "refund.release", R.FINANCE_STAFF, _release
    ),
    # --- API -------------------------------------------------------------------------------------
    "api:refund-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "refund.view", "POST": "refund.initiate"},
        R.FINANCE_STAFF,
        _api_list,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:refund-detail": Route(API, {"GET": 200}, "refund.view", R.AUDITOR, _detail),
    "api:refund-submit": Route(
        API, {"POST": 200}, "refund.edit", R.FINANCE_STAFF, lambda w: _api_own(w, refund_draft(w))
    ),
    "api:refund-resubmit": Route(
        API,
        {"POST": 200},
        "refund.edit",
        R.FINANCE_STAFF,
        lambda w: _api_own(w, refund_round_withdrawn(w)),
    ),
    "api:refund-withdraw": Route(
        API,
        {"POST": 200},
        "refund.edit",
        R.FINANCE_STAFF,
        lambda w: _api_own(w, refund_submitted(w), {"reason": "企业撤回申请"}),
    ),
    "api:refund-release": Route(
        API,
        {"POST": 200},
        "refund.release",
        R.FINANCE_STAFF,
        lambda w: Case({"pk": refund_approved(w).pk}, data={"POST": {"reference": "HX1"}}),
    ),
}
