"""Staff pages of billing."""

app_name = "billing"

urlpatterns = []

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
