"""The errand's workflow: draft → submitted → done, or returned and submitted again; while
submitted it may wait for the enterprise's documents (waiting → submitted). Each step is declared
once; pages, API actions, buttons and audit labels are generated from it. The steps drive the
response clock (clocks.py) through their effects, in the step's transaction."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import sla
from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register

from .choices import ErrandStatus as S
from .clocks import RESPONSE
from .gates import CHAIN
from .models import Errand


def has_assignee(actor, errand, **inputs):
    """No submission without someone to handle it."""
    if errand.assignee_id:
        return []
    return [Conflict("assignee_required", _("请先指定经办人，再提交事项。"), requirement="R-ORG-3")]


# The steps' effects run in the step's transaction after the step was authorised (by
# ``transition()`` for the actor, or by whoever called ``perform()``): the step is the authority
# for the clock, so the effects say so instead of checking the actor a second time.
STEP = "the errand's workflow step"


def start_response_clock(actor, errand, **inputs):
    """Submitted: the answer is due in 3 working days (a resubmission keeps the running clock)."""
    sla.start(actor=actor, obj=errand, clock=RESPONSE, authorised_by=STEP)


def pause_response_clock(actor, errand, reason="", **inputs):
    sla.pause(actor=actor, obj=errand, clock=RESPONSE, reason=reason, authorised_by=STEP)


def resume_response_clock(actor, errand, reason="", **inputs):
    sla.resume(actor=actor, obj=errand, clock=RESPONSE, reason=reason, authorised_by=STEP)


def stop_response_clock(actor, errand, **inputs):
    """Completed: the clock's outcome (met or breached) is recorded once."""
    sla.stop(actor=actor, obj=errand, clock=RESPONSE, authorised_by=STEP)


TRANSITIONS = register(
    Transition(
        model=Errand,
        name="submit",
        source=(S.DRAFT, S.RETURNED),
        target=S.SUBMITTED,
        label=_("提交事项"),
        permission="errand.submit",
        guards=(has_assignee,),
        portal=True,
        stamp_time="submitted_at",
        effect=start_response_clock,
        audit_summary=_("{actor} 提交了事项“{object}”"),
        done=_("事项“%(name)s”已提交。"),
        icon="bi-send",
    ),
    Transition(
        model=Errand,
        name="complete",
        source=(S.SUBMITTED,),
        target=S.DONE,
        label=_("办结事项"),
        permission="errand.complete",
        gates=CHAIN,
        stamp_actor="done_by",
        effect=stop_response_clock,
        audit_action="errand.complete",
        done=_("事项“%(name)s”已办结。"),
        irreversible=True,
        style="btn-primary",
        icon="bi-check2",
    ),
    Transition(
        model=Errand,
        name="send_back",
        source=(S.SUBMITTED,),
        target=S.RETURNED,
        label=_("退回事项"),
        permission="errand.send_back",
        done=_("事项“%(name)s”已退回。"),
        style="btn-outline-danger",
        icon="bi-arrow-return-left",
    ),
    Transition(
        model=Errand,
        name="wait_for_materials",
        source=(S.SUBMITTED,),
        target=S.WAITING,
        label=_("等待企业补充材料"),
        permission="errand.wait",
        effect=pause_response_clock,
        audit_summary=_("{actor} 将事项“{object}”转为等待企业补充材料"),
        done=_("事项“%(name)s”已转为等待企业补充材料，响应时限暂停计时。"),
        hint=_("暂停响应时限，直到企业补齐材料。"),
        icon="bi-pause-circle",
    ),
    Transition(
        model=Errand,
        name="materials_received",
        source=(S.WAITING,),
        target=S.SUBMITTED,
        label=_("企业已补充材料"),
        permission="errand.wait",
        effect=resume_response_clock,
        audit_summary=_("{actor} 确认事项“{object}”的材料已补齐"),
        done=_("事项“%(name)s”的材料已补齐，响应时限恢复计时。"),
        icon="bi-play-circle",
    ),
)
