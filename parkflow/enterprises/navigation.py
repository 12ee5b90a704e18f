"""The enterprise register in the sidebar (section 企业管理, which intake's entries join) and its
workbench cards."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard

SECTIONS = [NavSection("enterprises", _("企业管理"), order=30)]

NAVIGATION = [
    NavEntry(
        "enterprises",
        _("企业名录"),
        "enterprises:list",
        "bi-buildings",
        action="enterprise.view",
        order=10,
        match=("enterprises:detail", "enterprises:edit"),
    ),
    NavEntry(
        "enterprises",
        _("企业建档"),
        "enterprises:create",
        "bi-plus-square",
        action="enterprise.create",
        order=30,
    ),
    NavEntry(
        "enterprises",
        _("名录导入"),
        "enterprises:import",
        "bi-file-earmark-arrow-up",
        action="enterprise.import",
        order=40,
        match=("enterprises:import_batch",),
    ),
]


def _status_counts(request) -> dict:
    """Enterprises in the user's scope by status; one query shared by both cards."""
    if not hasattr(request, "_enterprise_status_counts"):
        from parkflow.enterprises.selectors import enterprise_list

        qs = enterprise_list(actor=request.user).order_by().values_list("status")
        request._enterprise_status_counts = dict(qs.annotate(n=Count("*")))
    return request._enterprise_status_counts


def _kpi(request):
    from parkflow.enterprises.choices import EnterpriseStatus

    counts = _status_counts(request)
    return {
        "enterprise_count": sum(counts.values()),
        "under_review_count": counts.get(EnterpriseStatus.UNDER_REVIEW, 0),
    }


def _status_chart(request):
    from parkflow.enterprises.choices import EnterpriseStatus

    counts = _status_counts(request)
    return {
        "status_chart": {
            "type": "bar",
            "labels": [str(label) for _value, label in EnterpriseStatus.choices],
            "values": [counts.get(value, 0) for value, _label in EnterpriseStatus.choices],
            "colors": [EnterpriseStatus.chart_colours[v] for v in EnterpriseStatus.values],
        }
    }


WORKBENCH_CARDS = [
    WorkbenchCard(
        "enterprises.count",
        "kpi",
        "enterprises/partials/_workbench_kpi.html",
        _kpi,
        action="enterprise.view",
        order=40,
    ),
    WorkbenchCard(
        "enterprises.status_chart",
        "side",
        "enterprises/partials/_workbench_status_chart.html",
        _status_chart,
        action="enterprise.view",
        order=20,
    ),
]
