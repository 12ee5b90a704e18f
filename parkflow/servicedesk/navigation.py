"""服务与投诉 in the sidebar (service requests add their entries to the same section)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

SECTIONS = [NavSection("servicedesk", _("服务与投诉"), order=50)]

NAVIGATION = [
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
