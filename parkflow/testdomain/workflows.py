"""The errand's workflow: draft → submitted → done, or returned and submitted again. Each step is
declared once; pages, API actions, buttons and audit labels are generated from it."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register

from .choices import ErrandStatus as S
from .gates import CHAIN
from .models import Errand


def has_assignee(actor, errand, **inputs):
    """No submission without someone to handle it."""
    if errand.assignee_id:
        return []
    return [Conflict("assignee_required", _("请先指定经办人，再提交事项。"), requirement="R-ORG-3")]


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
)
