"""服务协议 in the sidebar (the ledger, templates, tariffs, service items, venues) and a
workbench card with the agreements awaiting signature and those ending soon (scoped)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard

SECTIONS = [NavSection("agreements", _("服务协议"), order=40)]

NAVIGATION = [
    NavEntry(
        "agreements",
        _("协议台账"),
        "agreements:list",
        "bi-file-earmark-text",
        action="agreement.view",
        order=10,
        match=(
            "agreements:detail",
            "agreements:create",
            "agreements:edit",
            "agreements:clauses",
            "agreements:fee_add",
            "agreements:fee_edit",
            "agreements:sign",
        ),
    ),
    NavEntry(
        "agreements",
        _("协议模板"),
        "agreements:templates",
        "bi-journal-text",
        action="template.view",
        order=20,
        match=(
            "agreements:template_version",
            "agreements:template_create",
            "agreements:template_clauses",
        ),
    ),
    NavEntry(
        "agreements",
        _("收费标准"),
        "agreements:tariffs",
        "bi-cash-coin",
        action="price.view",
        order=30,
    ),
    NavEntry(
        "agreements",
        _("服务项目"),
        "agreements:service_items",
        "bi-ui-checks",
        action="agreement.view",
        order=40,
        match=("agreements:service_item_edit",),
    ),
    NavEntry(
        "agreements",
        _("争议解决机构"),
        "agreements:venues",
        "bi-bank",
        action="agreement.view",
        order=50,
        match=("agreements:venue_edit",),
    ),
]


def _counts(request):
    from .selectors import agreement_counts

    return agreement_counts(actor=request.user)


WORKBENCH_CARDS = [
    WorkbenchCard(
        "agreements.counts",
        "kpi",
        "agreements/partials/_workbench_kpi.html",
        _counts,
        action="agreement.view",
        order=50,
    ),
]
