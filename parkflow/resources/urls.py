from django.urls import path

from parkflow.core.workflow_views import page_urls

from . import urls_import, views, views_analysis, views_calendar
from .models import ResourceRequest

app_name = "resources"

urlpatterns = [
    # --- the catalogue and the calendar (R-RES-1, R-RES-4) ----------------------------------
    path("", views.resource_list, name="list"),
    path("export.xlsx", views.resource_export, name="export"),
    path("<int:pk>/", views.resource_detail, name="resource"),
    path("calendar/", views_calendar.building_calendar, name="calendar"),
    # --- requests and allocations (R-RES-3 … R-RES-5) ---------------------------------------
    path("requests/", views.request_list, name="requests"),
    path("requests/export.xlsx", views.request_export, name="request_export"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/release/", views.allocation_release, name="release"),
    path("requests/<int:pk>/deviations/new/", views.deviation_report, name="deviation_report"),
    # POST requests/<pk>/transitions/cancel/ (workflows.py).
    *page_urls(ResourceRequest, views.request_transition, prefix=r"requests/(?P<pk>\d+)/"),
    # --- deviations (R-RES-6) ---------------------------------------------------------------
    path("deviations/", views.deviation_list, name="deviations"),
    path("deviations/<int:pk>/", views.deviation_detail, name="deviation"),
    path("deviations/<int:pk>/resolve/", views.deviation_resolve, name="deviation_resolve"),
    # --- entitlements and the analysis (R-RES-2, R-RES-5) -----------------------------------
    path("entitlements/", views_analysis.entitlement_list, name="entitlements"),
    path("analysis/", views_analysis.allocation_analysis, name="analysis"),
    path("analysis/export.xlsx", views_analysis.analysis_export, name="analysis_export"),
    # --- the unit ledger's Excel import (R-RES-1, R-PLT-5) ----------------------------------
    *urls_import.urlpatterns,
]
