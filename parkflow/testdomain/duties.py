"""A periodic duty of the test domain (R-MON-3): each park reviews its open errands every
month, and the evidence is the errand that records the review — a link the domain fills through
``duties.services.task_fulfil`` or the owner picks on the task page."""

from django.utils.translation import gettext_lazy as _

from parkflow.duties.choices import Cadence, Evidence, UnitScope
from parkflow.duties.declarations import Duty, LastWorkingDay
from parkflow.org.choices import Role

DUTIES = [
    Duty(
        "testdomain.errand_review",
        _("园区事项月度检查"),
        ("Art.20",),
        "R-MON-3",
        Cadence.MONTHLY,
        LastWorkingDay(),
        Role.LEAD_STAFF,
        UnitScope.EACH_PARK,
        (Evidence.LINK, Evidence.NOTE),
        evidence_hint=_("记录本月检查的园区事项"),
        link_model="testdomain.Errand",
    ),
]
