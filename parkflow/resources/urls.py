from django.urls import path

from . import urls_import, views

app_name = "resources"

urlpatterns = [
    path("<int:pk>/", views.resource_detail, name="resource"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("deviations/<int:pk>/", views.deviation_detail, name="deviation"),
    *urls_import.urlpatterns,
]
