"""The compliance calendar in the sidebar, under 监控预警."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry

NAVIGATION = [
    NavEntry(
        "monitoring",
        _("合规日历"),
        "duties:calendar",
        "bi-calendar-check",
        action="duty.view",
        order=20,
        match=("duties:task_detail",),
    ),
    NavEntry(
        "monitoring",
        _("职责目录"),
        "duties:catalogue",
        "bi-journal-text",
        action="duty.view",
        order=30,
    ),
]
