"""服务与投诉 in the sidebar: service requests, the transfers offered to me, the monthly call-backs,
anomaly reports, complaints, their analysis and the grading matrix."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard

SECTIONS = [NavSection("servicedesk", _("服务与投诉"), order=50)]

NAVIGATION = [
    # --- service requests (R-SVC-1) --------------------------------------------------------
    NavEntry(
        "servicedesk",
        _("服务请求"),
        "servicedesk:requests",
        "bi-headset",
        action="service_request.view",
        order=10,
        match=("servicedesk:request", "servicedesk:request_create"),
    ),
    NavEntry(
        "servicedesk",
        _("我的转办"),
        "servicedesk:transfers",
        "bi-arrow-left-right",
        action="service_request.handle",
        order=20,
    ),
    # --- monthly call-backs (R-SVC-2) ------------------------------------------------------
    NavEntry(
        "servicedesk",
        _("月度回访"),
        "servicedesk:callbacks",
        "bi-telephone-outbound",
        action="callback.view",
        order=30,
        match=("servicedesk:callback",),
    ),
    # --- anomaly reports (R-SVC-3) ---------------------------------------------------------
    NavEntry(
        "servicedesk",
        _("服务异常报告"),
        "servicedesk:anomalies",
        "bi-exclamation-octagon",
        action="anomaly.view",
        order=40,
        match=("servicedesk:anomaly_report",),
    ),
    # --- complaints (R-CMP-1 … R-CMP-8) ----------------------------------------------------
    NavEntry(
        "servicedesk",
        _("投诉处理"),
        "servicedesk:complaints",
        "bi-megaphone",
        action="complaint.view",
        order=60,
        match=("servicedesk:complaint", "servicedesk:complaint_create"),
    ),
    NavEntry(
        "servicedesk",
        _("投诉分析"),
        "servicedesk:complaint_dashboard",
        "bi-graph-up",
        action="complaint.view",
        order=70,
    ),
    NavEntry(
        "servicedesk",
        _("投诉分级矩阵"),
        "servicedesk:grading",
        "bi-grid-3x3",
        action="grading.view",
        order=80,
    ),
]


def _complaint_counts(request):
    from .selectors_complaints import complaint_counts

    return complaint_counts(actor=request.user)


WORKBENCH_CARDS = [
    WorkbenchCard(
        "servicedesk.complaints",
        "kpi",
        "servicedesk/partials/_workbench_kpi.html",
        _complaint_counts,
        action="complaint.view",
        order=56,
    ),
]
