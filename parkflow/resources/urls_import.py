"""Routes of the unit ledger's import (R-RES-1, R-PLT-5); included at the end of urls.py."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("import/", views.resource_import, name="import"),
    path("import/template/", views.resource_import_template, name="import_template"),
    path("import/<str:token>/", views.resource_import_job, name="import_job"),
    path("import/<str:token>/commit/", views.resource_import_commit, name="import_commit"),
]
