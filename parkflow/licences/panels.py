"""What licence readings add to the enterprise page (discovered by core.registry): the latest
reading of a renewed licence (营业执照识别) — its progress while the worker reads it, then what
it says differently from the register, with the changes to apply for staff who may edit."""

from parkflow.core import access
from parkflow.core.registry import DetailPanel
from parkflow.enterprises.choices import EnterpriseStatus

from . import selectors
from .choices import ReadingStatus


def renewal_context(user, reading, enterprise) -> dict:
    done = reading.status == ReadingStatus.DONE
    rows = selectors.register_differences(reading, enterprise) if done else []
    return {
        "renewal": reading,
        "renewal_rows": rows,
        "can_renew": bool(rows)
        and enterprise.status != EnterpriseStatus.EXITED
        and access.may(user, "licence_reading.renew", reading)
        and access.may(user, "enterprise.edit", enterprise),
    }


def _renewal(request, enterprise):
    reading = selectors.latest_renewal(actor=request.user, enterprise=enterprise)
    if reading is None:
        return None
    return renewal_context(request.user, reading, enterprise)


DETAIL_PANELS = [
    DetailPanel(
        "enterprises.Enterprise",
        "licences.renewal",
        "licences/partials/_renewal_panel.html",
        _renewal,
        "main-top",
        20,
    ),
]
