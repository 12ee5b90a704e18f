"""The admission steps of the enterprise lifecycle (R-ENT-2, R-ENT-3, R-ENT-5): declared here, on
``enterprises.Enterprise``, because the licence, the brand flags, the reviewer draw and the
admission review are intake's. ``enterprises/workflows.py`` declares the rest of the lifecycle;
``move_in`` is declared there and intake adds what admission requires of it (the admission gate
and the licence/brand guard) through ``workflow.extend`` — enterprises imports nothing of
intake (D33)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import gates, workflow
from parkflow.core.choices import ReviewDecision
from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register

# The lifecycle must be declared before intake extends it.
from parkflow.enterprises import workflows as lifecycle
from parkflow.enterprises.choices import EnterpriseStatus as S
from parkflow.enterprises.models import Enterprise

from . import guards
from .gates import ADMISSION

# ---------------------------------------------------------------------------------------------
# Guards: (actor, enterprise, **inputs) -> the problems that stop the step


def admissible(actor, enterprise, **inputs):
    """Licence valid and no open brand flag (R-ENT-5)."""
    refusal = guards.admission_refusal(enterprise)
    return [refusal] if refusal else []


def licence_on_file(actor, enterprise, **inputs):
    """No review without a current business licence (R-ENT-2)."""
    problem = guards.licence_problem(enterprise)
    if not problem:
        return []
    return [
        Conflict(
            "licence_required", _("%(p)s，不能提交审核。") % {"p": problem}, requirement="R-ENT-2"
        )
    ]


def decided_against(actor, enterprise, **inputs):
    """A rejection rests on a rejecting or returning review decision (R-ENT-3)."""
    review = gates.latest_decision(enterprise, ADMISSION)
    if review is None or review.decision == ReviewDecision.APPROVE:
        return [
            Conflict(
                "reject_needs_review",
                _("只能依据“不通过”或“退回”的审查结论驳回申请。"),
                requirement="R-ENT-3",
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------
# Side effects, run inside the transition's transaction


def open_admission_review(actor, enterprise, count=None, seed=None, **inputs):
    """Art.10 双随机: draw the reviewers at random from the eligible pool and open one review
    for each in a new round."""
    from .services import _open_admission_review

    _open_admission_review(actor=actor, enterprise=enterprise, count=count, seed=seed)


LIFECYCLE = lifecycle.LIFECYCLE

register(
    Transition(
        **(LIFECYCLE | {"permission": "enterprise.submit"}),
        name="start_review",
        source=(S.APPLYING,),
        target=S.UNDER_REVIEW,
        label=_("提交资质审核"),
        guards=(licence_on_file,),
        effect=open_admission_review,
        inputs=("count", "seed"),
        portal=True,
        audit_summary=_("{actor} 将“{object}”提交资质审核"),
        done=_("已将“%(name)s”提交资质审核。"),
        portal_done=_("已提交资质审核，审核结果将在本页公示。"),
        portal_ready=_("材料已备齐，可以提交资质审核。审核人员由系统随机抽取。"),
        portal_confirm=_(
            "提交后资料将进入审核，审核期间企业名称、信用代码等信息不能再由您修改。确认提交吗？"
        ),
        hint=_(
            "提交后将发起“企业准入资质审核”，由风控、牵头部门或专项办公室人员审查（不得为客户经理或提交人）。"
        ),
        style="btn-primary",
        icon="bi-clipboard-check",
        api_path="submit-for-review",
        api_summary="Submit for the admission review (提交资质审核): applying → under review",
        api_description="Needs a current business licence (R-ENT-2). The reviewers are drawn at "
        "random from the eligible pool — not the submitter, not the account manager, nobody "
        "with a declared conflict or a lapsed compliance status — and the draw's seed and pool "
        "are recorded so anyone can re-run it (双随机, R-ENT-3). The caller cannot choose them.",
    ),
    Transition(
        **LIFECYCLE,
        name="approve",
        source=(S.UNDER_REVIEW,),
        target=S.APPROVED,
        label=_("审核通过"),
        guards=(admissible,),
        gates=(ADMISSION,),
        audit_summary=_("{actor} 确认“{object}”准入审核通过"),
        done=_("“%(name)s”准入审核已通过。"),
        hint=_("依据已通过且内容未变更的准入审查结论办理。"),
        irreversible=True,
        style="btn-success",
        icon="bi-check2-circle",
        api_summary="Approve (审核通过) — gated",
        api_description="Refused with 409 gate_not_passed / gate_rejected / gate_stale unless "
        "the latest admission review round approved the current content (R-CPL-1, R-ENT-3), "
        "and with 409 enterprise_not_admissible without a valid licence or with an open brand "
        "flag (R-ENT-5). Normally the reviewers' approval admits the enterprise by itself.",
    ),
    Transition(
        **LIFECYCLE,
        name="reject",
        source=(S.UNDER_REVIEW,),
        target=S.REJECTED,
        label=_("审核不通过"),
        guards=(decided_against,),
        audit_summary=_("{actor} 确认“{object}”准入审核不通过"),
        done=_("“%(name)s”准入审核未通过。"),
        hint=_("依据“不通过”或“退回”的审查结论驳回申请。"),
        irreversible=True,
        style="btn-danger",
        icon="bi-x-circle",
        api_summary="Reject (审核不通过)",
        api_description="Only on the strength of a rejecting or returning admission review.",
    ),
)

# Moving in needs what approval needed: the admission review still approving the current record
# (R-CPL-1), a valid licence and no open brand flag (R-ENT-5).
workflow.extend(Enterprise, "move_in", guards=(admissible,), gates=(ADMISSION,))
