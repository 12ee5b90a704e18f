"""Staff pages of billing."""

app_name = "billing"

urlpatterns = []

# --- statements and disputes (R-BIL-5): views_statements.py -----------------------------------
from django.urls import path  # noqa: E402

from . import views_statements  # noqa: E402

urlpatterns += [
    path("statements/", views_statements.statement_list, name="statements"),
    path("statements/issue/", views_statements.statement_issue, name="statement_issue"),
    path("statements/<int:pk>/", views_statements.statement_detail, name="statement"),
    path(
        "statements/<int:pk>/download/<str:fmt>/",
        views_statements.statement_download,
        name="statement_download",
    ),
    path(
        "statements/<int:pk>/supersede/",
        views_statements.statement_supersede,
        name="statement_supersede",
    ),
    path("disputes/", views_statements.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", views_statements.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/<str:step>/", views_statements.dispute_step, name="dispute_step"),
]
