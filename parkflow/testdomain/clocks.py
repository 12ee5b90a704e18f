"""The errand's SLA clock (issue 8 §2): an answer is due within 3 working days of submission
(a parameter per grade, editable on the 时限设置 page). Started by the submit step, paused while
the park waits for the enterprise's documents, stopped when the errand is completed."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import sla
from parkflow.core.choices import SlaUnit
from parkflow.core.rules import Param

RESPONSE = sla.register(
    sla.Clock(
        code="testdomain.errand_response",
        model="testdomain.Errand",
        label=_("响应时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets={
            "normal": Param(int, 3, min=1, max=30, label=_("一般事项")),
            "urgent": Param(int, 1, min=1, max=30, label=_("紧急事项")),
        },
        permission="errand.submit",
        actions={
            "pause": "errand.wait",
            "resume": "errand.wait",
            "regrade": "errand.complete",
            "stop": "errand.complete",
        },
        articles=("Art.13",),
        requirement="R-SVC-1",
    )
)
