"""The enterprise's agreements in the portal, in the route policy table (see routes.py)."""

from parkflow.core.tests.routes import HIDDEN, PORTAL, Case, Route


def requested_line(w):
    """Park A's draft agreement with a service its enterprise asked for, not yet confirmed."""
    from .. import services
    from ..models import ServiceItem

    if "portal_requested_line" not in w._cache:
        made = w.agreement()
        org = w.agreement_people()
        item = ServiceItem.objects.create(park=w.park, code="meeting_room", name="会议室预订")
        w._cache["portal_requested_line"] = services.service_line_add(
            actor=org.drafter, agreement=made, item=item
        )
    return w._cache["portal_requested_line"]


def _signed_case(w, **kwargs):
    made = w.signed_agreement()
    return Case(
        kwargs,
        marker=made.number,
        enterprise=made.enterprise,
        actor=w.enterprise_user(made.enterprise),
    )


def _list(w):
    return _signed_case(w)


def _detail(w):
    return _signed_case(w, pk=w.signed_agreement().pk)


def _confirm(w):
    line = requested_line(w)
    enterprise = line.agreement.enterprise
    return Case(
        {"pk": line.agreement_id, "line_pk": line.pk},
        data={"POST": {}},
        enterprise=enterprise,
        actor=w.enterprise_user(enterprise),
    )


ROUTES = {
    "portal:agreements": Route(
        PORTAL, {"GET": 200}, "agreement.view", make=_list, other_park=HIDDEN
    ),
    "portal:agreement": Route(PORTAL, {"GET": 200}, "agreement.view", make=_detail),
    "portal:agreement_pdf": Route(PORTAL, {"GET": 200}, "agreement.download", make=_detail),
    "portal:agreement_line_confirm": Route(
        PORTAL, {"POST": 302}, "agreement.confirm_line", make=_confirm
    ),
}
