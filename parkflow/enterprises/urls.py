from django.urls import path

from parkflow.core.workflow_views import page_urls

from . import views, views_import, views_portal
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
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/timeline/", views.enterprise_timeline, name="timeline"),
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
