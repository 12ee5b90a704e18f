"""The service desk's part of the route policy table (core/tests/routes.py): the staff pages, the
API and the portal of service requests keep their entries in their own modules, merged here with
the complaints'; ``BUILDERS`` give every case maker park A's service-desk objects
(``w.complaint()`` an open complaint of park A's marked enterprise, ``w.taken_complaint()`` one
its clerk took, ``w.major_plan()`` a major complaint's plan submitted to the leading group)."""

from . import routes_api, routes_complaints, routes_complaints_api, routes_pages, routes_portal
from .routes_pages import TITLE


def service_request(w):
    """A request of park A's marked enterprise, submitted by the clerk (one per world)."""
    from .. import services

    if "service_request" not in w._cache:
        w._cache["service_request"] = services.request_submit(
            actor=w.clerk(),
            enterprise=w.enterprise(),
            category="repair",
            title=TITLE,
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


def desk_colleague(w):
    """A colleague of the clerk in park A who may handle requests (the transfer's receiver)."""
    from parkflow.org.choices import Role

    if "desk_colleague" not in w._cache:
        w._cache["desk_colleague"] = w.staff(Role.LEAD_STAFF)
    return w._cache["desk_colleague"]


def desk_offer(w):
    """The clerk's taken request offered to the colleague, pending."""
    from .. import services

    if "desk_offer" not in w._cache:
        w._cache["desk_offer"] = services.transfer_offer(
            actor=w.clerk(),
            request=taken_request(w),
            to_person=desk_colleague(w),
            reason="涉及物业工程部",
        )
    return w._cache["desk_offer"]


def resolved_request(w):
    from .. import services

    if "resolved_request" not in w._cache:
        w._cache["resolved_request"] = services.request_resolve(
            actor=w.clerk(), request=taken_request(w), resolution="已更换灯管"
        )
    return w._cache["resolved_request"]


def desk_photo(w):
    """A request of park A's marked enterprise filed in the portal with one photo."""
    from .. import services_photos
    from .factories import png

    if "desk_photo" not in w._cache:
        made = services_photos.request_submit_with_photos(
            actor=w.enterprise_user(),
            enterprise=w.enterprise(),
            category="repair",
            title="甲园标记带照片报修",
            description="卫生间漏水，见照片。",
            photos=[png()],
        )
        w._cache["desk_photo"] = made.photos.get()
    return w._cache["desk_photo"]


def desk_callback(w):
    """This month's call-back of park A's marked enterprise (as the monthly job makes it)."""
    from django.utils import timezone

    from ..models import CallBack

    if "callback" not in w._cache:
        w._cache["callback"] = CallBack.objects.create(
            park=w.park,
            enterprise=w.enterprise(),
            period=f"{timezone.localdate():%Y-%m}",
            due_on=timezone.localdate(),
            created_at=timezone.now(),
        )
    return w._cache["callback"]


def desk_anomaly(w):
    import datetime

    from django.utils import timezone

    from .. import services

    if "desk_anomaly" not in w._cache:
        w._cache["desk_anomaly"] = services.anomaly_report(
            actor=w.clerk(),
            park=w.park,
            description="甲园标记异常：电梯异响",
            discovered_at=timezone.now() - datetime.timedelta(hours=30),
            enterprise=w.enterprise(),
        )
    return w._cache["desk_anomaly"]


def complaint(w):
    """A complaint of park A's marked enterprise, taken by phone by the clerk (one per world)."""
    import datetime

    from django.utils import timezone

    from .. import services_complaints

    if "complaint" not in w._cache:
        w._cache["complaint"] = services_complaints.complaint_record(
            actor=w.clerk(),
            enterprise=w.enterprise(),
            channel="phone",
            topic="property",
            title="甲园标记投诉",
            text="电梯多次困人，物业响应慢。",
            complainant="张经理",
            received_at=timezone.now() - datetime.timedelta(hours=2),
        )
    return w._cache["complaint"]


def taken_complaint(w):
    """Park A's complaint taken by its first responder (the clerk)."""
    from .. import services_complaints

    if "taken_complaint" not in w._cache:
        w._cache["taken_complaint"] = services_complaints.complaint_take(
            actor=w.clerk(), complaint=complaint(w)
        )
    return w._cache["taken_complaint"]


def major_plan(w):
    """A major complaint of park A (a safety matter), taken by the clerk, reported, its plan
    submitted to the leading group."""
    import datetime

    from django.utils import timezone

    from .. import services_complaints as sc

    if "major_plan" not in w._cache:
        made = sc.complaint_record(
            actor=w.clerk(),
            enterprise=w.enterprise(),
            channel="visit",
            topic="safety",
            title="甲园重大投诉",
            text="消防通道长期被占用。",
            complainant="李总",
            received_at=timezone.now() - datetime.timedelta(hours=1),
            safety=True,
        )
        sc.complaint_take(actor=w.clerk(), complaint=made)
        plan = made.emergency_plan
        sc.major_event_report(
            actor=w.clerk(), plan=plan, control_measures="清理通道", report_text="消防隐患"
        )
        w._cache["major_plan"] = sc.plan_submit(
            actor=w.clerk(), plan=plan, plan_text="清理并设置禁停标识。"
        )
    return w._cache["major_plan"]


BUILDERS = {
    **routes_complaints_api.BUILDERS,
    "resolved_complaint": routes_complaints.resolved_complaint,
    "service_request": service_request,
    "taken_request": taken_request,
    "complaint": complaint,
    "taken_complaint": taken_complaint,
    "major_plan": major_plan,
    "desk_colleague": desk_colleague,
    "desk_offer": desk_offer,
    "resolved_request": resolved_request,
    "desk_photo": desk_photo,
    "desk_callback": desk_callback,
    "desk_anomaly": desk_anomaly,
}

ROUTES = {
    **routes_pages.ROUTES,
    **routes_api.ROUTES,
    **routes_portal.ROUTES,
    **routes_complaints.ROUTES,
    **routes_complaints_api.ROUTES,
}
