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
