"""Staff pages of billing."""

app_name = "billing"

urlpatterns = []

# --- refunds, deposit returns and payouts (part "refunds", R-BIL-4) ----------------------------
from django.urls import path  # noqa: E402

from parkflow.core.workflow_views import page_urls  # noqa: E402

from . import views_refunds  # noqa: E402
from .models_refunds import Refund  # noqa: E402

urlpatterns += [
    path("refunds/", views_refunds.refund_list, name="refunds"),
    path("refunds/export.xlsx", views_refunds.refund_export, name="refund_export"),
    path("refunds/new/", views_refunds.refund_create, name="refund_create"),
    path("refunds/<int:pk>/", views_refunds.refund_detail, name="refund"),
    path("refunds/<int:pk>/edit/", views_refunds.refund_edit, name="refund_edit"),
    path("refunds/<int:pk>/release/", views_refunds.refund_release, name="refund_release"),
    # POST refunds/<pk>/transitions/<submit|resubmit|withdraw>/ (workflows.py)
    *page_urls(
        Refund,
        views_refunds.refund_transition,
        prefix=r"refunds/(?P<pk>\d+)/",
        name="refund_transition",
    ),  # fmt: skip
]
