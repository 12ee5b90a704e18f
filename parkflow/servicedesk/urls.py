from django.urls import path

from . import views_complaints

app_name = "servicedesk"

urlpatterns = [
    # --- complaints (R-CMP-1 … R-CMP-8) -----------------------------------------------------
    path("complaints/", views_complaints.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", views_complaints.complaint_detail, name="complaint"),
]
