"""The service desk's part of the service table (see ``parkflow.core.tests.service_table``):
each public service, the actor who may call it on park A's objects and those who may not —
refused with nothing written, allowed with one audit event of its action."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.servicedesk.services", "parkflow.servicedesk.services_complaints"]


def _refused(w):
    return [
        _s(w, Role.BUSINESS_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.enterprise_user(),
    ]


def _colleague(w):
    if "desk_colleague" not in w._cache:
        w._cache["desk_colleague"] = _s(w, Role.LEAD_STAFF)
    return w._cache["desk_colleague"]


def _offer(w):
    from .. import services

    if "desk_offer" not in w._cache:
        w._cache["desk_offer"] = services.transfer_offer(
            actor=w.clerk(), request=w.taken_request(), to_person=_colleague(w), reason="协调"
        )
    return w._cache["desk_offer"]


def _resolved(w):
    from .. import services

    return services.request_resolve(actor=w.clerk(), request=w.taken_request(), resolution="已修复")


def _callback(w):
    """This month's call-back of park A's marked enterprise (made as the monthly job makes it)."""
    from django.utils import timezone

    from ..models import CallBack

    if "callback" not in w._cache:
        enterprise = w.enterprise()
        w._cache["callback"] = CallBack.objects.create(
            park=w.park,
            enterprise=enterprise,
            period=f"{timezone.localdate():%Y-%m}",
            due_on=timezone.localdate(),
            created_at=timezone.now(),
        )
    return w._cache["callback"]


def _now():
    from django.utils import timezone

    return timezone.now()


P = "parkflow.servicedesk.services."

SERVICES = {
    P + "request_submit": Service(
        "service_request.submit",
        lambda w: {
            "enterprise": w.enterprise(),
            "category": "consultation",
            "title": "政策咨询",
            "description": "高新技术企业认定条件。",
        },
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
    ),
    P + "request_take": Service(
        "service_request.take",
        lambda w: {"request": w.service_request()},
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=_refused,
    ),
    P + "transfer_offer": Service(
        "service_request.transfer_offer",
        lambda w: {"request": w.taken_request(), "to_person": _colleague(w), "reason": "协调"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_refused(w), _s(w, Role.BUSINESS_STAFF)],  # not the owner
    ),
    P + "transfer_accept": Service(
        "service_request.transfer_accept",
        lambda w: {"transfer": _offer(w)},
        allowed=_colleague,
        refused=lambda w: [*_refused(w), _s(w, Role.LEAD_STAFF)],  # not the receiver
        before=True,
    ),
    P + "transfer_decline": Service(
        "service_request.transfer_decline",
        lambda w: {"transfer": _offer(w), "reason": "非本部门职责"},
        allowed=_colleague,
        refused=lambda w: [*_refused(w), _s(w, Role.LEAD_STAFF)],
        after=False,
    ),
    P + "request_resolve": Service(
        "service_request.resolve",
        lambda w: {"request": w.taken_request(), "resolution": "已修复"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_refused(w), _s(w, Role.BUSINESS_STAFF)],
    ),
    P + "request_confirm": Service(
        "service_request.confirm",
        lambda w: {"request": _resolved(w), "rating": 5},
        allowed=lambda w: w.enterprise_user(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF),
            w.clerk(),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    P + "callback_record": Service(
        "callback.record",
        lambda w: {"callback": _callback(w), "score": 4, "comment": "服务及时"},
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    P + "anomaly_report": Service(
        "anomaly.report",
        lambda w: {
            "park": w.park,
            "description": "消防通道被占用",
            "discovered_at": _now(),
        },
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [
            _s(w, Role.RISK_OFFICER, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    P + "callbacks_generate": Service(None, lambda w: {}, system=True, after=False),
    P + "requests_auto_close": Service(
        None,
        lambda w: {},
        system=True,
        after=False,
    ),
}


# ---------------------------------------------------------------------------------------------
# Complaints (R-CMP-1 … R-CMP-8)

C = "parkflow.servicedesk.services_complaints."


def _complaint_refused(w):
    return [
        _s(w, Role.BUSINESS_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.stranger_enterprise_user(),
    ]


def _complaint_colleague(w):
    if "complaint_colleague" not in w._cache:
        w._cache["complaint_colleague"] = _s(w, Role.LEAD_STAFF)
    return w._cache["complaint_colleague"]


def _complaint_offer(w):
    from .. import services_complaints

    if "complaint_offer" not in w._cache:
        w._cache["complaint_offer"] = services_complaints.complaint_transfer_offer(
            actor=w.clerk(),
            complaint=w.taken_complaint(),
            to_person=_complaint_colleague(w),
            reason="协调",
        )
    return w._cache["complaint_offer"]


def _resolved_complaint(w):
    from .. import services_complaints

    return services_complaints.complaint_resolve(
        actor=w.clerk(), complaint=w.taken_complaint(), resolution="已处理"
    )


def _waiting_complaint(w):
    from .. import services_complaints

    return services_complaints.complaint_wait(
        actor=w.clerk(), complaint=w.taken_complaint(), reason="等待企业照片"
    )


def _plan_of_fresh_major(w):
    """A fresh major complaint's plan, activated and not yet reported."""
    from .. import services_complaints

    made = services_complaints.complaint_record(
        actor=w.clerk(),
        enterprise=w.enterprise(),
        channel="phone",
        topic="safety",
        title="服务表重大投诉",
        text="配电房漏水。",
        complainant="王",
        received_at=_now(),
        safety=True,
    )
    services_complaints.complaint_take(actor=w.clerk(), complaint=made)
    return made.emergency_plan


