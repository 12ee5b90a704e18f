"""The enterprise's resource pages in the portal, in the route policy table (see routes.py): the
booking page (free/busy of its park's meeting rooms — another enterprise's booking shows as busy,
never by name), 我的资源, withdrawing a request and reporting a deviation."""

from django.utils import timezone

from parkflow.core.tests.routes import PORTAL, Case, Route


def _tenant_user(w):
    if "tenant_user" not in w._cache:
        w._cache["tenant_user"] = w.enterprise_user(w.tenant())
    return w._cache["tenant_user"]


def _book_case(w):
    """Tomorrow's grid of park A's room, which the tenant booked 09:00–11:00: the stranger of the
    same park sees the hours busy and never the tenant's name (the marker)."""
    booking = w.booking()
    tenant = w.tenant()
    room = booking.resource
    day = timezone.localtime(booking.starts_at).date()
    return Case(
        marker=tenant.name,
        enterprise=tenant,
        actor=_tenant_user(w),
        data={
            "POST": {
                "date": day.isoformat(),
                "room": room.pk,
                "hour": 14,
                "hours": 1,
                "purpose": "部门例会",
            }
        },
    )


def _mine_case(w):
    made = w.pending_request()
    w.booking()
    return Case(marker=made.purpose, enterprise=made.enterprise, actor=_tenant_user(w))


def _cancel_case(w):
    made = w.pending_request()
    return Case(
        {"pk": made.pk, "name": "cancel"},
        data={"POST": {}},
        enterprise=made.enterprise,
        actor=_tenant_user(w),
    )


def _deviation_case(w):
    allocation = w.booking().allocation
    return Case(
        {"pk": allocation.pk},
        data={"POST": {"kind": "different", "description": "会议室与预订的不是同一间"}},
        enterprise=allocation.enterprise,
        actor=_tenant_user(w),
    )


ROUTES = {
    "portal:resource_book": Route(
        PORTAL,
        {"GET": 200, "POST": 302},
        {"GET": "resource.book", "POST": "resource_request.create"},
        make=_book_case,
    ),
    "portal:resources": Route(PORTAL, {"GET": 200}, "resource_request.view", make=_mine_case),
    "portal:resource_transition": Route(
        PORTAL, {"POST": 302}, "resource_request.cancel", make=_cancel_case
    ),
    "portal:resource_deviation_report": Route(
        PORTAL, {"POST": 302}, "deviation.report", make=_deviation_case
    ),
}
