from django.urls import path

from . import urls_documents, views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("templates/versions/<int:pk>/", views.template_version_detail, name="template_version"),
    *urls_documents.urlpatterns,
]
