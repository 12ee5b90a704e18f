"""The staff home (我的待办): reviews waiting for me, my alerts, my compliance status, and the
cards the domains declare (``WORKBENCH_CARDS`` in their ``navigation.py``)."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html

from parkflow.core import access, gates, registry, todo
from parkflow.core import alerts as alert_services
from parkflow.core.choices import Severity
from parkflow.core.views import staff_page
from parkflow.org import compliance

SEVERITY_COLOURS = {
    "info": "#0b9fc6",
    "warning": "#f0a202",
    "high": "#e5484d",
    "critical": "#9b1c1c",
}


def cards_for(request) -> dict[str, list[dict]]:
    """The declared cards this user sees, by slot: ``{"kpi": [{"template", ...context}]}``."""
    slots: dict[str, list[dict]] = {}
    for card in registry.workbench_cards():
        if card.action and not access.may_somewhere(request.user, card.action):
            continue
        context = card.context(request) if card.context else {}
        if context is None:
            continue
        slots.setdefault(card.slot, []).append({"template": card.template, **context})
    return slots


@login_required
def home(request):
    user = request.user
    if access.is_enterprise_user(user):
        return redirect("portal:home")
    pending = gates.pending_for(user)
    alerts = alert_services.alert_list(actor=user)
    my_alerts = alerts.filter(Q(assignee=user) | Q(assignee__isnull=True))
    severity_counts = dict(alerts.order_by().values_list("severity").annotate(n=Count("*")))
    context = {
        "pending_count": pending.count(),
        "todo_top": todo.items(user, todo.PENDING, limit=8)[:8],
        "todo_count": todo.pending_count(user),
        "my_alert_count": my_alerts.count(),
        "my_alerts": list(my_alerts[:8]),
        "active_alert_count": sum(severity_counts.values()),
        "can_view_alerts": access.may_somewhere(user, "alert.view"),
        "my_compliance": compliance.my_status(user),
        "severity_chart": {
            "type": "pie",
            "data": [
                {"name": str(label), "value": severity_counts.get(value, 0)}
                for value, label in Severity.choices
                if severity_counts.get(value)
            ],
            "colors": [
                SEVERITY_COLOURS[v] for v, _label in Severity.choices if severity_counts.get(v)
            ],
        },
        "cards": cards_for(request),
    }
    return render(request, "workbench/home.html", context)


@staff_page()
def todo_center(request):
    """待办中心: what waits for me, what I handled, what I started, what I was copied on."""
    user = request.user
    tab = request.GET.get("tab", todo.PENDING)
    if tab not in todo.TABS:
        tab = todo.PENDING
    rows = todo.items(user, tab)
    shown = Counter(source.code for source, _item in rows)
    context = {
        "tab": tab,
        "tab_is_pending": tab == todo.PENDING,
        "tabs": [(key, label) for key, label in todo.TABS.items()],
        "rows": rows,
        "pending_count": todo.pending_count(user),
        # Sources cut at the limit point to their own full list.
        "cut": [s for s in todo.sources_for(user) if s.more_url and shown[s.code] >= todo.LIMIT],
    }
    return render(request, "workbench/todo.html", context)


@staff_page()
def todo_count(request):
    """The sidebar badge of the to-do centre (fetched after the page loads)."""
    count = todo.pending_count(request.user)
    if not count:
        return HttpResponse("")
    return HttpResponse(
        format_html('<span class="nav-badge">{}</span>', "99+" if count > 99 else count)
    )
