"""The service desk's periodic duty (R-MON-3): every park calls back each resident enterprise
every month (Art.13 "建立服务满意度月度回访机制", R-SVC-2). The task is fulfilled by the service
itself when the park's last call-back of the month is recorded (``services.callback_record``);
the evidence is that call-back, and through it the month's list."""

from django.utils.translation import gettext_lazy as _

from parkflow.duties.choices import Cadence, Evidence, UnitScope
from parkflow.duties.declarations import Duty, LastWorkingDay
from parkflow.org.choices import Role

MONTHLY_CALLBACKS = "servicedesk.monthly_callbacks"

DUTIES = [
    Duty(
        MONTHLY_CALLBACKS,
        _("服务满意度月度回访"),
        ("Art.13",),
        "R-SVC-2",
        Cadence.MONTHLY,
        LastWorkingDay(),
        Role.BUSINESS_STAFF,
        UnitScope.EACH_PARK,
        (Evidence.LINK, Evidence.FILE, Evidence.NOTE),
        evidence_hint=_("本月回访企业清单、评分与意见汇总"),
        description=_("每家在园企业每月回访一次，记录评分（1–5分）与意见，低分跟进。"),
        link_model="servicedesk.CallBack",
    ),
]
