"""The calendar-coverage rule (issue 6 §3, D19): the official holiday schedule of every day in the
coming N days must be loaded, otherwise working-day deadlines (Art.13, Art.17, R-CMP-3) are only
provisional. Registered from ``CoreConfig.ready`` (core's own ``rules.py`` is the engine)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import calendar, hooks
from .choices import Severity
from .models import CalendarYear
from .rules import rule

CODE = "core.calendar_coverage"


def _message(year, params):
    return _(
        "%(year)s 年的国务院放假安排尚未录入（检查范围：未来 %(days)s 天）。该年的工作日计算"
        "暂按法定节假日推算，调休上班日未知；请在“节假日安排”页面录入通知后本预警自动解除。"
    ) % {"year": year.year, "days": params["horizon_days"]}


def _calendar_admin(year):
    """The headquarters system administrator answers for the calendar (it is national); org,
    which owns people and roles, names them through the ``calendar_admin`` hook (D30)."""
    return hooks.call("calendar_admin")


@rule(
    CODE,
    title=_("官方放假安排未录入"),
    articles=("Art.13", "Art.17"),
    requirement="R-CMP-3",
    model="core.CalendarYear",
    severity=Severity.HIGH,
    params={"horizon_days": 60},
    param_labels={"horizon_days": _("检查范围（未来天数）")},
    message=_message,
    park=lambda year: None,  # national: headquarters sees it
    assignee=_calendar_admin,
)
def calendar_coverage(params, now):
    years = calendar.horizon_years(timezone.localdate(now), int(params["horizon_days"]))
    # A year nobody has touched yet has no row to hang the alert on: create it as provisional
    # (idempotent; the row is the year's coverage record, not a business change).
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y) for y in years if 1900 <= y <= 2100], ignore_conflicts=True
    )
    return CalendarYear.objects.filter(year__in=years, source=CalendarYear.Source.PROVISIONAL)
