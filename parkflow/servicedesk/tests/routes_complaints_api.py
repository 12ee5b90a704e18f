"""The complaints API in the route policy table (see routes.py): every route and method on real
objects of park A — the anonymous caller, no role, another enterprise's user, park B staff
holding the role, a park A reader acting with a park B role, then the permitted person;
refusals write nothing."""

import datetime

from django.utils import timezone

from parkflow.core.tests.routes import ALLOWED, API, FORBIDDEN, HIDDEN, REFUSED, Case, Route
from parkflow.org.choices import Role as R

MARKER = "甲园标记投诉"


# --- builders --------------------------------------------------------------------------------


def complaint_colleague(w):
    """A colleague of the clerk in park A's front office (receives transfers)."""
    if "complaint_colleague" not in w._cache:
        w._cache["complaint_colleague"] = w.staff(R.LEAD_STAFF)
    return w._cache["complaint_colleague"]


def complaint_offer(w):
    """Park A's taken complaint offered by the clerk to the colleague, not yet answered."""
    from .. import services_complaints

    if "complaint_offer" not in w._cache:
        w._cache["complaint_offer"] = services_complaints.complaint_transfer_offer(
            actor=w.clerk(),
            complaint=w.taken_complaint(),
            to_person=complaint_colleague(w),
            reason="维修组负责",
        )
    return w._cache["complaint_offer"]


def waiting_complaint(w):
    from .. import services_complaints

    if "waiting_complaint" not in w._cache:
        w._cache["waiting_complaint"] = services_complaints.complaint_wait(
            actor=w.clerk(), complaint=w.taken_complaint(), reason="等企业提供照片"
        )
    return w._cache["waiting_complaint"]


def major_complaint(w):
    """A major complaint of park A taken by the clerk: its plan just activated."""
    from .. import services_complaints as sc

    if "major_complaint" not in w._cache:
        made = sc.complaint_record(
            actor=w.clerk(),
            enterprise=w.enterprise(),
            channel="visit",
            topic="safety",
            title="甲园重大投诉（新）",
            text="配电房漏水。",
            complainant="周总",
            received_at=timezone.now() - datetime.timedelta(hours=1),
            safety=True,
        )
        w._cache["major_complaint"] = sc.complaint_take(actor=w.clerk(), complaint=made)
    return w._cache["major_complaint"]


def approved_plan(w):
    """Park A's major plan approved by a leading-group member."""
    from .. import gates
    from .factories import decide_all

    if "approved_plan" not in w._cache:
        w._cache["approved_plan"] = decide_all(
            w.major_plan(), gates.PLAN_REVIEW, w.staff(R.GROUP_MEMBER)
        )
    return w._cache["approved_plan"]


def carried_plan(w):
    from .. import services_complaints as sc

    if "carried_plan" not in w._cache:
        w._cache["carried_plan"] = sc.plan_carry_out(actor=w.clerk(), plan=approved_plan(w))
    return w._cache["carried_plan"]


BUILDERS = {
    "complaint_colleague": complaint_colleague,
    "complaint_offer": complaint_offer,
    "waiting_complaint": waiting_complaint,
    "major_complaint": major_complaint,
    "approved_plan": approved_plan,
    "carried_plan": carried_plan,
}


# --- cases -----------------------------------------------------------------------------------


def _list(w):
    made = w.complaint()

    def create(w):
        return {
            "enterprise": made.enterprise_id,
            "channel": "phone",
            "topic": "fees",
            "title": "电话登记的投诉",
            "text": "物业费重复扣款。",
            "complainant": "赵经理",
            "received_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        }

    return Case(marker=MARKER, data={"POST": create}, enterprise=made.enterprise)


def _detail(w):
    made = w.complaint()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _on_open(data=None):
    def make(w):
        made = w.complaint()
        return Case({"pk": made.pk}, data={"POST": data or {}}, enterprise=made.enterprise)

    return make


def _by_owner(data=None, builder="taken_complaint"):
    def make(w):
        made = getattr(w, builder)()
        return Case(
            {"pk": made.pk}, data={"POST": data or {}}, actor=w.clerk(), enterprise=made.enterprise
        )

    return make


def _transfer(w):
    made = w.taken_complaint()
    colleague = complaint_colleague(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"to_person": colleague.pk, "reason": "维修组负责"}},
        actor=w.clerk(),
        enterprise=made.enterprise,
    )


def _receiver(data=None):
    def make(w):
        offer = complaint_offer(w)
        return Case(
            {"pk": offer.complaint_id},
            data={"POST": data or {}},
            actor=complaint_colleague(w),
            enterprise=offer.complaint.enterprise,
        )

    return make


def _refer(w):
    made = w.taken_complaint()
    return Case(
        {"pk": made.pk},
        data={
            "POST": lambda w: {
                "responsible_person": w.clerk().pk,
                "article": "Art.17",
                "facts": "未按时限响应。",
            }
        },
        enterprise=made.enterprise,
    )


