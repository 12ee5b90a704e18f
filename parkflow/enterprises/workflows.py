"""The enterprise lifecycle (R-ENT-1, R-ENT-3, R-ENT-5, R-EXT-2): every status change of an
enterprise is declared here, once, and performed by ``core.workflow.transition``. The page
buttons, the portal, the page routes and the API actions are generated from these
declarations (D27)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import gates
from parkflow.core.choices import ReviewDecision
from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register
from parkflow.intake.gates import ADMISSION

from . import guards
from .choices import EnterpriseStatus as S
from .models import Enterprise

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


def record_legacy_admission(actor, enterprise, admitted_on=None, batch=None, source_row=None):
    from .models import LegacyAdmission

    LegacyAdmission.objects.create(
        enterprise=enterprise, admitted_on=admitted_on, batch=batch, source_row=source_row
    )


_LIFECYCLE = {
    "model": Enterprise,
    "permission": "enterprise.transition",
    "stamp_time": "status_changed_at",
    "requirement": "R-ENT-1",
}

register(
    Transition(
        **_LIFECYCLE,
        name="apply",
        source=(S.PROSPECT, S.REJECTED),
        target=S.APPLYING,
        label=_("提交入驻申请"),
        audit_summary=_("{actor} 为“{object}”提交入驻申请"),
        done=_("已提交“%(name)s”的入驻申请。"),
        style="btn-primary",
        icon="bi-send",
        api_summary="Submit the admission application (提交入驻申请): prospect/rejected → applying",
    ),
    Transition(
        **(_LIFECYCLE | {"permission": "enterprise.submit"}),
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
        **_LIFECYCLE,
        name="approve",
        source=(S.UNDER_REVIEW,),
        target=S.APPROVED,
        label=_("审核通过"),
        guards=(admissible,),
        gate=ADMISSION,
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
        **_LIFECYCLE,
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
    Transition(
        **_LIFECYCLE,
        name="move_in",
        source=(S.APPROVED,),
        target=S.RESIDENT,
        label=_("办理入驻"),
        guards=(admissible,),
        gate=ADMISSION,
        audit_summary=_("{actor} 为“{object}”办理了入驻"),
        done=_("已为“%(name)s”办理入驻。"),
        hint=_("确认企业已完成入驻手续，状态将变为“在园”。"),
        irreversible=True,
        style="btn-success",
        icon="bi-door-open",
        api_summary="Move in (办理入驻) — gated: approved → resident",
        api_description="Refused like approve without a current approved admission review, a "
        "valid licence, or with an open brand flag (R-CPL-1, R-ENT-5).",
    ),
    Transition(
        **_LIFECYCLE,
        name="start_exit",
        source=(S.RESIDENT,),
        target=S.EXITING,
        label=_("启动退出"),
        audit_summary=_("{actor} 启动了“{object}”的退出流程"),
        done=_("已启动“%(name)s”的退出流程。"),
        hint=_("启动服务退出流程，企业状态将变为“退出中”。"),
        irreversible=True,
        style="btn-outline-danger",
        icon="bi-box-arrow-right",
        api_summary="Start the exit (启动退出): resident → exiting",
    ),
    Transition(
        **_LIFECYCLE,
        name="complete_exit",
        source=(S.EXITING,),
        target=S.EXITED,
        label=_("完成退出"),
        audit_summary=_("{actor} 办结了“{object}”的退出"),
        done=_("“%(name)s”已完成退出。"),
        hint=_("完成退出后企业档案不能再修改。"),
        irreversible=True,
        style="btn-danger",
        icon="bi-archive",
        api_summary="Complete the exit (完成退出): exiting → exited; the record is closed",
        api_description="Afterwards the record cannot be edited (R-EXT-2).",
    ),
    # Only the register import: a resident admitted before ParkFlow (LegacyAdmission, D26).
    Transition(
        **(_LIFECYCLE | {"permission": "enterprise.import"}),
        name="import_resident",
        source=(S.PROSPECT,),
        target=S.RESIDENT,
        label=_("导入历史入驻企业"),
        inputs=("admitted_on", "batch", "source_row"),
        audited_inputs=("admitted_on", "batch"),
        effect=record_legacy_admission,
        routes=False,
        reevaluate=False,
        audit_summary=_("{actor} 将“{object}”作为上线前已入驻的企业导入"),
    ),
)
