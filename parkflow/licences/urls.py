"""Staff pages of licence readings, mounted under ``licences/``. A reading is named by its
random token, never by its id."""

from django.urls import path, re_path

from . import views

app_name = "licences"

READING = r"(?P<token>[0-9a-f]{32})"

urlpatterns = [
    path("", views.upload, name="upload"),
    re_path(rf"^{READING}/$", views.reading_detail, name="reading"),
    re_path(rf"^{READING}/file/$", views.reading_file, name="reading_file"),
    re_path(rf"^{READING}/renewal/$", views.renewal_apply, name="renewal_apply"),
]
