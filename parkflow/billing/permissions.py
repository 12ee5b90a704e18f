"""Who may do what with money (R-ORG-3, Art.14). Finance issues bills, records payments and
adjusts; every staff member of the park sees its bills; the leaders, risk control and the
auditors read the receivables. The enterprise sees its own bills and payments in the portal."""

from parkflow.core.access import Permissions
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF

FINANCE = frozenset({R.FINANCE_STAFF})

PERMISSIONS = [
    Permissions(
        model="billing.Bill",
        park="park",
        enterprise="enterprise",
        view="bill.view",
        actions={
            "bill.view": ALL_STAFF,
            "bill.issue": FINANCE,
            "bill.adjust": FINANCE,
            "payment.record": FINANCE,
        },
        portal={"bill.view"},
    ),
    Permissions(
        model="billing.Payment",
        park="park",
        enterprise="enterprise",
        view="bill.view",
        portal={"bill.view"},
    ),
    Permissions(
        model="billing.Adjustment",
        park="bill__park",
        enterprise="bill__enterprise",
        view="bill.view",
        portal={"bill.view"},
    ),
    Permissions(
        model="billing.CreditEntry",
        park="park",
        enterprise="enterprise",
        view="bill.view",
        portal={"bill.view"},
    ),
    Permissions(model="billing.BillRun", park="park", view="bill.view"),
]

# --- refunds, deposit returns and payouts (part "refunds", R-BIL-4, R-ORG-4) -------------------
# Finance starts them and releases them; finance and the leaders sign them (gates.py: never the
# initiator); risk control and the auditors read them. Only the initiator edits, submits or
# withdraws his own; only finance sees a payee's bank account in full. Not in the portal.
from django.utils.translation import gettext_lazy as _  # noqa: E402

from parkflow.org.permissions import LEADERS  # noqa: E402

REFUND_READERS = FINANCE | LEADERS | {R.RISK_OFFICER, R.AUDITOR}

PERMISSIONS += [
    Permissions(
        model="billing.Refund",
        park="park",
        enterprise="enterprise",
        view="refund.view",
        actions={
            "refund.view": REFUND_READERS,
            "refund.initiate": FINANCE,
            "refund.edit": FINANCE,
            "refund.release": FINANCE,
            "refund.account": FINANCE,
        },
        owners={
            "refund.edit": ("initiated_by", _("只有发起人可以修改、提交或撤回自己发起的退款付款。"))
        },
    ),
]


# --- statements and disputes (R-BIL-5) --------------------------------------------------------
# Finance issues and supersedes statements and settles disputes; every staff member of the park
# reads them. The enterprise reads its own statements, downloads them and disputes a line in the
# portal — staff cannot raise a dispute on its behalf (dispute.raise has no staff role).
PERMISSIONS += [
    Permissions(
        model="billing.Statement",
        park="park",
        enterprise="enterprise",
        view="statement.view",
        actions={
            "statement.view": ALL_STAFF,
            "statement.issue": FINANCE,
            "dispute.raise": frozenset(),
        },
        portal={"statement.view", "dispute.raise"},
    ),
    Permissions(
        model="billing.StatementLine",
        park="statement__park",
        enterprise="statement__enterprise",
        view="statement.view",
        portal={"statement.view"},
    ),
    Permissions(
        model="billing.StatementDispute",
        park="park",
        enterprise="enterprise",
        view="dispute.view",
        actions={"dispute.view": ALL_STAFF, "dispute.handle": FINANCE},
        portal={"dispute.view"},
    ),
]


# --- receivables: bank statements and their review list, invoice data ---------------------------
# Finance imports statements, matches lines by hand and keeps the park's invoice settings; the
# leaders and the auditors read the statements (payers' accounts are in them: not all staff);
# the invoice data (buyers' credit codes and amounts, for the finance system) is finance's and
# the auditors'. The receivables dashboard reads bills: "bill.view", every staff member.
from parkflow.org.permissions import LEADERS  # noqa: E402

BANK_READERS = FINANCE | LEADERS | {R.AUDITOR}

PERMISSIONS += [
    Permissions(
        model="billing.BankStatementImport",
        park="park",
        view="bank.view",
        actions={"bank.view": BANK_READERS, "bank.import": FINANCE},
    ),
    Permissions(
        model="billing.BankLine",
        park="park",
        view="bank.view",
        actions={"bank.match": FINANCE},
    ),
    Permissions(
        model="billing.InvoiceTaxSetting",
        park="park",
        view="invoice.view",
        actions={"invoice.view": FINANCE | {R.AUDITOR}, "invoice.configure": FINANCE},
    ),
]