def _approved_plan(w):
    from parkflow.org.tests.factories import staff

    from ..gates import PLAN_REVIEW
    from .factories import decide_all

    plan = w.major_plan()
    decide_all(plan, PLAN_REVIEW, staff(Role.GROUP_MEMBER, w.park))
    return plan


def _carried_out_plan(w):
    from .. import services_complaints

    return services_complaints.plan_carry_out(actor=w.clerk(), plan=_approved_plan(w))


def _downgrade_approval(w):
    """A requested downgrade approved by the in-charge leader, its consequence not yet applied."""
    from pytest import MonkeyPatch

    from parkflow.core import reviews
    from parkflow.org.tests.factories import staff

    from .. import services_complaints
    from ..gates import DOWNGRADE_APPROVAL
    from .factories import decide_all

    made = services_complaints.complaint_record(
        actor=w.clerk(),
        enterprise=w.enterprise(),
        channel="phone",
        topic="fees",
        title="服务表降级",
        text="多家企业反映收费。",
        complainant="赵",
        received_at=_now(),
        enterprises_affected=4,
        grade="general",
        grade_reason="核实仅一家",
    )
    with MonkeyPatch.context() as patch:
        patch.setattr(reviews, "apply_consequence", lambda **kwargs: None)
        decide_all(made, DOWNGRADE_APPROVAL, staff(Role.DEPUTY, w.park))
    return DOWNGRADE_APPROVAL.state(made).reviews[-1]


def _plan_rejection(w):
    from pytest import MonkeyPatch

    from parkflow.core import reviews
    from parkflow.org.tests.factories import staff

    from ..gates import PLAN_REVIEW
    from .factories import decide_all

    plan = w.major_plan()
    with MonkeyPatch.context() as patch:
        patch.setattr(reviews, "apply_consequence", lambda **kwargs: None)
        decide_all(plan, PLAN_REVIEW, staff(Role.DEPUTY, w.park), decision="reject")
    return PLAN_REVIEW.state(plan).reviews[-1]


def _article():
    from parkflow.core.models import Article

    return Article.objects.get(ref="Art.22")


def _hq_admin(w):
    return w.hq_staff(Role.SYSTEM_ADMIN)


def _owner_refused(w):
    return [*_complaint_refused(w), _s(w, Role.BUSINESS_STAFF)]  # not the owner


