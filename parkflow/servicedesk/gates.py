"""The review gates of complaints:

* ``DOWNGRADE_APPROVAL`` (R-CMP-2) — a grade below the one the matrix proposed takes effect
  only when a leader approves it; the person asking never signs.
* ``PLAN_REVIEW`` (R-CMP-5, Art.20(一)3 "重大投诉处理前，领导小组对解决方案进行合规性审查";
  Art.20(二) "未经审查不得实施") — a major complaint's resolution plan passes a leading-group
  member's review before it is carried out; its author never signs.

What a decision means is the app's service, the gates' ``consequence`` (services_complaints.py).
"""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import POOLED, Gate, register
from parkflow.org.choices import LEADER_ROLES, Role


def _downgrade_content(complaint) -> dict:
    return {
        "complaint": complaint.pk,
        "proposed": complaint.proposed_grade,
        "requested": complaint.requested_grade,
        "reason": complaint.grade_reason,
    }


def _downgrade_requested(complaint, params) -> bool:
    from .grading import is_below

    return bool(complaint.requested_grade) and is_below(
        complaint.requested_grade, complaint.proposed_grade
    )


def _downgrade_decided(*, actor, review):
    from .services_complaints import complaint_downgrade_outcome

    complaint_downgrade_outcome(actor=actor, review=review)


DOWNGRADE_APPROVAL = register(
    Gate(
        code="servicedesk.complaint_downgrade",
        label=_("投诉降级审批"),
        model="servicedesk.Complaint",
        reviewer_roles=(Role.PRINCIPAL, Role.DEPUTY),
        article="Art.17",
        requirement="R-CMP-2",
        content=_downgrade_content,
        mode=POOLED,
        initiators=("grade_requested_by",),
        applies=_downgrade_requested,
        condition=_("申请的等级低于分级矩阵建议的等级"),
        consequence=_downgrade_decided,
    )
)


def _plan_content(plan) -> dict:
    return {"complaint": plan.complaint_id, "plan": plan.plan_text}


def _plan_decided(*, actor, review):
    from .services_complaints import plan_review_outcome

    plan_review_outcome(actor=actor, review=review)


PLAN_REVIEW = register(
    Gate(
        code="servicedesk.major_plan_review",
        label=_("重大投诉解决方案领导小组审查"),
        model="servicedesk.EmergencyPlan",
        reviewer_roles=LEADER_ROLES,
        article="Art.20(一)3",
        requirement="R-CMP-5",
        content=_plan_content,
        mode=POOLED,
        initiators=("plan_author",),
        consequence=_plan_decided,
    )
)