def _by_enterprise(data, builder="complaint"):
    def make(w):
        made = getattr(w, builder)()
        return Case(
            {"pk": made.pk},
            data={"POST": data},
            actor=w.enterprise_user(made.enterprise),
            enterprise=made.enterprise,
        )

    return make


def _plans(w):
    plan = w.major_plan()
    return Case(marker=plan.complaint.title, enterprise=plan.complaint.enterprise)


def _plan(builder, data=None, owner=True):
    def make(w):
        found = getattr(w, builder)()
        plan = found.emergency_plan if hasattr(found, "emergency_plan") else found
        return Case(
            {"pk": plan.pk},
            data={"POST": data or {}},
            actor=w.clerk() if owner else None,
            enterprise=plan.complaint.enterprise,
        )

    return make


def _grading(w):
    return Case(
        data={
            "POST": {
                "thresholds": {"enterprises": {"significant_at": 2, "major_at": 8}},
                "reason": "收紧",
            }
        }
    )


HANDLE = "complaint.handle"

ROUTES = {
    "api:complaint-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "complaint.view", "POST": "complaint.record"},
        R.BUSINESS_STAFF,
        _list,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:complaint-detail": Route(API, {"GET": 200}, "complaint.view", R.AUDITOR, _detail),
    "api:complaint-take": Route(API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _on_open()),
    "api:complaint-transfer": Route(API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _transfer),
    "api:complaint-accept-transfer": Route(API, {"POST": 200}, HANDLE, R.LEAD_STAFF, _receiver()),
    "api:complaint-decline-transfer": Route(
        API, {"POST": 200}, HANDLE, R.LEAD_STAFF, _receiver({"reason": "不属本组职责"})
    ),
    "api:complaint-respond": Route(
        API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _by_owner({"text": "已安排维修。"})
    ),
    "api:complaint-note": Route(
        API,
        {"POST": 200},
        HANDLE,
        R.BUSINESS_STAFF,
        _by_owner({"text": "投诉人应为王经理。", "kind": "correction"}),
    ),
    "api:complaint-wait": Route(
        API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _by_owner({"reason": "等企业提供照片"})
    ),
    "api:complaint-resume": Route(
        API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _by_owner(builder="waiting_complaint")
    ),
    "api:complaint-regrade": Route(
        API,
        {"POST": 200},
        "complaint.grade",
        R.BUSINESS_STAFF,
        _on_open({"grade": "significant", "reason": "涉及多家企业"}),
    ),
    "api:complaint-resolve": Route(
        API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _by_owner({"resolution": "已修复。"})
    ),
    "api:complaint-refer": Route(API, {"POST": 201}, "complaint.refer", R.DEPT_HEAD, _refer),
    "api:complaint-confirm": Route(
        API,
        {"POST": 200},
        "complaint.confirm",
        None,
        _by_enterprise({"rating": 4, "comment": "及时"}, builder="resolved_complaint"),
    ),
    "api:complaint-reopen": Route(
        API,
        {"POST": 200},
        "complaint.confirm",
        None,
        _by_enterprise({"reason": "仍有异响"}, builder="resolved_complaint"),
    ),
    "api:complaint-supplement": Route(
        API, {"POST": 200}, "complaint.supplement", None, _by_enterprise({"text": "又困人一次"})
    ),
    # --- the emergency plan ----------------------------------------------------------------
    "api:complaint-plan-list": Route(
        API, {"GET": 200}, "complaint.view", R.AUDITOR, _plans, other_park=HIDDEN
    ),
    "api:complaint-plan-detail": Route(
        API, {"GET": 200}, "complaint.view", R.AUDITOR, _plan("major_plan", owner=False)
    ),
    "api:complaint-plan-report": Route(
        API,
        {"POST": 200},
        HANDLE,
        R.BUSINESS_STAFF,
        _plan("major_complaint", {"control_measures": "断电围挡", "report_text": "配电房漏水"}),
    ),
    "api:complaint-plan-submit": Route(
        API,
        {"POST": 200},
        HANDLE,
        R.BUSINESS_STAFF,
        _plan("major_plan", {"plan_text": "修订：清理通道并设置禁停标识、每日巡查。"}),
    ),
    "api:complaint-plan-carry-out": Route(
        API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _plan("approved_plan")
    ),
    "api:complaint-plan-complete": Route(
        API,
        {"POST": 200},
        HANDLE,
        R.BUSINESS_STAFF,
        _plan("carried_plan", {"rectification": "通道已清理并设置标识。"}),
    ),
    # --- the grading matrix ----------------------------------------------------------------
    "api:complaint-grading-list": Route(
        API, {"GET": 200}, "grading.view", R.AUDITOR, lambda w: Case(), other_park=ALLOWED
    ),
    "api:complaint-grading-change": Route(
        API,
        {"POST": 200},
        "grading.manage",
        R.SYSTEM_ADMIN,
        _grading,
        hq=True,
        other_park=FORBIDDEN,
    ),
}
