"""Billing's periodic duty (R-MON-3): each park's bills for the month are issued in its first
working days (Art.14: fees settled per the agreement, per period). The task is fulfilled by the
park's completed bill run of the month (``services._fulfil_month``), its evidence the run."""

from django.utils.translation import gettext_lazy as _

from parkflow.duties.choices import Cadence, Evidence, UnitScope
from parkflow.duties.declarations import Duty, NthWorkingDay
from parkflow.org.choices import Role

MONTHLY_BILLS = "billing.monthly_bills"

DUTIES = [
    Duty(
        MONTHLY_BILLS,
        _("月度出账"),
        ("Art.14",),
        "R-BIL-1",
        Cadence.MONTHLY,
        NthWorkingDay(3),
        Role.FINANCE_STAFF,
        UnitScope.EACH_PARK,
        (Evidence.LINK, Evidence.NOTE),
        evidence_hint=_("本月出账批次：新出账单数与金额"),
        description=_("按已签署协议的费用明细为本园区出具本月账单；同一期间不得重复出账。"),
        link_model="billing.BillRun",
    ),
]
