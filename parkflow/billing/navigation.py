"""费用结算 in the sidebar.

The lead merges the parts of billing: the section and the bills' entries come with the bills'
pages (helper "billui"); the block below is the receivables part's."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

SECTIONS = [NavSection("billing", _("费用结算"), order=55)]

NAVIGATION = []


# --- receivables: the dashboard, bank statements and their review list, invoice data ---------
# No badge on 待人工核对: it would cost a query on every page finance, the leaders and the
# auditors open; the statements page shows the count.
NAVIGATION += [
    NavEntry(
        "billing",
        _("应收账款看板"),
        "billing:receivables",
        "bi-bar-chart-steps",
        action="bill.view",
        order=50,
    ),
    NavEntry(
        "billing",
        _("银行流水导入"),
        "billing:bank_imports",
        "bi-bank",
        action="bank.view",
        order=60,
        match=(
            "billing:bank_import",
            "billing:bank_import_upload",
            "billing:bank_import_job",
        ),
    ),
    NavEntry(
        "billing",
        _("待人工核对"),
        "billing:bank_review",
        "bi-ui-checks",
        action="bank.view",
        order=61,
        match=("billing:bank_line",),
    ),
    NavEntry(
        "billing",
        _("开票数据"),
        "billing:invoices",
        "bi-receipt",
        action="invoice.view",
        order=70,
        match=("billing:invoice_settings", "billing:invoice_setting_edit"),
    ),
]
