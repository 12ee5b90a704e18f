"""Business calendar on the Chinese official calendar, including adjusted working days (调休).

The table ``CalendarDay`` holds only the exceptions to a Monday–Friday week; it is seeded from the
``chinese-calendar`` package (migration and ``manage.py sync_calendar``) and administrators enter
the years the package does not know yet from the State Council notice (the calendar page,
``core.calendar_schedule``). Deadlines such as "一般投诉3日内响应" use these functions when they
are configured in working days (R-CMP-3).

A year is *official* when ``CalendarYear`` says its schedule is loaded. For any other year the
functions fall back to the statutory holidays of 《全国年节及纪念日放假办法》 (revised November
2024, in force from 2025), computed with a lunar calendar; the adjusted working days and make-up
days of such a year are unknown, so every answer that touches it is *provisional* — callers that
show it use the ``*_detail`` variants or ``provisional_years`` and show the notice (D19).
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear

# The statutory set below is the one in force from 2025 (国务院令第798号); earlier uncovered years
# fall back to weekends only — they are history, and the package covers them back to 2004.
STATUTORY_SINCE = 2025


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> tuple[tuple[datetime.date, str], ...]:
    """The days off every citizen has by law in ``year`` (全国年节及纪念日放假办法 第二条, 2024):
    元旦 1 day, 春节 4 days from 除夕, 清明 1 day, 劳动节 2 days, 端午 1 day, 中秋 1 day,
    国庆 3 days. 清明 is a solar term; the lunar feasts are converted with ``lunar_python``. What
    the law leaves to the yearly notice — make-up days and adjusted working days — is not here."""
    from lunar_python import Lunar

    def solar(lunar_month: int, lunar_day: int) -> datetime.date:
        s = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
        return datetime.date(s.getYear(), s.getMonth(), s.getDay())

    spring = solar(1, 1)
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    days = [(datetime.date(year, 1, 1), "元旦")]
    days += [(spring + datetime.timedelta(days=i), "春节") for i in range(-1, 3)]
    days += [
        (datetime.date(year, qingming.getMonth(), qingming.getDay()), "清明节"),
        (datetime.date(year, 5, 1), "劳动节"),
        (datetime.date(year, 5, 2), "劳动节"),
        (solar(5, 5), "端午节"),
        (solar(8, 15), "中秋节"),
    ]
    days += [(datetime.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    # 中秋 can fall on 国庆 (2028-10-03): one day, both names.
    merged: dict[datetime.date, list[str]] = {}
    for day, name in days:
        merged.setdefault(day, []).append(name)
    return tuple(sorted((day, "、".join(names)) for day, names in merged.items()))


def provisional_exceptions(year: int) -> dict[datetime.date, tuple[bool, str]]:
    """The fallback for a year without its official schedule: statutory holidays that fall on a
    weekday are days off. Nothing else is known (adjusted working days stay ordinary weekends)."""
    if year < STATUTORY_SINCE:
        return {}
    return {
        day: (False, f"{name}（暂按法定节假日推算）")
        for day, name in statutory_holidays(year)
        if day.weekday() < 5
    }


def official_years(first: int | None = None, last: int | None = None) -> set[int]:
    qs = CalendarYear.objects.exclude(source=CalendarYear.Source.PROVISIONAL)
    if first is not None:
        qs = qs.filter(year__gte=first)
    if last is not None:
        qs = qs.filter(year__lte=last)
    return set(qs.values_list("year", flat=True))


def provisional_years(start: datetime.date, end: datetime.date) -> tuple[int, ...]:
    """Years of the days in (start, end] whose official schedule is not loaded: an answer that
    counted those days is provisional."""
    if end <= start:
        return ()
    first = (start + datetime.timedelta(days=1)).year
    years = set(range(first, end.year + 1))
    return tuple(sorted(years - official_years(first, end.year)))


def provisional_notice(years) -> str:
    """The banner text for a result that depends on provisional days ("" when it does not)."""
    years = sorted(years)
    if not years:
        return ""
    label = "、".join(str(y) for y in years)
    return _(
        "%(years)s 年放假安排尚未录入，本结果按法定节假日暂算，调休上班日未知，录入后结果可能变化。"
    ) % {"years": label}


@dataclass(frozen=True)
class WorkingDayAnswer:
    """A working-day result and the years it had to guess (empty when fully official)."""

    value: object  # a date (add_working_days) or an int (working_days_between)
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def notice(self) -> str:
        return provisional_notice(self.provisional_years)


def _exceptions_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    overrides = dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_working_day"
        )
    )
    official = official_years(start.year, end.year)
    for year in range(start.year, end.year + 1):
        if year in official:
            continue
        for day, (working, _name) in provisional_exceptions(year).items():
            # A row an administrator entered for that day wins over the computed fallback.
            if start <= day <= end and day not in overrides:
                overrides[day] = working
    return overrides


def is_working_day(day: datetime.date) -> bool:
    return _exceptions_between(day, day).get(day, day.weekday() < 5)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    if days == 0:
        return start
    # A generous window: even Spring Festival plus weekends never stretches 10 working days past 3x.
    window_end = start + datetime.timedelta(days=days * 3 + 21)
    overrides = _exceptions_between(start, window_end)
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day > window_end:
            window_end = day + datetime.timedelta(days=days * 3 + 21)
            overrides.update(_exceptions_between(day, window_end))
        if overrides.get(day, day.weekday() < 5):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]: how many working days have elapsed from start to end."""
    if end <= start:
        return 0
    overrides = _exceptions_between(start, end)
    count = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        if overrides.get(day, day.weekday() < 5):
            count += 1
        day += datetime.timedelta(days=1)
    return count


