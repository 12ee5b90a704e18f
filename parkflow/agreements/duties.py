"""Agreements' periodic duty on the compliance calendar (R-MON-3): legal's quarterly written
re-review of each template's core clauses (Art.18(三), R-AGR-1). The opinions are recorded per
template (``services.template_rereview``); when every template in force has this quarter's, the
quarter's task is done with the last opinion linked."""

from django.utils.translation import gettext_lazy as _

from parkflow.duties.choices import Cadence, Evidence, UnitScope
from parkflow.duties.declarations import Duty, LastWorkingDay
from parkflow.org.choices import Role

TEMPLATE_DUTY = "agreements.quarterly_legal_review"


def _this_quarters_opinions(actor, task):
    from parkflow.core import access

    from .models import TemplateReReview

    return access.scope(
        actor,
        TemplateReReview.objects.filter(
            reviewed_on__gte=task.period_start, reviewed_on__lte=task.period_end
        ),
    )


DUTIES = [
    Duty(
        TEMPLATE_DUTY,
        _("协议核心条款季度合规复核"),
        ("Art.18(三)", "Art.8(一)"),
        "R-AGR-1",
        Cadence.QUARTERLY,
        LastWorkingDay(),
        Role.LEGAL_OFFICER,
        UnitScope.LEGAL_DEPARTMENT,
        (Evidence.LINK, Evidence.FILE),
        evidence_hint=_("对每个在用协议模板核心条款的书面复核意见"),
        description=_(
            "法律部每季度对在用协议模板的核心条款进行合规性复核，逐一出具书面意见；"
            "全部模板复核后自动完成。复核逾期的模板不能用于新协议。"
        ),
        link_model="agreements.TemplateReReview",
        link_candidates=_this_quarters_opinions,
    ),
]
