"""Staff pages of billing."""

from django.urls import path

from . import views_bills, views_runs

app_name = "billing"

urlpatterns = []

# --- billui: bills, payments, adjustments, the prepaid balance and bill runs (R-BIL-1 … 6) ---
urlpatterns += [
    path("bills/", views_bills.bill_list, name="bills"),
    path("bills/export.xlsx", views_bills.bill_export, name="bill_export"),
    path("bills/<int:pk>/", views_bills.bill_detail, name="bill"),
    path("bills/<int:pk>/pay/", views_bills.bill_pay, name="bill_pay"),
    path("bills/<int:pk>/credit/", views_bills.bill_credit, name="bill_credit"),
    path("bills/<int:pk>/adjust/", views_bills.bill_adjust, name="bill_adjust"),
    path("payments/", views_bills.payment_list, name="payments"),
    path("payments/export.xlsx", views_bills.payment_export, name="payment_export"),
    path("runs/", views_runs.run_list, name="runs"),
    path("runs/start/", views_runs.run_start, name="run_start"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run"),
    path("agreements/<int:pk>/issue/", views_bills.agreement_issue, name="agreement_issue"),
]

# --- refunds, deposit returns and payouts (part "refunds", R-BIL-4) ----------------------------
from parkflow.core.workflow_views import page_urls  # noqa: E402

from . import views_refunds  # noqa: E402
from .models_refunds import Refund  # noqa: E402

urlpatterns += [
    path("refunds/", views_refunds.refund_list, name="refunds"),
    path("refunds/export.xlsx", views_refunds.refund_export, name="refund_export"),
    path("refunds/new/", views_refunds.refund_create, name="refund_create"),
    path("refunds/<int:pk>/", views_refunds.refund_detail, name="refund"),
    path("refunds/<int:pk>/edit/", views_refunds.refund_edit, name="refund_edit"),
    path("refunds/<int:pk>/release/", views_refunds.refund_release, name="refund_release"),
    # POST refunds/<pk>/transitions/<submit|resubmit|withdraw>/ (workflows.py)
    *page_urls(
        Refund,
        views_refunds.refund_transition,
        prefix=r"refunds/(?P<pk>\d+)/",
        name="refund_transition",
    ),  # fmt: skip
]


# --- statements and disputes (R-BIL-5): views_statements.py -----------------------------------
from django.urls import path  # noqa: E402

from . import views_statements  # noqa: E402

urlpatterns += [
    path("statements/", views_statements.statement_list, name="statements"),
    path("statements/issue/", views_statements.statement_issue, name="statement_issue"),
    path("statements/<int:pk>/", views_statements.statement_detail, name="statement"),
    path(
        "statements/<int:pk>/download/<str:fmt>/",
        views_statements.statement_download,
        name="statement_download",
    ),
    path(
        "statements/<int:pk>/supersede/",
        views_statements.statement_supersede,
        name="statement_supersede",
    ),
    path("disputes/", views_statements.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", views_statements.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/<str:step>/", views_statements.dispute_step, name="dispute_step"),
]


# --- receivables: bank statements and their review list, invoice data, the dashboard ----------
from django.urls import path  # noqa: E402

from . import views_bank, views_invoices, views_receivables  # noqa: E402

urlpatterns += [
    path("bank/", views_bank.bank_imports, name="bank_imports"),
    path("bank/import/", views_bank.bank_import_upload, name="bank_import_upload"),
    path("bank/import/<str:token>/", views_bank.bank_import_job, name="bank_import_job"),
    path(
        "bank/import/<str:token>/confirm/",
        views_bank.bank_import_confirm,
        name="bank_import_confirm",
    ),
    path("bank/<int:pk>/", views_bank.bank_import, name="bank_import"),
    path("bank/review/", views_bank.bank_review, name="bank_review"),
    path("bank/lines/<int:pk>/", views_bank.bank_line, name="bank_line"),
    path("bank/lines/<int:pk>/match/", views_bank.bank_line_match, name="bank_line_match"),
    path("bank/lines/<int:pk>/ignore/", views_bank.bank_line_ignore, name="bank_line_ignore"),
    path("invoices/", views_invoices.invoice_list, name="invoices"),
    path("invoices/export/", views_invoices.invoice_export, name="invoice_export"),
    path("invoices/settings/", views_invoices.invoice_settings, name="invoice_settings"),
    path(
        "invoices/settings/<int:park>/<str:kind>/",
        views_invoices.invoice_setting_edit,
        name="invoice_setting_edit",
    ),
    path("receivables/", views_receivables.receivables, name="receivables"),
]
