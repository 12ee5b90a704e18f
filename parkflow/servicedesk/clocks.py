"""The service request's SLA clocks (R-SVC-1): a first response within N working hours and a
resolution within N working days, per category and customer grade (each target a parameter on
the 时限设置 page). Started on submission and on taking; the outcome (met or breached) is recorded
once, for the KPIs."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import sla
from parkflow.core.choices import SlaUnit
from parkflow.core.rules import Param
from parkflow.enterprises.choices import EnterpriseGrade

from .choices import Category, ComplaintGrade

# (response in working hours, resolution in working days) per category, tighter for key
# customers and grade A.
DEFAULTS = {
    Category.REPAIR: {"key": (2, 1), "a": (4, 2), "b": (4, 3), "c": (8, 3)},
    Category.CONSULTATION: {"key": (2, 1), "a": (4, 1), "b": (8, 2), "c": (8, 3)},
    Category.ENTERPRISE_SERVICE: {"key": (4, 3), "a": (8, 5), "b": (8, 5), "c": (16, 7)},
}


def grade_key(request) -> str:
    return f"{request.category}.{request.enterprise.grade}"


def _targets(index: int, maximum: int) -> dict:
    return {
        f"{category}.{grade}": Param(
            int,
            DEFAULTS[category][grade][index],
            min=1,
            max=maximum,
            label=f"{Category(category).label} · {EnterpriseGrade(grade).label}",
        )
        for category in Category.values
        for grade in EnterpriseGrade.values
    }


RESPONSE = sla.register(
    sla.Clock(
        code="servicedesk.response",
        model="servicedesk.ServiceRequest",
        label=_("响应时限"),
        unit=SlaUnit.WORKING_HOURS,
        targets=_targets(0, 80),
        grade=grade_key,
        permission="service_request.handle",
        articles=("Art.13",),
        requirement="R-SVC-1",
    )
)

RESOLUTION = sla.register(
    sla.Clock(
        code="servicedesk.resolution",
        model="servicedesk.ServiceRequest",
        label=_("办结时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets=_targets(1, 60),
        grade=grade_key,
        permission="service_request.handle",
        articles=("Art.13",),
        requirement="R-SVC-1",
    )
)


# ---------------------------------------------------------------------------------------------
# Complaints (R-CMP-3, Art.17 "一般投诉3日内响应"): the first response from the moment the
# complaint was *received* (a late recording does not buy time), per grade; the unit — working
# days on the official calendar, or calendar days — is a setting on the 时限设置 page.


def complaint_grade(complaint) -> str:
    return complaint.grade


COMPLAINT_RESPONSE = sla.register(
    sla.Clock(
        code="servicedesk.complaint_response",
        model="servicedesk.Complaint",
        label=_("投诉首次响应时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets={
            ComplaintGrade.GENERAL: Param(int, 3, min=1, max=30, label=_("一般投诉")),
            ComplaintGrade.SIGNIFICANT: Param(int, 2, min=1, max=30, label=_("较大投诉")),
            ComplaintGrade.MAJOR: Param(int, 1, min=1, max=30, label=_("重大投诉")),
        },
        grade=complaint_grade,
        permission="complaint.handle",
        articles=("Art.17", "Art.13"),
        requirement="R-CMP-3",
    )
)

COMPLAINT_RESOLUTION = sla.register(
    sla.Clock(
        code="servicedesk.complaint_resolution",
        model="servicedesk.Complaint",
        label=_("投诉办结时限"),
        unit=SlaUnit.WORKING_DAYS,
        targets={
            ComplaintGrade.GENERAL: Param(int, 10, min=1, max=90, label=_("一般投诉")),
            ComplaintGrade.SIGNIFICANT: Param(int, 7, min=1, max=90, label=_("较大投诉")),
            ComplaintGrade.MAJOR: Param(int, 5, min=1, max=90, label=_("重大投诉")),
        },
        grade=complaint_grade,
        permission="complaint.handle",
        articles=("Art.17",),
        requirement="R-CMP-3",
    )
)

# R-RSK-6: a major event is reported to the office, copying the in-charge leader, within 24 h.
MAJOR_EVENT_REPORT = sla.register(
    sla.Clock(
        code="servicedesk.major_event_report",
        model="servicedesk.EmergencyPlan",
        label=_("重大事件上报时限"),
        unit=SlaUnit.CALENDAR_HOURS,
        targets={"major": Param(int, 24, min=1, max=72, label=_("重大投诉"))},
        permission="complaint.handle",
        articles=("Art.21(二)", "Art.17"),
        requirement="R-RSK-6",
    )
)
