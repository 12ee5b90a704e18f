"""The staff pages of resources in the route policy table (see routes.py and
``parkflow.core.tests.routes``): every page and action on real objects of park A, built through
the services (``w.room()`` a meeting room, ``w.office_unit()`` a unit in A栋, ``w.booking()`` an
allocated booking, ``w.pending_request()`` a unit request under the risk review,
``w.deviation()`` an open deviation)."""

import datetime

from parkflow.core.tests.routes import ALLOWED, HIDDEN, REFUSED, STAFF, Case, Route
from parkflow.org.choices import Role as R

TENANT = "甲园资源标记科技有限公司"


def _org(w):
    return w.resource_people()


def granted_above_entitlement(w):
    """The tenant's unit request (above entitlement: grade B has no unit entitlement) granted
    by the risk officer: what the analysis counts."""
    from ..gates import RISK_REVIEW
    from .factories import decide_all

    key = "resources_granted_above"
    if key not in w._cache:
        made = w.pending_request()
        w._cache[key] = decide_all(made, RISK_REVIEW, _org(w).risk)
    return w._cache[key]


def _list_case(w):
    room = w.room()
    return Case(marker=room.name)


def _resource_case(w):
    return Case({"pk": w.room().pk})


def _calendar_case(w):
    unit = w.office_unit()
    return Case(marker=unit.name)


def _requests_case(w):
    made = w.pending_request()
    return Case(marker=made.enterprise.name, enterprise=made.enterprise)


def _request_case(w):
    made = w.pending_request()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _create_case(w):
    from .factories import at

    tenant = w.tenant()
    room = w.room()
    start = at(3, 14)
    return Case(
        data={
            "POST": {
                "enterprise": tenant.pk,
                "resource": room.pk,
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "purpose": "新产品发布会",
                "justification": "",
            }
        }
    )


def _release_case(w):
    made = w.booking()
    return Case(
        {"pk": made.pk}, data={"POST": {"reason": "企业取消会议"}}, enterprise=made.enterprise
    )


def _report_case(w):
    made = w.booking()
    return Case(
        {"pk": made.pk},
        data={"POST": {"kind": "late", "description": "会议室未按时开门"}},
        enterprise=made.enterprise,
    )


def _cancel_case(w):
    made = w.pending_request()
    return Case(
        {"pk": made.pk, "name": "cancel"}, data={"POST": {"reason": ""}}, enterprise=made.enterprise
    )


def _deviations_case(w):
    deviation = w.deviation()
    return Case(marker=deviation.description, enterprise=deviation.enterprise)


def _deviation_case(w):
    deviation = w.deviation()
    return Case(
        {"pk": deviation.pk},
        data={"POST": {"resolution": "已更换投影仪并致歉"}},
        enterprise=deviation.enterprise,
    )


def _entitlements_case(w):
    w.room()  # sets grade B's meeting-room hours in park A
    return Case(
        marker=str(w.park),
        data={
            "POST": lambda w: {
                "park": w.park.pk,
                "grade": "a",
                "kind": "parking",
                "monthly_hours": "",
                "max_count": "2",
                "max_area": "",
                "priority": "2",
            }
        },
    )


def _analysis_case(w):
    granted = granted_above_entitlement(w)
    return Case(marker=granted.enterprise.name)


ROUTES = {
    # --- the catalogue and the calendar -----------------------------------------------------
    "resources:list": Route(
        STAFF, {"GET": 200}, "resource.view", R.AUDITOR, _list_case, other_park=HIDDEN
    ),
    "resources:export": Route(
        STAFF, {"GET": 200}, "resource.view", R.AUDITOR, _list_case, other_park=HIDDEN
    ),
    "resources:resource": Route(STAFF, {"GET": 200}, "resource.view", R.AUDITOR, _resource_case),
    "resources:calendar": Route(
        STAFF, {"GET": 200}, "resource.view", R.AUDITOR, _calendar_case, other_park=HIDDEN
    ),
    # --- requests and allocations -------------------------------------------------------------
    "resources:requests": Route(
        STAFF,
        {"GET": 200},
        "resource_request.view",
        R.AUDITOR,
        _requests_case,
        other_park=HIDDEN,
    ),
    "resources:request_export": Route(
        STAFF,
        {"GET": 200},
        "resource_request.view",
        R.AUDITOR,
        _requests_case,
        other_park=HIDDEN,
    ),
    "resources:request_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "resource_request.create",
        R.BUSINESS_STAFF,
        _create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "resources:request": Route(
        STAFF, {"GET": 200}, "resource_request.view", R.AUDITOR, _request_case
    ),
    "resources:transition": Route(
        STAFF, {"POST": 302}, "resource_request.cancel", R.BUSINESS_STAFF, _cancel_case
    ),
    "resources:release": Route(
        STAFF, {"POST": 302}, "allocation.release", R.BUSINESS_STAFF, _release_case
    ),
    "resources:deviation_report": Route(
        STAFF, {"POST": 302}, "deviation.report", R.BUSINESS_STAFF, _report_case
    ),
    # --- deviations ---------------------------------------------------------------------------
    "resources:deviations": Route(
        STAFF, {"GET": 200}, "deviation.view", R.AUDITOR, _deviations_case, other_park=HIDDEN
    ),
    "resources:deviation": Route(STAFF, {"GET": 200}, "deviation.view", R.AUDITOR, _deviation_case),
    "resources:deviation_resolve": Route(
        STAFF, {"POST": 302}, "deviation.resolve", R.BUSINESS_STAFF, _deviation_case
    ),
    # --- entitlements and the analysis --------------------------------------------------------
    "resources:entitlements": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "resource.view", "POST": "entitlement.manage"},
        R.LEAD_STAFF,
        _entitlements_case,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "resources:analysis": Route(
        STAFF, {"GET": 200}, "resource.analyse", R.AUDITOR, _analysis_case, other_park=HIDDEN
    ),
    "resources:analysis_export": Route(
        STAFF,
        {"GET": 200},
        "resource.analyse",
        R.AUDITOR,
        _analysis_case,
        other_park=HIDDEN,
    ),
}
