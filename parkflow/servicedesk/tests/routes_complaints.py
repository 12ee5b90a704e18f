"""The complaint pages in the route policy table (see routes.py and
``parkflow.core.tests.routes``): every page and step on real objects of park A, built through
the services (``w.complaint()`` an open complaint of park A's marked enterprise,
``w.taken_complaint()`` one the clerk took, ``w.major_plan()`` a major complaint's plan under
the leading group's review)."""

import datetime

from django.utils import timezone

from parkflow.core.tests.routes import (
    ALLOWED,
    FORBIDDEN,
    HIDDEN,
    PORTAL,
    REFUSED,
    STAFF,
    Case,
    Route,
)
from parkflow.org.choices import Role as R

MARKER = "甲园标记投诉"


def _complaints_case(w):
    made = w.complaint()
    return Case(marker=made.title, enterprise=made.enterprise)


def _complaint_case(w):
    made = w.complaint()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _create_case(w):
    enterprise = w.enterprise()
    received = timezone.localtime() - datetime.timedelta(hours=1)
    return Case(
        data={
            "POST": {
                "enterprise": enterprise.pk,
                "channel": "phone",
                "received_at": received.strftime("%Y-%m-%dT%H:%M"),
                "topic": "property",
                "title": "电话登记的投诉",
                "text": "电梯异响。",
                "complainant": "赵经理",
                "enterprises_affected": "1",
            }
        }
    )


def _respond_case(w):
    """The owner (the clerk) answers park A's taken complaint."""
    made = w.taken_complaint()
    return Case(
        {"pk": made.pk, "step": "respond"},
        data={"POST": {"respond-text": "已联系物业，今日处理。"}},
        actor=w.clerk(),
        enterprise=made.enterprise,
    )


def _dashboard_case(w):
    """Two complaints of park A's marked enterprise: it is named among the repeat ones."""
    from .. import services_complaints

    made = w.complaint()
    services_complaints.complaint_record(
        actor=w.clerk(),
        enterprise=made.enterprise,
        channel="email",
        topic="fees",
        title="再次投诉",
        text="物业费重复扣款。",
        complainant="张经理",
        received_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return Case(marker=made.enterprise.name)


def _grading_case(w):
    from ..models import GradingCriterion

    data = {"reason": "按集团要求调整"}
    for row in GradingCriterion.objects.all():
        data[f"{row.criterion}-significant_at"] = str(row.significant_at or "")
        data[f"{row.criterion}-major_at"] = str(row.major_at or "")
    data["enterprises-significant_at"] = "2"
    return Case(data={"POST": data})


# --- the portal -------------------------------------------------------------------------------


def resolved_complaint(w):
    """Park A's complaint resolved by its owner: waiting for the enterprise's confirmation."""
    from .. import services_complaints

    if "resolved_complaint" not in w._cache:
        w._cache["resolved_complaint"] = services_complaints.complaint_resolve(
            actor=w.clerk(), complaint=w.taken_complaint(), resolution="已更换电梯控制板。"
        )
    return w._cache["resolved_complaint"]


def _owner_user(w, made):
    key = f"complaint_user_{made.enterprise_id}"
    if key not in w._cache:
        w._cache[key] = w.enterprise_user(made.enterprise)
    return w._cache[key]


def _portal_list_case(w):
    made = w.complaint()
    return Case(marker=made.title, enterprise=made.enterprise, actor=_owner_user(w, made))


def _portal_create_case(w):
    made = w.complaint()
    return Case(
        enterprise=made.enterprise,
        actor=_owner_user(w, made),
        data={"POST": {"topic": "fees", "title": "物业费重复扣款", "text": "11 月扣了两次。"}},
    )


def _portal_detail_case(w):
    made = w.complaint()
    return Case({"pk": made.pk}, enterprise=made.enterprise, actor=_owner_user(w, made))


def _portal_supplement_case(w):
    made = w.complaint()
    return Case(
        {"pk": made.pk},
        data={"POST": {"supplement-text": "补充：今天上午又困人一次。"}},
        enterprise=made.enterprise,
        actor=_owner_user(w, made),
    )


def _portal_confirm_case(w):
    made = resolved_complaint(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"confirm-rating": "4", "confirm-comment": "处理及时"}},
        enterprise=made.enterprise,
        actor=_owner_user(w, made),
    )


def _portal_reopen_case(w):
    made = resolved_complaint(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"reopen-reason": "电梯仍有异响。"}},
        enterprise=made.enterprise,
        actor=_owner_user(w, made),
    )


ROUTES: dict = {
    "servicedesk:complaints": Route(
        STAFF, {"GET": 200}, "complaint.view", R.AUDITOR, _complaints_case, other_park=HIDDEN
    ),
    "servicedesk:complaint_export": Route(
        STAFF, {"GET": 200}, "complaint.view", R.AUDITOR, _complaints_case, other_park=HIDDEN
    ),
    "servicedesk:complaint_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "complaint.record",
        R.BUSINESS_STAFF,
        _create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "servicedesk:complaint": Route(
        STAFF, {"GET": 200}, "complaint.view", R.AUDITOR, _complaint_case
    ),
    "servicedesk:complaint_step": Route(
        STAFF, {"POST": 302}, "complaint.handle", R.BUSINESS_STAFF, _respond_case
    ),
    "servicedesk:complaint_dashboard": Route(
        STAFF, {"GET": 200}, "complaint.view", R.AUDITOR, _dashboard_case, other_park=HIDDEN
    ),
    "servicedesk:grading": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "grading.view", "POST": "grading.manage"},
        R.SYSTEM_ADMIN,
        _grading_case,
        hq=True,
        other_park={"GET": ALLOWED, "POST": FORBIDDEN},
    ),
    # --- the portal ---------------------------------------------------------------------------
    "portal:complaints": Route(PORTAL, {"GET": 200}, "complaint.view", make=_portal_list_case),
    "portal:complaint_create": Route(
        PORTAL, {"GET": 200, "POST": 302}, "complaint.record", make=_portal_create_case
    ),
    "portal:complaint": Route(PORTAL, {"GET": 200}, "complaint.view", make=_portal_detail_case),
    "portal:complaint_supplement": Route(
        PORTAL, {"POST": 302}, "complaint.supplement", make=_portal_supplement_case
    ),
    "portal:complaint_confirm": Route(
        PORTAL, {"POST": 302}, "complaint.confirm", make=_portal_confirm_case
    ),
    "portal:complaint_reopen": Route(
        PORTAL, {"POST": 302}, "complaint.confirm", make=_portal_reopen_case
    ),
}
