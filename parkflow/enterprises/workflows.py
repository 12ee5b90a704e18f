"""The enterprise lifecycle (R-ENT-1, R-ENT-3, R-ENT-5, R-EXT-2): every status change of an
enterprise is declared here, once, and performed by ``core.workflow.transition``. The page
buttons, the portal, the page routes and the API actions are generated from these
declarations (D32, D33). The admission steps (start_review, approve, reject) are intake's business:
``intake/workflows.py`` declares them on Enterprise and adds the admission gate and guard to
``move_in`` (``workflow.extend``), so this app names no intake concept."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.workflow import Transition, register

from .choices import EnterpriseStatus as S
from .models import Enterprise

# ---------------------------------------------------------------------------------------------
# Side effects, run inside the transition's transaction


def record_legacy_admission(actor, enterprise, admitted_on=None, batch=None, source_row=None):
    from .models import LegacyAdmission

    LegacyAdmission.objects.create(
        enterprise=enterprise, admitted_on=admitted_on, batch=batch, source_row=source_row
    )


LIFECYCLE = {
    "model": Enterprise,
    "permission": "enterprise.transition",
    "stamp_time": "status_changed_at",
    "requirement": "R-ENT-1",
}

register(
    Transition(
        **LIFECYCLE,
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
        **LIFECYCLE,
        name="move_in",
        source=(S.APPROVED,),
        target=S.RESIDENT,
        label=_("办理入驻"),
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
        **LIFECYCLE,
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
        **LIFECYCLE,
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
        **(LIFECYCLE | {"permission": "enterprise.import"}),
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
