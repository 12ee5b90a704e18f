"""What a reviewer of the sign-off gate sees, and a section of the errand's own page."""

from parkflow.core import access
from parkflow.core.registry import DetailPanel

from .gates import SIGNOFF


def signoff_panel(user, review, errand) -> dict | None:
    return {
        "template": "testdomain/_gate_panel.html",
        "errand": errand,
        "may_complete": access.may(user, "errand.complete", errand),
    }


GATE_PANELS = {SIGNOFF: signoff_panel}


def _handling(request, errand):
    return {"handled_by": errand.assignee}


DETAIL_PANELS = [
    DetailPanel(
        "testdomain.Errand", "testdomain.handling", "testdomain/_detail_panel.html", _handling
    ),
]
