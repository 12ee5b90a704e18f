"""费用结算 in the sidebar.

--- part "refunds" (R-BIL-4): 退款与付款 — refunds, deposit returns and payouts with their
signatures. (The bills, payments and statements parts add their own entries to this section.)"""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

SECTIONS = [NavSection("billing", _("费用结算"), order=55)]

NAVIGATION = [
    # --- refunds (R-BIL-4) ---------------------------------------------------------------------
    NavEntry(
        "billing",
        _("退款与付款"),
        "billing:refunds",
        "bi-cash-coin",
        action="refund.view",
        order=50,
        match=("billing:refund", "billing:refund_create", "billing:refund_edit"),
    ),
]
