"""The service desk's part of the route policy table (core/tests/routes.py) and its builders
(``w.complaint()`` an open complaint of park A's marked enterprise, ``w.taken_complaint()`` one
its clerk took, ``w.major_plan()`` a major complaint's plan submitted to the leading group)."""

from . import routes_complaints, routes_complaints_api

ROUTES: dict = {
    # --- complaints (routes_complaints.py) ----------------------------------------------------
    **routes_complaints.ROUTES,
    **routes_complaints_api.ROUTES,
}


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
}
