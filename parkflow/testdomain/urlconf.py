"""The project's URLconf plus the test-only domain's pages and API (pytest only)."""

from django.urls import include, path

from parkflow import urls as project

urlpatterns = [
    path("testdomain/", include("parkflow.testdomain.urls")),
    path("api/v1/", include("parkflow.testdomain.api_urls")),
    *(p for p in project.urlpatterns if str(p.pattern) != "api/v1/"),
]
