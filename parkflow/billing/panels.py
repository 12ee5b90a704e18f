"""What a signer of a refund, deposit return or payout sees beside the hashed content on the
kernel's review page (core:review_detail, R-BIL-4): the enterprise, the kind, the amount, the
payee (the account masked unless the signer is finance), the prepaid balance it draws on, the
deposit bill it returns, who initiated it and where its signatures stand (已签 x/y)."""

from . import selectors_refunds as selectors
from .gates import REFUND_APPROVAL, SECOND_SIGNATURE


def refund_panel(user, review, refund) -> dict | None:
    balance = selectors.prepaid_balance(refund.enterprise)
    return {
        "template": "billing/refunds/partials/_review_panel.html",
        "refund": refund,
        "account": refund.grouped_account
        if selectors.may_see_account(user, refund)
        else refund.masked_account,
        "balance": balance,
        "balance_after": balance - refund.amount,
        "progress": selectors.signature_progress(refund),
    }


GATE_PANELS = {
    REFUND_APPROVAL: refund_panel,
    SECOND_SIGNATURE: refund_panel,
}
