from django.urls import path

from parkflow.core.workflow_views import page_urls
from parkflow.enterprises.models import Enterprise

from . import views, views_agreements, views_invite

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    # POST transitions/<name>/ for each portal-visible step of the lifecycle (workflows.py).
    *page_urls(Enterprise, views.transition, prefix="", portal=True),
    path("apply/", views.apply, name="apply"),
    path("results/", views.results, name="results"),
    path("agreements/", views_agreements.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views_agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/pdf/", views_agreements.agreement_pdf, name="agreement_pdf"),
    path(
        "agreements/<int:pk>/lines/<int:line_pk>/confirm/",
        views_agreements.line_confirm,
        name="agreement_line_confirm",
    ),
    path("invite/<str:token>/", views_invite.invitation_accept, name="invitation_accept"),
]
