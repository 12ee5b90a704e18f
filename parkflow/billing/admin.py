"""Admin for billing: a window, not a back door. Bills, payments, adjustments, the prepaid
balance and bill runs are read-only here: a bill is issued, paid and corrected only through
``services`` (R-BIL-2 … R-BIL-5: no duplicate, no price above the agreed one, no silent change,
corrections as new lines), with the audit trail."""

from django.contrib import admin

from parkflow.core.admin import ReadOnlyAdmin

from .models import Adjustment, Bill, BillRun, CreditEntry, Payment


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ("label", "enterprise", "park", "period_start", "amount", "paid", "status")
    list_filter = ("status", "kind", "source")
    search_fields = ("label", "enterprise__name")
    list_select_related = ("enterprise", "park")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("bill", "enterprise", "amount", "applied", "credited", "method", "paid_on")
    list_filter = ("method", "source")
    search_fields = ("reference", "enterprise__name")
    list_select_related = ("bill", "enterprise")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("bill", "kind", "amount", "reason", "made_at")
    list_select_related = ("bill",)


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "amount", "reason", "created_at")
    list_select_related = ("enterprise",)


@admin.register(BillRun)
class BillRunAdmin(ReadOnlyAdmin):
    list_display = ("park", "month", "status", "bills_created", "already_billed", "started_at")
    list_select_related = ("park",)


# --- refunds, deposit returns and payouts (part "refunds", R-BIL-4) ----------------------------
# Read-only like the rest: a refund is released only through services_refunds.refund_release,
# after its signatures (there is no admin action that releases, approves or edits one). The
# payee's account is shown masked here: the admin is the system administrators' window, not
# finance's.
from django.utils.translation import gettext_lazy as _  # noqa: E402

from .models_refunds import Refund  # noqa: E402


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "enterprise", "park", "kind", "amount", "status", "initiated_at")
    list_filter = ("status", "kind")
    search_fields = ("enterprise__name", "payee_name")
    list_select_related = ("enterprise", "park")
    exclude = ("payee_account",)
    readonly_fields = ("masked_account",)

    @admin.display(description=_("收款账号"))
    def masked_account(self, refund):
        return refund.masked_account


# --- statements and disputes (R-BIL-5): issued and settled only through services_statements ---
from .models_statements import Statement, StatementDispute, StatementLine  # noqa: E402


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "park", "period_start", "period_end", "closing", "status")
    list_filter = ("status",)
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise", "park")


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    list_display = ("statement", "position", "kind", "date", "amount", "balance")
    list_select_related = ("statement", "statement__enterprise")


@admin.register(StatementDispute)
class StatementDisputeAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "statement", "status", "raised_at", "handler")
    list_filter = ("status",)
    list_select_related = ("enterprise", "statement", "statement__enterprise", "handler")


# --- receivables: statements and their lines are taken in through services_bank only ----------
from .models_bank import BankLine, BankStatementImport, InvoiceTaxSetting  # noqa: E402


@admin.register(BankStatementImport)
class BankStatementImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "park", "status", "lines_total", "matched", "imported_at")
    list_filter = ("status",)
    search_fields = ("file_name", "sha256")
    list_select_related = ("park",)


@admin.register(BankLine)
class BankLineAdmin(ReadOnlyAdmin):
    list_display = ("booked_on", "payer_name", "amount", "status", "park")
    list_filter = ("status", "method")
    search_fields = ("payer_name", "summary", "transaction_id")
    list_select_related = ("park",)


@admin.register(InvoiceTaxSetting)
class InvoiceTaxSettingAdmin(ReadOnlyAdmin):
    list_display = ("park", "kind", "method", "item_name", "tax_code", "rate")
    list_select_related = ("park",)
