from django.urls import path

from . import views, views_tokens

app_name = "org"

urlpatterns = [
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/confirm/", views.contact_confirm, name="contact_confirm"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_compliance, name="person_compliance"),
    path(
        "compliance-records/<int:pk>/evidence/",
        views.compliance_evidence,
        name="compliance_evidence",
    ),
    path("api-tokens/", views_tokens.token_list, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="api_token_revoke"),
]
