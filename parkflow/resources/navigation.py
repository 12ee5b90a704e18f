"""资源调配 in the sidebar (catalogue, calendar, requests, deviations, entitlements, the
analysis) and a workbench card: requests under review, open deviations, above-entitlement grants
this month (scoped)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard

SECTIONS = [NavSection("resources", _("资源调配"), order=45)]

NAVIGATION = [
    NavEntry(
        "resources",
        _("资源目录"),
        "resources:list",
        "bi-grid-3x3-gap",
        action="resource.view",
        order=10,
        match=("resources:resource",),
    ),
    NavEntry(
        "resources",
        _("占用日历"),
        "resources:calendar",
        "bi-calendar3",
        action="resource.view",
        order=20,
    ),
    NavEntry(
        "resources",
        _("资源申请"),
        "resources:requests",
        "bi-inboxes",
        action="resource_request.view",
        order=30,
        match=("resources:request", "resources:request_create"),
    ),
    NavEntry(
        "resources",
        _("交付偏差"),
        "resources:deviations",
        "bi-exclamation-diamond",
        action="deviation.view",
        order=40,
        match=("resources:deviation",),
    ),
    NavEntry(
        "resources",
        _("资源权益"),
        "resources:entitlements",
        "bi-award",
        action="resource.view",
        order=50,
    ),
    NavEntry(
        "resources",
        _("资源分配分析"),
        "resources:analysis",
        "bi-bar-chart-line",
        action="resource.analyse",
        order=60,
    ),
]


def _counts(request):
    from .selectors import resource_counts

    return resource_counts(actor=request.user)


WORKBENCH_CARDS = [
    WorkbenchCard(
        "resources.counts",
        "kpi",
        "resources/partials/_workbench_kpi.html",
        _counts,
        action="resource_request.view",
        order=55,
    ),
]
