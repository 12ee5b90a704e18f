"""What billing adds to other apps' detail pages (discovered by core.registry).

The other parts of billing (refunds: the reviewers' panels of the dual-signature gates) add
theirs to the same lists."""

from parkflow.core.registry import DetailPanel

DETAIL_PANELS = []

# --- billui: the bills of an enterprise and of an agreement; 出具单期账单 ---------------------


def _summary(request, qs):
    from parkflow.core import access

    from . import selectors

    user = request.user
    if access.is_enterprise_user(user) or not access.may_somewhere(user, "bill.view"):
        return None
    return selectors.summary_of(access.scope(user, qs))


def enterprise_bills(request, enterprise) -> dict | None:
    """应收 / 已收 / 未收 / 逾期 of the enterprise and its prepaid balance, with a link to its
    bills; nothing for who does not see bills."""
    from . import selectors
    from .models import Bill

    summary = _summary(request, Bill.objects.filter(enterprise=enterprise))
    if summary is None:
        return None
    return {
        "bills": summary,
        "bills_query": enterprise.name,
        "bills_balance": selectors.credit_balance_of(request.user, enterprise),
        "bills_of": "enterprise",
    }


def agreement_bills(request, agreement) -> dict | None:
    """The same for an agreement (every version of its number: an amendment continues the
    billing of the version it amends)."""
    from .models import Bill

    summary = _summary(request, Bill.objects.filter(agreement__number=agreement.number))
    if summary is None:
        return None
    return {
        "bills": summary,
        "bills_query": agreement.number,
        "bills_balance": None,
        "bills_of": "agreement",
    }


def agreement_issue(request, agreement) -> dict | None:
    """出具单期账单 on a signed agreement, for who issues bills in its park (the button and
    its modal ask once per request)."""
    cache = request.__dict__.setdefault("_billing_issue", {})
    if agreement.pk not in cache:
        cache[agreement.pk] = _issue_context(request, agreement)
    return cache[agreement.pk]


def _issue_context(request, agreement) -> dict | None:
    from parkflow.core import access

    from .forms_bills import IssueForm
    from .views_bills import issue_choices

    if access.is_enterprise_user(request.user) or not access.may(
        request.user, "bill.issue", agreement.enterprise
    ):
        return None
    charges = issue_choices(agreement)
    if not charges:
        return None
    return {"issue_form": IssueForm(charges=charges), "issue_agreement": agreement}


DETAIL_PANELS += [
    DetailPanel(
        "enterprises.Enterprise",
        "billing.enterprise_bills",
        "billing/bills/partials/_bills_panel.html",
        enterprise_bills,
        "side",
        30,
    ),
    DetailPanel(
        "agreements.Agreement",
        "billing.agreement_bills",
        "billing/bills/partials/_bills_panel.html",
        agreement_bills,
        "side",
        30,
    ),
    DetailPanel(
        "agreements.Agreement",
        "billing.issue_button",
        "billing/bills/partials/_issue_button.html",
        agreement_issue,
        "actions",
        30,
    ),
    DetailPanel(
        "agreements.Agreement",
        "billing.issue_modal",
        "billing/bills/partials/_issue_modal.html",
        agreement_issue,
        "modals",
        30,
    ),
]


# --- part "refunds": what a signer of a refund, deposit return or payout sees beside the hashed
# content on the kernel's review page (R-BIL-4): the enterprise, the kind, the amount, the payee
# (the account masked unless the signer is finance), the prepaid balance it draws on, who
# initiated it and where its signatures stand (已签 x/y).
from . import selectors_refunds  # noqa: E402
from .gates import REFUND_APPROVAL, SECOND_SIGNATURE  # noqa: E402


def refund_panel(user, review, refund) -> dict | None:
    balance = selectors_refunds.prepaid_balance(refund.enterprise)
    return {
        "template": "billing/refunds/partials/_review_panel.html",
        "refund": refund,
        "account": refund.grouped_account
        if selectors_refunds.may_see_account(user, refund)
        else refund.masked_account,
        "balance": balance,
        "balance_after": balance - refund.amount,
        "progress": selectors_refunds.signature_progress(refund),
    }


GATE_PANELS = {
    REFUND_APPROVAL: refund_panel,
    SECOND_SIGNATURE: refund_panel,
}
