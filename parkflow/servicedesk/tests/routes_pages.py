"""The staff pages of the service desk in the route policy table (see routes.py and
``parkflow.core.tests.routes``): every page and step on real objects of park A, built through
the services (``w.service_request()`` open, ``w.taken_request()`` taken by the clerk,
``w.desk_offer()`` offered to a colleague, ``w.desk_callback()``, ``w.desk_anomaly()``)."""

import datetime

from django.utils import timezone

from parkflow.core.tests.routes import ALLOWED, HIDDEN, REFUSED, STAFF, Case, Route
from parkflow.org.choices import Role as R

TITLE = "甲园标记报修"


def _list(w):
    made = w.service_request()
    return Case(marker=TITLE, enterprise=made.enterprise)


def _create(w):
    return Case(
        data={
            "POST": lambda w: {
                "enterprise": w.enterprise().pk,
                "category": "consultation",
                "title": "政策咨询",
                "description": "高新技术企业认定条件。",
            }
        }
    )


def _open(w):
    made = w.service_request()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _taken(w, data=None):
    made = w.taken_request()
    return Case({"pk": made.pk}, data=data, enterprise=made.enterprise, actor=w.clerk())


def _transfer(w):
    return _taken(
        w, {"POST": lambda w: {"to_person": w.desk_colleague().pk, "reason": "涉及物业工程部"}}
    )


def _resolve(w):
    return _taken(w, {"POST": {"resolution": "已更换灯管"}})


def _photo(w):
    photo = w.desk_photo()
    return Case({"pk": photo.request_id, "photo_pk": photo.pk}, enterprise=photo.request.enterprise)


def _inbox(w):
    offer = w.desk_offer()
    return Case(marker=TITLE, actor=offer.to_person, enterprise=offer.request.enterprise)


def _answer(w, data=None):
    offer = w.desk_offer()
    return Case(
        {"pk": offer.pk}, data=data, actor=offer.to_person, enterprise=offer.request.enterprise
    )


def _callbacks(w):
    callback = w.desk_callback()
    return Case(marker=callback.enterprise.name, enterprise=callback.enterprise)


def _callback(w):
    callback = w.desk_callback()
    return Case(
        {"pk": callback.pk},
        data={"POST": {"score": "4", "comment": "服务及时"}},
        enterprise=callback.enterprise,
    )


def _anomalies(w):
    report = w.desk_anomaly()
    return Case(marker=report.description)


def _report(w):
    discovered = timezone.localtime(timezone.now() - datetime.timedelta(hours=2))
    return Case(
        data={
            "POST": lambda w: {
                "park": w.park.pk,
                "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"),
                "enterprise": "",
                "description": "消防通道被占用",
            }
        }
    )


ROUTES = {
    # --- service requests (R-SVC-1) --------------------------------------------------------
    "servicedesk:requests": Route(
        STAFF, {"GET": 200}, "service_request.view", R.AUDITOR, _list, other_park=HIDDEN
    ),
    "servicedesk:request_export": Route(
        STAFF, {"GET": 200}, "service_request.view", R.AUDITOR, _list, other_park=HIDDEN
    ),
    "servicedesk:request_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "service_request.submit",
        R.BUSINESS_STAFF,
        _create,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "servicedesk:request": Route(STAFF, {"GET": 200}, "service_request.view", R.AUDITOR, _open),
    "servicedesk:request_take": Route(
        STAFF, {"POST": 302}, "service_request.handle", R.BUSINESS_STAFF, _open
    ),
    "servicedesk:request_transfer": Route(
        STAFF, {"POST": 302}, "service_request.handle", R.BUSINESS_STAFF, _transfer
    ),
    "servicedesk:request_resolve": Route(
        STAFF, {"POST": 302}, "service_request.handle", R.BUSINESS_STAFF, _resolve
    ),
    "servicedesk:request_photo": Route(
        STAFF, {"GET": 200}, "service_request.view", R.AUDITOR, _photo
    ),
    # --- transfers offered to me -----------------------------------------------------------
    "servicedesk:transfers": Route(
        STAFF, {"GET": 200}, "service_request.handle", R.LEAD_STAFF, _inbox, other_park=HIDDEN
    ),
    "servicedesk:transfer_accept": Route(
        STAFF, {"POST": 302}, "service_request.handle", R.LEAD_STAFF, _answer
    ),
    "servicedesk:transfer_decline": Route(
        STAFF,
        {"POST": 302},
        "service_request.handle",
        R.LEAD_STAFF,
        lambda w: _answer(w, {"POST": {"reason": "非本部门职责"}}),
    ),
    # --- monthly call-backs (R-SVC-2) ------------------------------------------------------
    "servicedesk:callbacks": Route(
        STAFF, {"GET": 200}, "callback.view", R.AUDITOR, _callbacks, other_park=HIDDEN
    ),
    "servicedesk:callback": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "callback.view", "POST": "callback.record"},
        R.BUSINESS_STAFF,
        _callback,
    ),
    # --- anomaly reports (R-SVC-3) ---------------------------------------------------------
    "servicedesk:anomalies": Route(
        STAFF, {"GET": 200}, "anomaly.view", R.AUDITOR, _anomalies, other_park=HIDDEN
    ),
    "servicedesk:anomaly_report": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "anomaly.report",
        R.BUSINESS_STAFF,
        _report,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
}
