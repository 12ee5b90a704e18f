"""The service desk's staff pages, grouped by area."""

from django.urls import path

from . import (
    views_anomalies,
    views_callbacks,
    views_complaints,
    views_complaints_dashboard,
    views_grading,
    views_requests,
)

app_name = "servicedesk"

urlpatterns = [
    # --- service requests (R-SVC-1) --------------------------------------------------------
    path("requests/", views_requests.request_list, name="requests"),
    path("requests/export.xlsx", views_requests.request_export, name="request_export"),
    path("requests/new/", views_requests.request_create, name="request_create"),
    path("requests/<int:pk>/", views_requests.request_detail, name="request"),
    path("requests/<int:pk>/take/", views_requests.request_take, name="request_take"),
    path("requests/<int:pk>/transfer/", views_requests.request_transfer, name="request_transfer"),
    path("requests/<int:pk>/resolve/", views_requests.request_resolve, name="request_resolve"),
    path(
        "requests/<int:pk>/photos/<int:photo_pk>/",
        views_requests.request_photo,
        name="request_photo",
    ),
    # --- transfers offered to me (R-SVC-1) -------------------------------------------------
    path("transfers/", views_requests.transfer_inbox, name="transfers"),
    path("transfers/<int:pk>/accept/", views_requests.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", views_requests.transfer_decline, name="transfer_decline"),
    # --- monthly call-backs (R-SVC-2) ------------------------------------------------------
    path("callbacks/", views_callbacks.callback_list, name="callbacks"),
    path("callbacks/<int:pk>/", views_callbacks.callback_detail, name="callback"),
    # --- anomaly reports (R-SVC-3) ---------------------------------------------------------
    path("anomalies/", views_anomalies.anomaly_list, name="anomalies"),
    path("anomalies/new/", views_anomalies.anomaly_report, name="anomaly_report"),
    # --- complaints (R-CMP-1 … R-CMP-8) -----------------------------------------------------
    path("complaints/", views_complaints.complaint_list, name="complaints"),
    path("complaints/export.xlsx", views_complaints.complaint_export, name="complaint_export"),
    path("complaints/new/", views_complaints.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views_complaints.complaint_detail, name="complaint"),
    # POST complaints/<pk>/<step>/: take, transfer, accept, decline, respond, note, wait,
    # resume, regrade, report, submit, carry_out, complete, resolve, refer (views_complaints).
    path(
        "complaints/<int:pk>/<slug:step>/",
        views_complaints.complaint_step,
        name="complaint_step",
    ),
    path(
        "complaints/analysis/",
        views_complaints_dashboard.complaint_dashboard,
        name="complaint_dashboard",
    ),
    path("complaints/grading/", views_grading.grading_matrix, name="grading"),
]
