"""The service desk's part of the route policy table: no routes yet (pages, portal and API come
with the rest of issue 11); its builders for the service table."""

ROUTES: dict = {}


def service_request(w):
    """A request of park A's marked enterprise, submitted by the clerk (one per world)."""
    from .. import services

    if "service_request" not in w._cache:
        w._cache["service_request"] = services.request_submit(
            actor=w.clerk(),
            enterprise=w.enterprise(),
            category="repair",
            title="甲园标记报修",
            description="二楼走廊灯不亮。",
        )
    return w._cache["service_request"]


def taken_request(w):
    """Park A's request taken by its first responder (the clerk)."""
    from .. import services

    if "taken_request" not in w._cache:
        w._cache["taken_request"] = services.request_take(
            actor=w.clerk(), request=service_request(w)
        )
    return w._cache["taken_request"]


BUILDERS = {"service_request": service_request, "taken_request": taken_request}
