from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("submit/", views.submit_for_review, name="submit"),
    path("apply/", views.apply, name="apply"),
    path("results/", views.results, name="results"),
]
