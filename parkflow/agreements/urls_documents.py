"""Routes of the agreement's documents out (PDF, .docx, the signed scan) and of the import of
existing agreements (issue 9); included by urls.py."""

from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("<int:pk>/pdf/", views.agreement_pdf, name="pdf"),
    path("<int:pk>/docx/", views.agreement_docx, name="docx"),
    path("<int:pk>/scan/", views.agreement_scan, name="scan"),
    path("import/", views.agreement_import, name="import"),
    path("import/template/", views.agreement_import_template, name="import_template"),
    path("import/<str:token>/", views.agreement_import_job, name="import_job"),
    path("import/<str:token>/commit/", views.agreement_import_commit, name="import_commit"),
]
