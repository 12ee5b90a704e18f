"""The review gates of a resource request (R-RES-3, Art.12 "重大资源需求必须通过领导小组审批"):

* ``RISK_REVIEW`` — a risk-control officer's reasonableness review before any allocation takes
  effect (pooled: any eligible officer; never the requester). It does not apply to a routine
  meeting-room booking a declared standing approval covers (standing.py, D47);
* ``LEADING_GROUP`` — after it, for a major allocation: a leading-group member who is not the
  requester approves. "Major" is decided from the gate's parameters, which an administrator sets
  on the 审查节点 page: area, value and duration thresholds.

What a decision means is the app's service, the gates' ``consequence`` (services.py)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import POOLED, Gate, register
from parkflow.core.rules import Param
from parkflow.org.choices import Role

LEADERS = (Role.PRINCIPAL, Role.DEPUTY, Role.GROUP_MEMBER)


def reviewed_content(request) -> dict:
    return {
        "park": request.park_id,
        "enterprise": request.enterprise_id,
        "resource": request.resource_id,
        "starts_at": request.starts_at.isoformat(),
        "ends_at": request.ends_at.isoformat(),
        "purpose": request.purpose,
        "justification": request.justification,
    }


def _decided(*, actor, review):
    from .services import request_review_outcome

    request_review_outcome(actor=actor, review=review)


def _not_standing(request, params) -> bool:
    from .standing import covering

    return covering(request) is None


def is_major(request, params) -> bool:
    """Area, value or duration at or above the leading group's thresholds."""
    resource = request.resource
    days = (request.ends_at - request.starts_at).total_seconds() / 86400
    return bool(
        (resource.area is not None and resource.area >= params["area"])
        or (resource.value is not None and resource.value >= params["value"])
        or days >= params["days"]
    )


RISK_REVIEW = register(
    Gate(
        code="resources.risk_review",
        label=_("资源调配合理性审查"),
        model="resources.ResourceRequest",
        reviewer_roles=(Role.RISK_OFFICER,),
        article="Art.12",
        requirement="R-RES-3",
        content=reviewed_content,
        mode=POOLED,
        initiators=("requested_by",),
        applies=_not_standing,
        condition=_("常规审批规则未覆盖的申请"),
        consequence=_decided,
    )
)

LEADING_GROUP = register(
    Gate(
        code="resources.leading_group",
        label=_("重大资源领导小组审批"),
        model="resources.ResourceRequest",
        reviewer_roles=LEADERS,
        article="Art.12",
        requirement="R-RES-3",
        content=reviewed_content,
        mode=POOLED,
        after=(RISK_REVIEW,),
        initiators=("requested_by",),
        params={
            "area": Param(int, 300, min=1, max=100000, label=_("面积阈值（平方米）")),
            "value": Param(int, 100000, min=1, max=10**10, label=_("价值阈值（元）")),
            "days": Param(int, 365, min=1, max=3650, label=_("期限阈值（天）")),
        },
        applies=is_major,
        condition=_("面积、价值或期限达到重大资源阈值"),
        consequence=_decided,
    )
)

CHAIN = (RISK_REVIEW, LEADING_GROUP)
