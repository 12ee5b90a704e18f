"""The enterprise's service-desk pages in the portal, in the route policy table (see routes.py):
filing a request with photos, my requests, one request and its photos, confirming and rating a
result, answering this month's call-back — another enterprise's request or photo is a 404."""

from parkflow.core.tests.routes import PORTAL, Case, Route

TITLE = "甲园标记报修"


def _own_user(w):
    if "desk_tenant_user" not in w._cache:
        w._cache["desk_tenant_user"] = w.enterprise_user(w.enterprise())
    return w._cache["desk_tenant_user"]


def _list(w):
    made = w.service_request()
    return Case(marker=TITLE, enterprise=made.enterprise, actor=_own_user(w))


def _create(w):
    from .factories import png

    enterprise = w.enterprise()
    return Case(
        data={
            "POST": lambda w: {
                "category": "repair",
                "title": "门禁故障",
                "description": "南门门禁刷卡无反应。",
                "photos": [png()],
            }
        },
        enterprise=enterprise,
        actor=_own_user(w),
        multipart=True,
    )


def _detail(w):
    made = w.service_request()
    return Case({"pk": made.pk}, enterprise=made.enterprise, actor=_own_user(w))


def _confirm(w):
    made = w.resolved_request()
    return Case(
        {"pk": made.pk},
        data={"POST": {"rating": "5", "comment": "处理及时"}},
        enterprise=made.enterprise,
        actor=_own_user(w),
    )


def _photo(w):
    photo = w.desk_photo()
    return Case(
        {"pk": photo.request_id, "photo_pk": photo.pk},
        enterprise=photo.request.enterprise,
        actor=_own_user(w),
    )


def _callback(w):
    callback = w.desk_callback()
    return Case(
        data={"POST": {"score": "5", "comment": ""}},
        enterprise=callback.enterprise,
        actor=_own_user(w),
    )


ROUTES = {
    "portal:servicedesk_requests": Route(PORTAL, {"GET": 200}, "service_request.view", make=_list),
    "portal:servicedesk_request_create": Route(
        PORTAL, {"GET": 200, "POST": 302}, "service_request.submit", make=_create
    ),
    "portal:servicedesk_request": Route(PORTAL, {"GET": 200}, "service_request.view", make=_detail),
    "portal:servicedesk_request_confirm": Route(
        PORTAL, {"POST": 302}, "service_request.confirm", make=_confirm
    ),
    "portal:servicedesk_photo": Route(PORTAL, {"GET": 200}, "service_request.view", make=_photo),
    "portal:servicedesk_callback": Route(
        PORTAL,
        {"GET": 200, "POST": 302},
        {"GET": "callback.view", "POST": "callback.record"},
        make=_callback,
    ),
}
