from django.urls import path

from . import views_complaints, views_complaints_dashboard, views_grading

app_name = "servicedesk"

urlpatterns = [
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
