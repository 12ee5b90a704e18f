from django.urls import path

from parkflow.core.workflow_views import page_urls

from . import views, views_import, views_intake, views_portal
from .models import Enterprise

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("import/", views_import.import_start, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_batch, name="import_batch"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<int:pk>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("applications/", views_intake.application_list, name="applications"),
    path("results/", views_intake.result_list, name="results"),
    path("spot-checks/", views_intake.spot_check_list, name="spot_checks"),
    path("spot-checks/run/", views_intake.spot_check_run, name="spot_check_run"),
    path("brands/", views_intake.brand_list, name="brands"),
    path("tariffs/", views_intake.tariff_list, name="tariffs"),
    path("conflicts/", views_intake.conflict_list, name="conflicts"),
    path(
        "conflicts/<int:declaration_pk>/withdraw/",
        views.conflict_withdraw,
        name="conflict_withdraw",
    ),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/conflict/", views.enterprise_declare_conflict, name="declare_conflict"),
    path("<int:pk>/draws/<int:draw_pk>/rerun/", views.draw_rerun, name="draw_rerun"),
    path("<int:pk>/admission-fee/", views.admission_fee_charge, name="fee_charge"),
    path("<int:pk>/documents/", views.enterprise_document_upload, name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.enterprise_document_download,
        name="document_download",
    ),
    path("documents/<int:document_pk>/", views.document_owner, name="document"),
    path("<int:pk>/portal-invitation/", views_portal.invitation_create, name="invite"),
    path(
        "<int:pk>/portal-invitation/link/",
        views_portal.invitation_created,
        name="invitation_created",
    ),
    path(
        "<int:pk>/portal-invitation/<int:invitation_pk>/revoke/",
        views_portal.invitation_revoke,
        name="invitation_revoke",
    ),
    # POST <pk>/transitions/<name>/ for every declared step of the lifecycle (workflows.py).
    *page_urls(Enterprise, views.enterprise_transition),
]
