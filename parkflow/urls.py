from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from parkflow.core.forms import LoginForm

urlpatterns = [
    path("", include("parkflow.workbench.urls")),
    path("", include("parkflow.core.urls")),
    # Django's login view with refusals in plain Chinese (parkflow.core.forms.LoginForm).
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("parkflow.org.urls")),
    path("notifications/", include("parkflow.notifications.urls")),
    path("duties/", include("parkflow.duties.urls")),
    path("enterprises/", include("parkflow.enterprises.urls")),
    path("enterprises/", include("parkflow.intake.urls")),
    path("agreements/", include("parkflow.agreements.urls")),
    path("resources/", include("parkflow.resources.urls")),
    path("servicedesk/", include("parkflow.servicedesk.urls")),
    path("vas/", include("parkflow.vas.urls")),
    path("licences/", include("parkflow.licences.urls")),
    path("billing/", include("parkflow.billing.urls")),
    path("portal/", include("parkflow.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("parkflow.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
