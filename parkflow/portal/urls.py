from django.urls import path

from parkflow.core.workflow_views import page_urls
from parkflow.enterprises.models import Enterprise

from . import views, views_invite

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    # POST transitions/<name>/ for each portal-visible step of the lifecycle (workflows.py).
    *page_urls(Enterprise, views.transition, prefix="", portal=True),
    path("apply/", views.apply, name="apply"),
    path("results/", views.results, name="results"),
    path("invite/<str:token>/", views_invite.invitation_accept, name="invitation_accept"),
]
