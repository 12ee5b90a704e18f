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
