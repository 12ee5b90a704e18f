"""The resources part of the route policy table (core/tests/routes.py): the staff pages, the
API and the portal keep their entries in their own modules, merged here; ``BUILDERS`` give every
case maker park A's resource objects (``w.resource_people()``, ``w.meeting_room()`` …)."""

from . import routes_api, routes_import, routes_pages, routes_portal


def resource_people(w):
    """Park A's resource people (one set per world), as ``factories.Org``."""
    from .factories import Org

    if "resource_people" not in w._cache:
        w._cache["resource_people"] = Org(w.park)
    return w._cache["resource_people"]


def room(w):
    """Park A's meeting room (one per world), with an 8-hour monthly entitlement for grade B."""
    from .factories import hours_entitlement, meeting_room

    if "room" not in w._cache:
        org = resource_people(w)
        hours_entitlement(org, hours="40")
        w._cache["room"] = meeting_room(org, code="甲园会议室", name="甲园标记会议室")
    return w._cache["room"]


def office_unit(w):
    from .factories import unit

    if "office_unit" not in w._cache:
        w._cache["office_unit"] = unit(resource_people(w), code="A-901", name="甲园标记单元")
    return w._cache["office_unit"]


def tenant(w):
    """Park A's enterprise in good standing (grade B) that the resource objects are for."""
    from .factories import admitted

    if "tenant" not in w._cache:
        w._cache["tenant"] = admitted(resource_people(w), name="甲园资源标记科技有限公司")
    return w._cache["tenant"]


def booking(w):
    """An allocated meeting-room booking of the tenant tomorrow 09:00–11:00 (standing rule)."""
    from .factories import at, book

    if "booking" not in w._cache:
        w._cache["booking"] = book(resource_people(w), tenant(w), room(w), at(1, 9))
    return w._cache["booking"]


def pending_request(w):
    """A request of the tenant for an office unit, waiting for the risk review."""
    from .factories import at, book

    if "pending_request" not in w._cache:
        w._cache["pending_request"] = book(
            resource_people(w),
            tenant(w),
            office_unit(w),
            at(5),
            hours=24 * 60,
            purpose="研发团队扩编",
            justification="新增研发团队，需临时办公空间",
        )
    return w._cache["pending_request"]


def deviation(w):
    from .. import services

    if "deviation" not in w._cache:
        w._cache["deviation"] = services.deviation_report(
            actor=resource_people(w).clerk,
            allocation=booking(w).allocation,
            kind="insufficient",
            description="投影仪无法使用",
        )
    return w._cache["deviation"]


BUILDERS = {
    "resource_people": resource_people,
    "room": room,
    "office_unit": office_unit,
    "tenant": tenant,
    "booking": booking,
    "pending_request": pending_request,
    "deviation": deviation,
}

ROUTES = {
    **routes_pages.ROUTES,
    **routes_api.ROUTES,
    **routes_portal.ROUTES,
    **routes_import.ROUTES,
}
