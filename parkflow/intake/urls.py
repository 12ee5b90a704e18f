"""Intake pages. Mounted under ``enterprises/`` (parkflow/urls.py) so every path is what it was
before intake became its own app; only the route names moved to the ``intake:`` namespace."""

from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("applications/", views.application_list, name="applications"),
    path("results/", views.result_list, name="results"),
    path("spot-checks/", views.spot_check_list, name="spot_checks"),
    path("spot-checks/run/", views.spot_check_run, name="spot_check_run"),
    path("brands/", views.brand_list, name="brands"),
    path("tariffs/", views.tariff_list, name="tariffs"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path(
        "conflicts/<int:declaration_pk>/withdraw/",
        views.conflict_withdraw,
        name="conflict_withdraw",
    ),
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
]