def add_working_days_detail(start: datetime.date, days: int) -> WorkingDayAnswer:
    """``add_working_days`` plus the years whose schedule the answer had to guess."""
    end = add_working_days(start, days)
    return WorkingDayAnswer(end, provisional_years(start, end))


def working_days_between_detail(start: datetime.date, end: datetime.date) -> WorkingDayAnswer:
    return WorkingDayAnswer(working_days_between(start, end), provisional_years(start, end))


@lru_cache(maxsize=1)
def _package_range() -> tuple[datetime.date, datetime.date]:
    import chinese_calendar

    years = sorted(
        {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    )
    return datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)


def package_exceptions(first_year: int | None = None) -> list[CalendarDay]:
    """Every day where chinese-calendar disagrees with a plain Monday–Friday week."""
    import chinese_calendar

    start, end = _package_range()
    if first_year:
        start = max(start, datetime.date(first_year, 1, 1))
    rows = []
    day = start
    while day <= end:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
            rows.append(
                CalendarDay(
                    date=day, is_working_day=working, name=_holiday_label(holiday_name, working)
                )
            )
        day += datetime.timedelta(days=1)
    return rows


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _holiday_label(name: str | None, working: bool) -> str:
    label = _HOLIDAY_NAMES.get(name or "", name or "")
    return f"{label}调休上班" if working else label


def package_years(first_year: int = 2020) -> list[int]:
    start, end = _package_range()
    return list(range(max(start.year, first_year), end.year + 1))


def sync_from_package(first_year: int = 2020) -> int:
    """Insert the package's exceptions that the table does not have (admin edits are kept) and
    mark the package's years official. A year an administrator entered from the State Council
    notice is left alone: the notice is the authority, not a copy of it."""
    entered = set(
        CalendarYear.objects.filter(source=CalendarYear.Source.ENTERED).values_list(
            "year", flat=True
        )
    )
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new_rows = [
        row
        for row in package_exceptions(first_year)
        if row.date not in existing and row.date.year not in entered
    ]
    CalendarDay.objects.bulk_create(new_rows)
    for year in package_years(first_year):
        if year not in entered:
            CalendarYear.objects.update_or_create(
                year=year, defaults={"source": CalendarYear.Source.PACKAGE}
            )
    return len(new_rows)


def horizon_years(today: datetime.date, horizon_days: int) -> list[int]:
    """The years of the days from ``today`` to ``today + horizon_days`` (at most ten years out:
    a mistyped parameter must not make the rule create a row per year until 2100)."""
    end = today + datetime.timedelta(days=max(0, min(horizon_days, 3660)))
    return list(range(today.year, end.year + 1))


def missing_years(today: datetime.date, horizon_days: int) -> list[int]:
    """Years within the horizon whose official schedule is not loaded."""
    years = horizon_years(today, horizon_days)
    return sorted(set(years) - official_years(years[0], years[-1]))


def year_ranges(years) -> str:
    """2020–2026、2028: consecutive years folded into ranges, Chinese separators."""
    years = sorted(set(years))
    parts, run = [], []
    for year in years:
        if run and year != run[-1] + 1:
            parts.append(run)
            run = []
        run.append(year)
    if run:
        parts.append(run)
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in parts)
