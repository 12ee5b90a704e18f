"""routes_api of the resources part of the route policy table (see routes.py): every API route
and every method it serves, each on a real object of park A (``test_route_permissions``: the
anonymous caller, no role, another enterprise's user, park B staff holding the role, a park A
reader acting with a park B role, then the permitted person; refusals write nothing)."""

import datetime

from parkflow.core.tests.routes import API, HIDDEN, REFUSED, Case, Route
from parkflow.org.choices import Role as R

ROOM_MARKER = "甲园标记会议室"
TENANT_MARKER = "甲园资源标记科技有限公司"


def _iso(moment) -> str:
    return moment.isoformat()


# --- the catalogue and its calendar --------------------------------------------------------------


def _resources(w):
    w.room()
    return Case(
        marker=ROOM_MARKER,
        data={
            "POST": {
                "park": w.park.pk,
                "kind": "meeting_room",
                "code": "M-NEW",
                "name": "新会议室",
                "capacity": 8,
            }
        },
    )


def _resource(w):
    return Case({"pk": w.room().pk}, data={"PATCH": {"equipment": "投影仪、视频会议终端"}})


def _busy(w):
    """The room's calendar around the tenant's booking; another enterprise of the park may
    read it too (the periods only: the portal books from it)."""
    booking = w.booking()
    return Case({"pk": booking.resource_id}, enterprise=booking.enterprise)


# --- entitlements ----------------------------------------------------------------------------------


def _entitlements(w):
    w.room()  # grade B's meeting-room hours in park A
    return Case(data={"POST": {"park": w.park.pk, "grade": "a", "kind": "parking", "max_count": 2}})


# --- requests --------------------------------------------------------------------------------------


def _requests(w):
    from .factories import at

    booking = w.booking()

    def create(w):
        start = at(2, 14)
        return {
            "enterprise": booking.enterprise_id,
            "resource": booking.resource_id,
            "starts_at": _iso(start),
            "ends_at": _iso(start + datetime.timedelta(hours=1)),
            "purpose": "客户接待",
        }

    return Case(marker=TENANT_MARKER, data={"POST": create}, enterprise=booking.enterprise)


def _request(w):
    made = w.pending_request()
    return Case({"pk": made.pk}, data={"POST": {}}, enterprise=made.enterprise)


# --- allocations and deviations ------------------------------------------------------------------


def _allocations(w):
    booking = w.booking()
    return Case(marker=TENANT_MARKER, enterprise=booking.enterprise)


def _allocation(w):
    booking = w.booking()
    return Case(
        {"pk": booking.allocation.pk},
        data={"POST": {"reason": "会议取消"}},
        enterprise=booking.enterprise,
    )


def _deviations(w):
    made = w.deviation()
    return Case(
        marker=TENANT_MARKER,
        data={
            "POST": {
                "allocation": made.allocation_id,
                "kind": "late",
                "description": "会议室未按时开放",
            }
        },
        enterprise=made.enterprise,
    )


def _deviation(w):
    made = w.deviation()
    return Case(
        {"pk": made.pk},
        data={"POST": {"resolution": "已更换投影仪"}},
        enterprise=made.enterprise,
    )


ROUTES = {
    "api:resource-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "resource.view", "POST": "resource.manage"},
        R.LEAD_STAFF,
        _resources,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:resource-detail": Route(
        API,
        {"GET": 200, "PATCH": 200},
        {"GET": "resource.view", "PATCH": "resource.manage"},
        R.LEAD_STAFF,
        _resource,
    ),
    # An enterprise user of the park reads the periods (never the holder) to book.
    "api:resource-busy": Route(API, {"GET": 200}, "resource.view", R.AUDITOR, _busy, stranger=200),
    "api:entitlement-list": Route(
        API,
        {"GET": 200, "POST": 200},
        {"GET": "resource.view", "POST": "entitlement.manage"},
        R.LEAD_STAFF,
        _entitlements,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:resource-request-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "resource_request.view", "POST": "resource_request.create"},
        R.BUSINESS_STAFF,
        _requests,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:resource-request-detail": Route(
        API, {"GET": 200}, "resource_request.view", R.AUDITOR, _request
    ),
    "api:resource-request-cancel": Route(
        API, {"POST": 200}, "resource_request.cancel", R.BUSINESS_STAFF, _request
    ),
    "api:allocation-list": Route(
        API, {"GET": 200}, "allocation.view", R.AUDITOR, _allocations, other_park=HIDDEN
    ),
    "api:allocation-detail": Route(API, {"GET": 200}, "allocation.view", R.AUDITOR, _allocation),
    "api:allocation-release": Route(
        API, {"POST": 200}, "allocation.release", R.BUSINESS_STAFF, _allocation
    ),
    "api:deviation-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "deviation.view", "POST": "deviation.report"},
        R.BUSINESS_STAFF,
        _deviations,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:deviation-detail": Route(API, {"GET": 200}, "deviation.view", R.AUDITOR, _deviation),
    "api:deviation-resolve": Route(
        API, {"POST": 200}, "deviation.resolve", R.BUSINESS_STAFF, _deviation
    ),
}