SERVICES.update(
    {
        C + "complaint_record": Service(
            "complaint.record",
            lambda w: {
                "enterprise": w.enterprise(),
                "channel": "phone",
                "topic": "attitude",
                "title": "前台态度",
                "text": "前台人员态度生硬。",
                "complainant": "陈",
                "received_at": _now(),
            },
            allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
            refused=_complaint_refused,
        ),
        C + "complaint_regrade": Service(
            "complaint.regrade",
            lambda w: {"complaint": w.complaint(), "grade": "significant", "reason": "涉及多家"},
            allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
            refused=lambda w: [*_complaint_refused(w), w.enterprise_user()],
            before=True,
        ),
        C + "complaint_take": Service(
            "complaint.take",
            lambda w: {"complaint": w.complaint()},
            allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
            refused=lambda w: [*_complaint_refused(w), w.enterprise_user()],
        ),
        C + "complaint_transfer_offer": Service(
            "complaint.transfer_offer",
            lambda w: {
                "complaint": w.taken_complaint(),
                "to_person": _complaint_colleague(w),
                "reason": "协调",
            },
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
        ),
        C + "complaint_transfer_accept": Service(
            "complaint.transfer_accept",
            lambda w: {"transfer": _complaint_offer(w)},
            allowed=_complaint_colleague,
            refused=lambda w: [*_complaint_refused(w), _s(w, Role.LEAD_STAFF)],
            before=True,
        ),
        C + "complaint_transfer_decline": Service(
            "complaint.transfer_decline",
            lambda w: {"transfer": _complaint_offer(w), "reason": "非本部门职责"},
            allowed=_complaint_colleague,
            refused=lambda w: [*_complaint_refused(w), _s(w, Role.LEAD_STAFF)],
            after=False,
        ),
        C + "complaint_respond": Service(
            "complaint.respond",
            lambda w: {"complaint": w.taken_complaint(), "text": "已安排检修"},
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
        ),
        C + "complaint_note_add": Service(
            "complaint.note",
            lambda w: {"complaint": w.complaint(), "text": "联系电话更正", "kind": "correction"},
            allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
            refused=lambda w: [*_complaint_refused(w), w.enterprise_user()],
        ),
        C + "complaint_wait": Service(
            "complaint.wait",
            lambda w: {"complaint": w.taken_complaint(), "reason": "等待企业照片"},
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
        ),
        C + "complaint_resume": Service(
            "complaint.resume",
            lambda w: {"complaint": _waiting_complaint(w)},
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
            after=False,
        ),
        C + "complaint_supplement": Service(
            "complaint.supplement",
            lambda w: {"complaint": w.complaint(), "text": "补充现场照片说明"},
            allowed=lambda w: w.enterprise_user(),
            refused=lambda w: [w.stranger_enterprise_user(), _nobody(w)],
        ),
        C + "major_event_report": Service(
            "emergency_plan.report",
            lambda w: {
                "plan": _plan_of_fresh_major(w),
                "control_measures": "断电隔离",
                "report_text": "配电房漏水，已隔离",
            },
            allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
            refused=lambda w: [*_complaint_refused(w), w.enterprise_user()],
        ),
        C + "plan_submit": Service(
            "emergency_plan.submit",
            lambda w: {"plan": w.major_plan(), "plan_text": "清理通道并增设监控。"},
            allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
            refused=lambda w: [*_complaint_refused(w), w.enterprise_user()],
        ),
        C + "plan_carry_out": Service(
            "emergency_plan.carry_out",
            lambda w: {"plan": _approved_plan(w)},
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
        ),
        C + "plan_complete": Service(
            "emergency_plan.complete",
            lambda w: {"plan": _carried_out_plan(w), "rectification": "通道已清理，标识已设"},
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
        ),
        C + "complaint_resolve": Service(
            "complaint.resolve",
            lambda w: {"complaint": w.taken_complaint(), "resolution": "已处理"},
            allowed=lambda w: w.clerk(),
            refused=_owner_refused,
        ),
        C + "complaint_confirm": Service(
            "complaint.confirm",
            lambda w: {"complaint": _resolved_complaint(w), "rating": 4},
            allowed=lambda w: w.enterprise_user(),
            refused=lambda w: [w.clerk(), _nobody(w), w.stranger_enterprise_user()],
        ),
        C + "complaint_reopen": Service(
            "complaint.reopen",
            lambda w: {"complaint": _resolved_complaint(w), "reason": "仍未解决"},
            allowed=lambda w: w.enterprise_user(),
            refused=lambda w: [w.clerk(), _nobody(w), w.stranger_enterprise_user()],
        ),
        C + "referral_open": Service(
            "complaint.refer",
            lambda w: {
                "complaint": w.complaint(),
                "responsible_person": w.clerk(),
                "article": _article(),
                "facts": "首问未落实",
            },
            allowed=lambda w: _s(w, Role.DEPT_HEAD),
            refused=lambda w: [
                _s(w, Role.DEPT_HEAD, w.other_park),
                _s(w, Role.BUSINESS_STAFF),
                _nobody(w),
                w.enterprise_user(),
            ],
        ),
        C + "grading_update": Service(
            "grading.update",
            lambda w: {"thresholds": {"enterprises": (2, 8)}, "reason": "收紧"},
            allowed=_hq_admin,
            refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _nobody(w), w.enterprise_user()],
            before=True,
        ),
        C + "complaint_downgrade_outcome": Service(
            "complaint.regrade",
            lambda w: {"actor": w.staff(Role.DEPUTY), "review": _downgrade_approval(w)},
            system=True,
            before=True,
        ),
        C + "plan_review_outcome": Service(
            "emergency_plan.send_back",
            lambda w: {"actor": w.staff(Role.DEPUTY), "review": _plan_rejection(w)},
            system=True,
        ),
        C + "complaints_auto_close": Service(None, lambda w: {}, system=True, after=False),
    }
)
# The service-request UI's entries (photos, the export), kept beside its routes.
from .service_table_requests import SERVICE_MODULES as _REQUEST_MODULES  # noqa: E402
from .service_table_requests import SERVICES as _REQUEST_SERVICES  # noqa: E402

SERVICE_MODULES += _REQUEST_MODULES
SERVICES |= _REQUEST_SERVICES
