"""The kernel's sidebar entries: alerts, the audit chain, rules, review gates, the calendar, SLA
settings, the API docs."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection


def _active_alert_count(user):
    def count():
        from parkflow.core.alerts import alert_list

        return alert_list(actor=user).count()

    return count


SECTIONS = [
    NavSection("monitoring", _("监控预警"), order=20),
    NavSection("platform", _("平台"), order=90),
]

NAVIGATION = [
    NavEntry(
        "monitoring",
        _("预警中心"),
        "core:alert_list",
        "bi-bell",
        action="alert.view",
        order=10,
        match=("core:alert_detail",),
        badge=_active_alert_count,
    ),
    NavEntry(
        "platform", _("审计追踪"), "core:audit", "bi-shield-lock", action="audit.view", order=10
    ),
    NavEntry(
        "platform",
        _("规则配置"),
        "core:rules",
        "bi-sliders",
        action="rules.view",
        order=20,
        match=("core:rule_edit",),
    ),
    NavEntry(
        "platform",
        _("审查节点"),
        "core:gates",
        "bi-clipboard-check",
        action="rules.view",
        order=25,
        match=("core:gate_edit",),
    ),
    NavEntry(
        "platform",
        _("节假日安排"),
        "core:calendar",
        "bi-calendar3",
        action="calendar.view",
        order=30,
        match=("core:calendar_enter",),
    ),
    NavEntry(
        "platform",
        _("时限设置"),
        "core:sla_settings",
        "bi-stopwatch",
        action="sla.view",
        order=40,
        match=("core:sla_hours_edit", "core:sla_clock_edit"),
    ),
    NavEntry("platform", _("API 文档"), "api-docs", "bi-braces", order=90, external=True),
]
