"""The errand domain in the sidebar (its own section) and its card on the staff workbench."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard

SECTIONS = [NavSection("testdomain", _("园区事项"), order=85)]

NAVIGATION = [
    NavEntry(
        "testdomain",
        _("事项清单"),
        "testdomain:list",
        "bi-list-check",
        action="errand.view",
        order=10,
        match=("testdomain:detail",),
    ),
]


def _open_errands(request):
    from .choices import ErrandStatus
    from .selectors import errand_list

    mine = errand_list(actor=request.user).filter(status=ErrandStatus.SUBMITTED)
    return {"open_errands": mine.count()}


WORKBENCH_CARDS = [
    WorkbenchCard(
        "testdomain.open",
        "kpi",
        "testdomain/_workbench_card.html",
        _open_errands,
        action="errand.view",
        order=90,
    ),
]
