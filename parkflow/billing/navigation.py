"""费用结算 in the sidebar (SPEC §5). The section and the bills' entries are billui's part; the
statements' entries are in their own block below."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

# The section of billing (billui's part: kept here so the statement pages have their place on
# this branch; one declaration when merged).
SECTIONS = [NavSection("billing", _("费用结算"), order=48)]

NAVIGATION = []

# --- statements and disputes (R-BIL-5) --------------------------------------------------------
NAVIGATION += [
    NavEntry(
        "billing",
        _("对账单"),
        "billing:statements",
        "bi-receipt",
        action="statement.view",
        order=40,
        match=("billing:statement", "billing:statement_issue"),
    ),
    NavEntry(
        "billing",
        _("对账争议"),
        "billing:disputes",
        "bi-chat-left-dots",
        action="dispute.view",
        order=45,
        match=("billing:dispute",),
    ),
]
