"""Intake's periodic duty on the compliance calendar (R-MON-3): the quarterly "double random"
spot check (R-ENT-3, 第十条 "双随机、一公开"). Its evidence is the quarter's draw itself:
``spot_check_campaign_run`` links the campaign to the quarter's task when it draws it."""

from django.utils.translation import gettext_lazy as _

from parkflow.duties.choices import Cadence, Evidence, UnitScope
from parkflow.duties.declarations import Duty, NthWorkingDay
from parkflow.org.choices import Role

SPOT_CHECK_DUTY = "intake.spot_check"


def _this_quarters_draw(actor, task):
    from parkflow.core import access

    from .models import SpotCheckCampaign
    from .services import quarter_of

    return access.scope(
        actor, SpotCheckCampaign.objects.filter(quarter=quarter_of(task.period_start))
    )


DUTIES = [
    Duty(
        SPOT_CHECK_DUTY,
        _("双随机季度抽查"),
        ("Art.10",),
        "R-ENT-3",
        Cadence.QUARTERLY,
        NthWorkingDay(10),
        Role.OFFICE_STAFF,
        UnitScope.SPECIAL_OFFICE,
        (Evidence.LINK,),
        evidence_hint=_("本季度的随机抽查（抽样种子、抽查总体与抽中企业）"),
        description=_(
            "每季度从已入驻企业中随机抽取一定比例复核，并随机指定审查人；抽取后自动完成。"
        ),
        link_model="intake.SpotCheckCampaign",
        link_candidates=_this_quarters_draw,
    ),
]
