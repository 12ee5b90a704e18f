"""费用结算 in the sidebar, after 服务与投诉 (50) and before the platform (90): bills, payments and
bill runs; a workbench card for finance (this month's receivables, what is overdue). The other
parts of billing (refunds, statements, receivables) add their entries to the same section."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard

SECTIONS = [NavSection("billing", _("费用结算"), order=60)]

NAVIGATION = []
WORKBENCH_CARDS = []

# --- billui: bills, payments and bill runs (R-BIL-1 … R-BIL-6) --------------------------------


def _finance_figures(request):
    from .selectors import finance_figures

    return finance_figures(actor=request.user)


NAVIGATION += [
    NavEntry(
        "billing",
        _("账单"),
        "billing:bills",
        "bi-receipt",
        action="bill.view",
        order=10,
        match=("billing:bill",),
    ),
    NavEntry(
        "billing",
        _("收款记录"),
        "billing:payments",
        "bi-cash-coin",
        action="bill.view",
        order=20,
    ),
    NavEntry(
        "billing",
        _("出账"),
        "billing:runs",
        "bi-arrow-repeat",
        action="bill.view",
        order=30,
        match=("billing:run",),
    ),
]

WORKBENCH_CARDS += [
    WorkbenchCard(
        "billing.receivables",
        "kpi",
        "billing/bills/partials/_workbench_kpi.html",
        _finance_figures,
        action="payment.record",
        order=60,
    ),
]

# --- part "refunds" (R-BIL-4): 退款与付款 — refunds, deposit returns and payouts with their
# signatures.
NAVIGATION += [
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

# --- statements and disputes (R-BIL-5) --------------------------------------------------------
NAVIGATION += [
    NavEntry(
        "billing",
        _("对账单"),
        "billing:statements",
        "bi-receipt-cutoff",
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
