"""What an app declares in its ``duties.py`` (R-MON-3): ``DUTIES = [Duty(...)]``.

A duty is a periodic obligation of the regulation — "每月开展一次专项风险排查" — as data: its code,
title, the articles it cites, the requirement, the cadence (monthly, quarterly, semi-annual,
annual), a day rule for the due date within each period, the role that owns it, the units it
falls on (each park, each business department, the special office …) and what counts as
evidence (a note, a file, a link to the record that fulfils it). The compliance calendar creates
one task per (duty, unit, period) and finds every app's ``duties.py`` the way the kernel finds
``rules.py`` — the duties app imports none of them.

Due dates are on the business calendar (``parkflow.core.calendar``): "the first working day" of
October 2026 is 8 October, after the National Day holiday; a fixed date ("by 31 January") that
is no working day falls due on the last working day *before* it — the regulation's date is a
deadline we must not pass, so we do not move it later (D43).
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from parkflow.core import calendar

from .choices import Cadence, Evidence, UnitScope

ONE_DAY = datetime.timedelta(days=1)
_MONTHS = {
    Cadence.MONTHLY: 1,
    Cadence.QUARTERLY: 3,
    Cadence.SEMIANNUAL: 6,
    Cadence.ANNUAL: 12,
}
_QUARTERS = "一二三四"


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """One period of a cadence: its first and last day (inclusive)."""

    cadence: str
    start: datetime.date

    @property
    def end(self) -> datetime.date:
        return self.start + relativedelta(months=_MONTHS[self.cadence]) - ONE_DAY

    @property
    def key(self) -> str:
        """Stored on the task: ``2026-10``, ``2026-Q4``, ``2026-H2``, ``2026``."""
        year, month = self.start.year, self.start.month
        if self.cadence == Cadence.MONTHLY:
            return f"{year}-{month:02d}"
        if self.cadence == Cadence.QUARTERLY:
            return f"{year}-Q{(month - 1) // 3 + 1}"
        if self.cadence == Cadence.SEMIANNUAL:
            return f"{year}-H{(month - 1) // 6 + 1}"
        return str(year)

    @property
    def label(self) -> str:
        year, month = self.start.year, self.start.month
        if self.cadence == Cadence.MONTHLY:
            return _("%(year)s年%(month)s月") % {"year": year, "month": month}
        if self.cadence == Cadence.QUARTERLY:
            return _("%(year)s年第%(q)s季度") % {"year": year, "q": _QUARTERS[(month - 1) // 3]}
        if self.cadence == Cadence.SEMIANNUAL:
            half = _("上半年") if month <= 6 else _("下半年")
            return f"{year}年{half}"
        return _("%(year)s年度") % {"year": year}

    def next(self) -> Period:
        return Period(self.cadence, self.start + relativedelta(months=_MONTHS[self.cadence]))

    def previous(self) -> Period:
        return Period(self.cadence, self.start - relativedelta(months=_MONTHS[self.cadence]))

    def month_start(self, index: int) -> datetime.date:
        """The first day of the ``index``-th month of the period (1-based)."""
        return self.start + relativedelta(months=index - 1)


def period_of(cadence: str, day: datetime.date) -> Period:
    months = _MONTHS[cadence]
    first_month = (day.month - 1) // months * months + 1
    return Period(cadence, datetime.date(day.year, first_month, 1))


def period_from_key(cadence: str, key: str) -> Period:
    year, _sep, part = key.partition("-")
    if cadence == Cadence.ANNUAL:
        return Period(cadence, datetime.date(int(year), 1, 1))
    if cadence == Cadence.MONTHLY:
        return Period(cadence, datetime.date(int(year), int(part), 1))
    index = int(part[1:]) - 1
    return Period(cadence, datetime.date(int(year), index * _MONTHS[cadence] + 1, 1))


# ---------------------------------------------------------------------------------------------
# Working days (on the business calendar, official schedule or the statutory fallback)


def first_working_day(start: datetime.date) -> datetime.date:
    """The first working day on or after ``start``."""
    return calendar.next_working_day(start)


def nth_working_day(start: datetime.date, n: int) -> datetime.date:
    return calendar.add_working_days(start - ONE_DAY, n)


def last_working_day(day: datetime.date) -> datetime.date:
    """The last working day on or before ``day`` (one query on the calendar's index)."""
    return calendar.previous_working_day(day)


def _unit(cadence: str) -> str:
    return {
        Cadence.MONTHLY: _("每月"),
        Cadence.QUARTERLY: _("每季度"),
        Cadence.SEMIANNUAL: _("每半年"),
        Cadence.ANNUAL: _("每年"),
    }[cadence]


# ---------------------------------------------------------------------------------------------
# Day rules: the due date within a period


class DayRule(ABC):
    """When in its period a duty falls due. ``window_start`` is when its task appears (unless
    the duty declares ``lead_days``). Each rule below says ``due`` and ``label``."""

    cadences: tuple[str, ...] = tuple(Cadence.values)

    @abstractmethod
    def due(self, period: Period) -> datetime.date: ...

    def window_start(self, period: Period) -> datetime.date:
        return period.start

    @abstractmethod
    def label(self, cadence: str) -> str: ...


@dataclass(frozen=True)
class FirstWorkingDay(DayRule):
    """ "每月第一个工作日": the first working day of the period."""

    def due(self, period):
        return first_working_day(period.start)

    def label(self, cadence):
        return _("%(unit)s第一个工作日") % {"unit": _unit(cadence)}


@dataclass(frozen=True)
class NthWorkingDay(DayRule):
    """ "每月第10个工作日前": the n-th working day of the period."""

    n: int

    def due(self, period):
        return nth_working_day(period.start, self.n)

    def label(self, cadence):
        return _("%(unit)s第 %(n)s 个工作日前") % {"unit": _unit(cadence), "n": self.n}


@dataclass(frozen=True)
class LastWorkingDay(DayRule):
    """Within the period: due on its last working day."""

    def due(self, period):
        return last_working_day(period.end)

    def label(self, cadence):
        return _("%(unit)s最后一个工作日前") % {"unit": _unit(cadence)}


@dataclass(frozen=True)
class ByDate(DayRule):
    """ "每年1月31日前": a fixed date of the year; a day off moves it to the working day before."""

    month: int
    day: int
    cadences = (Cadence.ANNUAL,)

    def due(self, period):
        return last_working_day(datetime.date(period.start.year, self.month, self.day))

    def label(self, cadence):
        return _("每年%(month)s月%(day)s日前（遇节假日提前至此前最后一个工作日）") % {
            "month": self.month,
            "day": self.day,
        }


@dataclass(frozen=True)
class InMonth(DayRule):
    """ "每年11月", "6月、12月": within the ``month``-th month of the period (the month of the
    year for an annual duty), due on that month's last working day; the task appears on the
    first of that month."""

    month: int

    def due(self, period):
        start = period.month_start(self.month)
        return last_working_day(start + relativedelta(months=1) - ONE_DAY)

    def window_start(self, period):
        return period.month_start(self.month)

    def label(self, cadence):
        step = _MONTHS[cadence]
        months = "、".join(f"{m}月" for m in range(self.month, 13, step))
        return _("每年%(months)s内") % {"months": months}


# ---------------------------------------------------------------------------------------------
# The duty


@dataclass(frozen=True)
class Duty:
    """A periodic duty of the regulation. ``evidence`` lists the kinds that count (at least one
    is needed to complete a task); ``link_model`` (``"app_label.Model"``) is the record that
    fulfils it, linked through ``services.task_fulfil`` by the domain that makes it or chosen on
    the task page from ``link_candidates(actor, task)`` (default: the newest the actor sees)."""

    code: str
    title: object
    articles: tuple[str, ...]
    requirement: str
    cadence: str
    day_rule: DayRule
    owner_role: str
    unit_scope: str
    evidence: tuple[str, ...]
    evidence_hint: object = ""
    description: object = ""
    lead_days: int | None = None
    link_model: str | None = None
    link_candidates: Callable | None = None

    def __post_init__(self):
        problems = []
        if self.cadence not in Cadence.values:
            problems.append(f"unknown cadence {self.cadence!r}")
        elif self.cadence not in self.day_rule.cadences:
            problems.append(f"{type(self.day_rule).__name__} does not apply to {self.cadence}")
        if isinstance(self.day_rule, InMonth) and not 1 <= self.day_rule.month <= _MONTHS.get(
            self.cadence, 0
        ):
            problems.append("InMonth: month outside the period")
        if self.unit_scope not in UnitScope.values:
            problems.append(f"unknown unit scope {self.unit_scope!r}")
        if not self.evidence or set(self.evidence) - set(Evidence.values):
            problems.append(f"evidence must name kinds of {Evidence.values}")
        if (Evidence.LINK in self.evidence) != bool(self.link_model):
            problems.append("a link needs link_model (and link_model needs LINK evidence)")
        if not self.articles or not all(a.startswith("Art.") for a in self.articles):
            problems.append("cite the articles (Art.N)")
        if not self.requirement.startswith("R-"):
            problems.append("name the requirement (R-…)")
        if problems:
            raise ImproperlyConfigured(f"duty {self.code!r}: {'; '.join(problems)}")

    def period_of(self, day: datetime.date) -> Period:
        return period_of(self.cadence, day)

    def due(self, period: Period) -> datetime.date:
        return self.day_rule.due(period)

    def opens(self, period: Period, due: datetime.date | None = None) -> datetime.date:
        """The day its task is created: ``lead_days`` before the due date when declared, else
        the start of the day rule's window (the period, or the month named)."""
        if self.lead_days is not None:
            return (due or self.due(period)) - datetime.timedelta(days=self.lead_days)
        return self.day_rule.window_start(period)

    @property
    def day_rule_label(self) -> str:
        return self.day_rule.label(self.cadence)

    @property
    def cadence_order(self) -> int:
        return Cadence.values.index(self.cadence)

    @property
    def cadence_label(self) -> str:
        return Cadence(self.cadence).label

    @property
    def unit_scope_label(self) -> str:
        return UnitScope(self.unit_scope).label

    @property
    def evidence_labels(self) -> list[str]:
        return [str(Evidence(kind).label) for kind in self.evidence]

    @property
    def link_model_class(self):
        if not self.link_model:
            return None
        from django.apps import apps

        return apps.get_model(self.link_model)


@cache
def all_duties() -> dict[str, Duty]:
    """Every installed app's ``DUTIES``, by code (INSTALLED_APPS order)."""
    from parkflow.core.registry import declared

    found: dict[str, Duty] = {}
    for duty in declared("duties", "DUTIES"):
        if duty.code in found:
            raise ImproperlyConfigured(f"duty {duty.code!r} declared twice")
        found[duty.code] = duty
    return found


def get_duty(code: str) -> Duty | None:
    return all_duties().get(code)
