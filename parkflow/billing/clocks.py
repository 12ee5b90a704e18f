"""The statement dispute's SLA clocks (R-BIL-5, Art.14; the kernel's clocks, D39): finance takes
up an enterprise's dispute within 2 working days and settles it — an adjustment or a written
rejection — within 10 working days of its being raised. Both targets are parameters on the 时限设置
page; started when the enterprise raises the dispute, stopped when it is taken and settled."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import sla
from parkflow.core.choices import SlaUnit
from parkflow.core.rules import Param

DISPUTE_RESPONSE = sla.register(
    sla.Clock(
        code="billing.dispute_response",
        model="billing.StatementDispute",
        label=_("对账争议受理时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets={"dispute": Param(int, 2, min=1, max=30, label=_("对账争议"))},
        permission="dispute.handle",
        articles=("Art.14",),
        requirement="R-BIL-5",
    )
)

DISPUTE_RESOLUTION = sla.register(
    sla.Clock(
        code="billing.dispute_resolution",
        model="billing.StatementDispute",
        label=_("对账争议办结时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets={"dispute": Param(int, 10, min=1, max=90, label=_("对账争议"))},
        permission="dispute.handle",
        articles=("Art.14",),
        requirement="R-BIL-5",
    )
)
