"""Business calendar on the Chinese official calendar, including adjusted working days (调休).

The table ``CalendarDay`` holds only the exceptions to a Monday–Friday week; it is seeded from the
``chinese-calendar`` package (migration and ``manage.py sync_calendar``) and admins can add years
the package does not know yet. Deadlines such as "一般投诉3日内响应" use these functions when they
are configured in working days (R-CMP-3).
"""

import datetime
from functools import lru_cache

from .models import CalendarDay


def _exceptions_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_working_day"
        )
    )


def is_working_day(day: datetime.date) -> bool:
    override = CalendarDay.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    if override is not None:
        return override
    return day.weekday() < 5


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


def sync_from_package(first_year: int = 2020) -> int:
    """Insert the package's exceptions that the table does not have; admin edits are kept."""
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new_rows = [row for row in package_exceptions(first_year) if row.date not in existing]
    CalendarDay.objects.bulk_create(new_rows)
    return len(new_rows)
