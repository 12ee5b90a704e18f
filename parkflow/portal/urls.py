from django.urls import path

from . import views, views_invite

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("submit/", views.submit_for_review, name="submit"),
    path("apply/", views.apply, name="apply"),
    path("results/", views.results, name="results"),
    path("invite/<str:token>/", views_invite.invitation_accept, name="invitation_accept"),
]
