"""The resource request's steps (R-RES-3): submitted → allocated (the gates passed, or a standing
approval covers it) or rejected; the requester may withdraw it while it is under review. The
allocation itself is written by the ``allocate`` step's effect, under the resource's lock."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register

from .choices import RequestStatus as S
from .gates import CHAIN
from .models import ResourceRequest


def in_good_standing(actor, request, **inputs):
    """R-ENT-5, Art.12: only an enterprise in good standing receives resources."""
    from parkflow.intake.guards import standing_problems

    problems = standing_problems(request.enterprise)
    if not problems:
        return []
    return [
        Conflict(
            "enterprise_not_in_good_standing",
            _("企业不符合资源分配条件：%(problems)s") % {"problems": "；".join(problems)},
            requirement="R-ENT-5",
        )
    ]


def justified(actor, request, **inputs):
    """R-RES-5: above entitlement only with a written justification."""
    if request.above_entitlement and not request.justification.strip():
        return [
            Conflict(
                "justification_required",
                _("超出客户等级权益的分配须填写书面理由。"),
                requirement="R-RES-5",
            )
        ]
    return []


def write_allocation(actor, request, **inputs):
    from .services import allocate

    allocate(actor=actor, request=request)


def close_open_reviews(actor, request, **inputs):
    """A withdrawn request is nobody's to review any more."""
    from parkflow.core import reviews

    reviews.withdraw_open(actor=actor, obj=request, reason="申请人撤回申请")


TRANSITIONS = register(
    Transition(
        model=ResourceRequest,
        name="allocate",
        source=(S.SUBMITTED,),
        target=S.ALLOCATED,
        label=_("分配资源"),
        permission="resource_request.create",
        gates=CHAIN,
        guards=(in_good_standing, justified),
        stamp_time="decided_at",
        effect=write_allocation,
        routes=False,  # the gates' consequence or a standing approval performs it
        requirement="R-RES-3",
        audit_summary=_("资源申请“{object}”已分配"),
    ),
    Transition(
        model=ResourceRequest,
        name="reject",
        source=(S.SUBMITTED,),
        target=S.REJECTED,
        label=_("不予分配"),
        permission="resource_request.create",
        stamp_time="decided_at",
        routes=False,
        requirement="R-RES-3",
        audit_summary=_("资源申请“{object}”未通过审查"),
    ),
    Transition(
        model=ResourceRequest,
        name="cancel",
        source=(S.SUBMITTED,),
        target=S.CANCELLED,
        label=_("撤回申请"),
        permission="resource_request.cancel",
        portal=True,
        stamp_time="decided_at",
        effect=close_open_reviews,
        audit_summary=_("{actor} 撤回了资源申请“{object}”"),
        done=_("资源申请“%(name)s”已撤回。"),
        portal_done=_("已撤回申请。"),
        portal_confirm=_("确定撤回这项资源申请？"),
        style="btn-outline-danger",
        icon="bi-x-circle",
    ),
)
