"""The deviation's SLA clock (R-RES-6, Art.12 "保障关键客户服务的连续性"): a delivery deviation is
resolved within N working days of its report, fewer for key customers (per grade, editable on
the 时限设置 page)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import sla
from parkflow.core.choices import SlaUnit
from parkflow.core.rules import Param

RESOLUTION = sla.register(
    sla.Clock(
        code="resources.deviation_resolution",
        model="resources.Deviation",
        label=_("偏差处理时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets={
            "key": Param(int, 1, min=1, max=30, label=_("重点客户")),
            "a": Param(int, 2, min=1, max=30, label=_("A级")),
            "b": Param(int, 3, min=1, max=30, label=_("B级")),
            "c": Param(int, 5, min=1, max=30, label=_("C级")),
        },
        grade=lambda deviation: deviation.enterprise.grade,
        permission="deviation.resolve",
        actions={"stop": "deviation.resolve"},
        articles=("Art.12",),
        requirement="R-RES-6",
    )
)
