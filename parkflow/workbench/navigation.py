"""The top of the sidebar: the workbench and the to-do centre."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

SECTIONS = [NavSection("home", "", order=0)]

NAVIGATION = [
    NavEntry("home", _("工作台"), "workbench:home", "bi-grid-1x2", order=0),
    NavEntry(
        "home",
        _("待办中心"),
        "workbench:todo",
        "bi-inboxes",
        order=5,
        badge_url="workbench:todo_count",
    ),
]
