"""The service desk's API routes in the route policy table (see routes.py): every route and
method on a real object of park A (``test_route_permissions``: the anonymous caller, no role,
another enterprise's user, park B staff holding the role, a park A reader acting with a park B
role, then the permitted person; refusals write nothing)."""

import datetime

from django.utils import timezone

from parkflow.core.tests.routes import API, HIDDEN, REFUSED, Case, Route
from parkflow.org.choices import Role as R

TITLE = "甲园标记报修"


def _requests(w):
    made = w.service_request()
    return Case(
        marker=TITLE,
        data={
            "POST": lambda w: {
                "enterprise": w.enterprise().pk,
                "category": "consultation",
                "title": "政策咨询",
                "description": "高新技术企业认定条件。",
            }
        },
        enterprise=made.enterprise,
    )


def _open(w):
    made = w.service_request()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _taken(w, data):
    made = w.taken_request()
    return Case({"pk": made.pk}, data=data, enterprise=made.enterprise, actor=w.clerk())


def _confirm(w):
    made = w.resolved_request()
    return Case(
        {"pk": made.pk},
        data={"POST": {"rating": 5, "comment": "处理及时"}},
        enterprise=made.enterprise,
        actor=w.enterprise_user(made.enterprise),
    )


def _transfers(w):
    offer = w.desk_offer()
    return Case(marker=TITLE, enterprise=offer.request.enterprise)


def _transfer(w, data=None):
    offer = w.desk_offer()
    return Case(
        {"pk": offer.pk}, data=data, enterprise=offer.request.enterprise, actor=offer.to_person
    )


def _callbacks(w):
    callback = w.desk_callback()
    return Case(marker=callback.enterprise.name, enterprise=callback.enterprise)


def _callback(w):
    callback = w.desk_callback()
    return Case(
        {"pk": callback.pk},
        data={"POST": {"score": 4, "comment": "服务及时"}},
        enterprise=callback.enterprise,
    )


def _anomalies(w):
    report = w.desk_anomaly()
    discovered = timezone.now() - datetime.timedelta(hours=2)
    return Case(
        marker=report.description,
        data={
            "POST": lambda w: {
                "park": w.park.pk,
                "description": "消防通道被占用",
                "discovered_at": discovered.isoformat(),
            }
        },
    )


ROUTES = {
    # --- service requests (R-SVC-1) --------------------------------------------------------
    "api:service-request-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "service_request.view", "POST": "service_request.submit"},
        R.BUSINESS_STAFF,
        _requests,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:service-request-detail": Route(
        API, {"GET": 200}, "service_request.view", R.AUDITOR, _open
    ),
    "api:service-request-take": Route(
        API, {"POST": 200}, "service_request.handle", R.BUSINESS_STAFF, _open
    ),
    "api:service-request-transfer": Route(
        API,
        {"POST": 201},
        "service_request.handle",
        R.BUSINESS_STAFF,
        lambda w: _taken(
            w, {"POST": lambda w: {"to_person": w.desk_colleague().pk, "reason": "涉及物业"}}
        ),
    ),
    "api:service-request-resolve": Route(
        API,
        {"POST": 200},
        "service_request.handle",
        R.BUSINESS_STAFF,
        lambda w: _taken(w, {"POST": {"resolution": "已更换灯管"}}),
    ),
    # The enterprise confirms and rates its own result; no staff role may.
    "api:service-request-confirm": Route(
        API, {"POST": 200}, "service_request.confirm", make=_confirm
    ),
    "api:service-transfer-list": Route(
        API, {"GET": 200}, "service_request.view", R.AUDITOR, _transfers, other_park=HIDDEN
    ),
    "api:service-transfer-detail": Route(
        API, {"GET": 200}, "service_request.view", R.AUDITOR, _transfer
    ),
    "api:service-transfer-accept": Route(
        API, {"POST": 200}, "service_request.handle", R.LEAD_STAFF, _transfer
    ),
    "api:service-transfer-decline": Route(
        API,
        {"POST": 200},
        "service_request.handle",
        R.LEAD_STAFF,
        lambda w: _transfer(w, {"POST": {"reason": "非本部门职责"}}),
    ),
    # --- monthly call-backs (R-SVC-2) ------------------------------------------------------
    "api:callback-list": Route(
        API, {"GET": 200}, "callback.view", R.AUDITOR, _callbacks, other_park=HIDDEN
    ),
    "api:callback-detail": Route(API, {"GET": 200}, "callback.view", R.AUDITOR, _callback),
    "api:callback-record": Route(
        API, {"POST": 200}, "callback.record", R.BUSINESS_STAFF, _callback
    ),
    # --- anomaly reports (R-SVC-3) ---------------------------------------------------------
    "api:anomaly-report-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "anomaly.view", "POST": "anomaly.report"},
        R.BUSINESS_STAFF,
        _anomalies,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
}
