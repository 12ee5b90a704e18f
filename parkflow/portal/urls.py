from django.urls import path, re_path

from parkflow.core.workflow_views import page_urls
from parkflow.enterprises.models import Enterprise
from parkflow.resources.models import ResourceRequest

from . import (
    views,
    views_agreements,
    views_billing,
    views_complaints,
    views_invite,
    views_licence,
    views_resources,
    views_servicedesk,
    views_statements,
    views_vas,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.document_upload, name="document_upload"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    # POST transitions/<name>/ for each portal-visible step of the lifecycle (workflows.py).
    *page_urls(Enterprise, views.transition, prefix="", portal=True),
    path("apply/", views.apply, name="apply"),
    # 上传营业执照自动识别 (issue 13): the upload, then the reading's progress (this session's only).
    path("apply/licence/", views_licence.licence_upload, name="apply_licence_upload"),
    re_path(
        r"^apply/licence/(?P<token>[0-9a-f]{32})/$",
        views_licence.licence_progress,
        name="apply_licence",
    ),
    path("results/", views.results, name="results"),
    path("agreements/", views_agreements.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views_agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/pdf/", views_agreements.agreement_pdf, name="agreement_pdf"),
    path(
        "agreements/<int:pk>/lines/<int:line_pk>/confirm/",
        views_agreements.line_confirm,
        name="agreement_line_confirm",
    ),
    # 资源预订 (R-RES-2 … R-RES-6): book a meeting room, my resources, withdraw, deviations.
    path("resources/", views_resources.resource_list, name="resources"),
    path("resources/book/", views_resources.resource_book, name="resource_book"),
    *page_urls(
        ResourceRequest,
        views_resources.transition,
        prefix=r"resources/requests/(?P<pk>\d+)/",
        portal=True,
        name="resource_transition",
    ),
    path(
        "resources/allocations/<int:pk>/deviations/",
        views_resources.deviation_report,
        name="resource_deviation_report",
    ),
    # 服务请求 and 月度回访 (R-SVC-1, R-SVC-2): file with photos, follow, confirm and rate.
    path("servicedesk/", views_servicedesk.request_list, name="servicedesk_requests"),
    path("servicedesk/new/", views_servicedesk.request_create, name="servicedesk_request_create"),
    path("servicedesk/<int:pk>/", views_servicedesk.request_detail, name="servicedesk_request"),
    path(
        "servicedesk/<int:pk>/confirm/",
        views_servicedesk.request_confirm,
        name="servicedesk_request_confirm",
    ),
    path(
        "servicedesk/<int:pk>/photos/<int:photo_pk>/",
        views_servicedesk.request_photo,
        name="servicedesk_photo",
    ),
    path("servicedesk/callback/", views_servicedesk.callback, name="servicedesk_callback"),
    # --- 投诉 (R-CMP-1, R-CMP-3): my complaints, file one, follow, add, confirm or reopen ---
    path("complaints/", views_complaints.complaint_list, name="complaints"),
    path("complaints/new/", views_complaints.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views_complaints.complaint_detail, name="complaint"),
    path(
        "complaints/<int:pk>/supplement/",
        views_complaints.complaint_supplement,
        name="complaint_supplement",
    ),
    path(
        "complaints/<int:pk>/confirm/",
        views_complaints.complaint_confirm,
        name="complaint_confirm",
    ),
    path(
        "complaints/<int:pk>/reopen/",
        views_complaints.complaint_reopen,
        name="complaint_reopen",
    ),
    # --- 增值服务 (R-VAS-1 … R-VAS-3): catalogue and prices, order, confirm or decline, rate ---
    path("vas/", views_vas.catalogue, name="vas_catalogue"),
    path("vas/order/", views_vas.order_create, name="vas_order_create"),
    path("vas/orders/", views_vas.order_list, name="vas_orders"),
    path("vas/orders/<int:pk>/", views_vas.order_detail, name="vas_order"),
    path("vas/orders/<int:pk>/confirm/", views_vas.order_confirm, name="vas_order_confirm"),
    path("vas/orders/<int:pk>/decline/", views_vas.order_decline, name="vas_order_decline"),
    path("vas/orders/<int:pk>/cancel/", views_vas.order_cancel, name="vas_order_cancel"),
    path("vas/orders/<int:pk>/rate/", views_vas.order_rate, name="vas_order_rate"),
    path("invite/<str:token>/", views_invite.invitation_accept, name="invitation_accept"),
    # --- 对账单 (R-BIL-5): my statements, download, dispute a line, my disputes -----------------
    path("statements/", views_statements.statement_list, name="statements"),
    path("statements/<int:pk>/", views_statements.statement_detail, name="statement"),
    path(
        "statements/<int:pk>/download/<str:fmt>/",
        views_statements.statement_download,
        name="statement_download",
    ),
    path(
        "statements/<int:pk>/lines/<int:line_pk>/dispute/",
        views_statements.statement_dispute,
        name="statement_dispute",
    ),
    path("statement-disputes/", views_statements.dispute_list, name="disputes"),
    path("statement-disputes/<int:pk>/", views_statements.dispute_detail, name="dispute"),
]

# --- billui: 账单 — my bills, a bill with its payments and adjustments, my payments, my prepaid
# balance (R-BIL-4, R-BIL-5, R-PLT-3) -----------------------------------------------------------
urlpatterns += [
    path("bills/", views_billing.bill_list, name="bills"),
    path("bills/<int:pk>/", views_billing.bill_detail, name="bill"),
    path("bills/payments/", views_billing.payment_list, name="bill_payments"),
    path("bills/balance/", views_billing.balance, name="bill_balance"),
]
