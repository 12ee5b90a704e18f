from django.urls import path, re_path

from . import views
from .services import TRANSITION_LABELS

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/conflict/", views.enterprise_declare_conflict, name="declare_conflict"),
    path("<int:pk>/documents/", views.enterprise_document_upload, name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.enterprise_document_download,
        name="document_download",
    ),
    path("documents/<int:document_pk>/", views.document_owner, name="document"),
    re_path(
        r"^(?P<pk>\d+)/(?P<action>{})/$".format("|".join(TRANSITION_LABELS)),
        views.enterprise_transition,
        name="transition",
    ),
]
