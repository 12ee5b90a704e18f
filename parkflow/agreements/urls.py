from django.urls import path

from parkflow.core.workflow_views import page_urls

from . import urls_documents, views, views_reference
from .models import Agreement

app_name = "agreements"

urlpatterns = [
    # --- the ledger and one agreement -----------------------------------------------------
    path("", views.agreement_list, name="list"),
    path("export.xlsx", views.agreement_export, name="export"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/clauses/", views.agreement_clauses, name="clauses"),
    path("<int:pk>/lines/", views.line_add, name="line_add"),
    path("<int:pk>/lines/<int:line_pk>/remove/", views.line_remove, name="line_remove"),
    path("<int:pk>/lines/<int:line_pk>/note/", views.line_note, name="line_note"),
    path("<int:pk>/fees/new/", views.fee_add, name="fee_add"),
    path("<int:pk>/fees/<int:fee_pk>/", views.fee_edit, name="fee_edit"),
    path("<int:pk>/fees/<int:fee_pk>/remove/", views.fee_remove, name="fee_remove"),
    path("<int:pk>/sign/", views.agreement_sign, name="sign"),
    path("<int:pk>/amend/", views.agreement_amend, name="amend"),
    path(
        "<int:pk>/migration-review/",
        views.agreement_migration_review,
        name="migration_review",
    ),
    # POST <pk>/transitions/submit/ for every routed step (workflows.py).
    *page_urls(Agreement, views.agreement_transition),
    # --- templates (R-AGR-1) ----------------------------------------------------------------
    path("templates/", views_reference.template_list, name="templates"),
    path("templates/new/", views_reference.template_create, name="template_create"),
    path(
        "templates/versions/<int:pk>/",
        views_reference.template_version_detail,
        name="template_version",
    ),
    path(
        "templates/versions/<int:pk>/clauses/",
        views_reference.template_clauses,
        name="template_clauses",
    ),
    path(
        "templates/versions/<int:pk>/submit/",
        views_reference.template_submit,
        name="template_submit",
    ),
    path(
        "templates/versions/<int:pk>/new-version/",
        views_reference.template_new_version,
        name="template_new_version",
    ),
    path(
        "templates/versions/<int:pk>/rereview/",
        views_reference.template_rereview,
        name="template_rereview",
    ),
    # --- reference data ---------------------------------------------------------------------
    path("tariffs/", views_reference.tariff_list, name="tariffs"),
    path("service-items/", views_reference.service_item_list, name="service_items"),
    path("service-items/<int:pk>/", views_reference.service_item_edit, name="service_item_edit"),
    path("venues/", views_reference.venue_list, name="venues"),
    path("venues/<int:pk>/", views_reference.venue_edit, name="venue_edit"),
    *urls_documents.urlpatterns,
]
