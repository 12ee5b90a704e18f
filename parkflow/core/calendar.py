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

The answers come from ``BusinessDay``, an index with one row per date from 2020 to ten years
ahead and the running number of working days (``working_ordinal``): "N working days after D" is
the working day whose number is D's plus N, "working days between A and B" the difference of two
numbers — one query each, however far apart (issue 8 §2). The index is derived from the two
tables above and rebuilt in the transaction that changes them (``refresh_index``: the schedule
entry, ``sync_calendar``, and through signals an admin edit of a day or a year), which also
re-times the running SLA clocks the change moves (``core.sla``). Dates outside it are counted day
by day, as before. For due dates of periodic duties: ``nth_working_day``,
``first_working_day_of_month``, ``last_working_day_of_month``, ``next_working_day``,
``previous_working_day``.
"""

import datetime
import threading
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from .models import BusinessDay, CalendarDay, CalendarYear

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


def _exceptions_between(
    start: datetime.date,
    end: datetime.date,
    *,
    day_model=CalendarDay,
    year_model=CalendarYear,
) -> dict[datetime.date, bool]:
    """The days of [start, end] that are not what a Monday–Friday week says: the stored
    exceptions, and the statutory fallback of every year whose schedule is not loaded. The
    models are parameters so that a migration can build the index with its historical ones."""
    overrides = dict(
        day_model.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_working_day"
        )
    )
    official = set(
        year_model.objects.exclude(source=CalendarYear.Source.PROVISIONAL)
        .filter(year__gte=start.year, year__lte=end.year)
        .values_list("year", flat=True)
    )
    for year in range(start.year, end.year + 1):
        if year in official:
            continue
        for day, (working, _name) in provisional_exceptions(year).items():
            # A row an administrator entered for that day wins over the computed fallback.
            if start <= day <= end and day not in overrides:
                overrides[day] = working
    return overrides


# ---------------------------------------------------------------------------------------------
# Day by day: the answer for dates outside the index, and the reference the index is tested
# against (and measured against in bench/sla.py).


def _loop_add_working_days(start: datetime.date, days: int) -> datetime.date:
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


def _loop_working_days_between(start: datetime.date, end: datetime.date) -> int:
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


def _loop_is_working_day(day: datetime.date) -> bool:
    return _exceptions_between(day, day).get(day, day.weekday() < 5)


# ---------------------------------------------------------------------------------------------
# The index: one ``BusinessDay`` row per date of the covered span with its running number of
# working days (D39). Rebuilt in the transaction that changes the calendar (schedule entry,
# sync_calendar, an admin edit of a day or a year); read with one query per answer.

INDEX_FIRST_YEAR = 2020  # the first year seeded from chinese-calendar
INDEX_YEARS_AHEAD = 10  # the span reaches ten years past today, and at least to 2035
INDEX_MIN_LAST_YEAR = 2035


def index_span(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The dates the index covers: 2020-01-01 to the end of the tenth year from today."""
    from . import clock

    today = today or clock.today()
    last_year = max(INDEX_MIN_LAST_YEAR, today.year + INDEX_YEARS_AHEAD)
    return datetime.date(INDEX_FIRST_YEAR, 1, 1), datetime.date(last_year, 12, 31)


def index_rows(
    first: datetime.date, last: datetime.date, *, day_model=CalendarDay, year_model=CalendarYear
) -> list[tuple[datetime.date, bool, int, bool]]:
    """(date, is working day, working ordinal, provisional) for every date of [first, last]:
    what the index must hold, computed from the exceptions and the fallback."""
    exceptions = _exceptions_between(first, last, day_model=day_model, year_model=year_model)
    official = set(
        year_model.objects.exclude(source=CalendarYear.Source.PROVISIONAL).values_list(
            "year", flat=True
        )
    )
    rows, ordinal, day = [], 0, first
    one = datetime.timedelta(days=1)
    while day <= last:
        working = exceptions.get(day, day.weekday() < 5)
        ordinal += working
        rows.append((day, working, ordinal, day.year not in official))
        day += one
    return rows


def rebuild_index(
    *,
    today: datetime.date | None = None,
    day_model=CalendarDay,
    year_model=CalendarYear,
    index_model=None,
) -> datetime.date | None:
    """Bring the index in line with the calendar; returns the first date whose row changed
    (None: nothing did). Rows from that date on are replaced (a changed day shifts every later
    ordinal anyway), so the unique ordinal of each working day holds throughout. Call inside a
    transaction (``refresh_index`` does); the migration calls it with its historical models."""
    index_model = index_model or BusinessDay
    first, last = index_span(today)
    wanted = index_rows(first, last, day_model=day_model, year_model=year_model)
    stored = {
        row[0]: row
        for row in index_model.objects.values_list(
            "date", "is_working_day", "working_ordinal", "provisional"
        )
    }
    changed = next((row[0] for row in wanted if stored.get(row[0]) != row), None)
    outside = [d for d in stored if d < first or d > last]
    if changed is None and not outside:
        return None
    cut = changed or (last + datetime.timedelta(days=1))
    index_model.objects.filter(Q(date__gte=cut) | Q(date__lt=first)).delete()
    index_model.objects.bulk_create(
        index_model(date=d, is_working_day=w, working_ordinal=n, provisional=p)
        for d, w, n, p in wanted
        if d >= cut
    )
    return changed


def refresh_index() -> datetime.date | None:
    """Rebuild the index in one write transaction and re-time the running SLA clocks whose
    deadline the change can move (core.sla). Returns the first changed date."""
    from . import sla
    from .db import run_in_transaction

    def run():
        _stale.flag = False
        changed = rebuild_index()
        if changed is not None:
            sla.recalculate(since=changed)
        return changed

    return run_in_transaction(run)


# A change of a day or a year through the ORM (the admin, a shell) marks the index stale: this
# thread's next answer rebuilds it first, and so does the commit of the change for every other
# process. Bulk writes (sync_from_package, calendar_schedule_enter) call refresh_index themselves.
_stale = threading.local()


def _calendar_changed(**kwargs):
    _stale.flag = True
    transaction.on_commit(_refresh_if_stale)


def _refresh_if_stale():
    if getattr(_stale, "flag", False):
        refresh_index()


for _model in (CalendarDay, CalendarYear):
    post_save.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar_index_{_model}")
    post_delete.connect(_calendar_changed, sender=_model, dispatch_uid=f"calendar_index_d{_model}")


def _fresh():
    if getattr(_stale, "flag", False):
        refresh_index()
    return BusinessDay.objects


# ---------------------------------------------------------------------------------------------
# Answers: one query each on the index, day by day outside it


# The three answers every deadline asks for are hand-written SQL, the same on SQLite and
# PostgreSQL: the ORM's query building cost three times the database's own time (bench/sla.py).


def _answer(sql: str, params) -> list[tuple]:
    _fresh()
    table = connection.ops.quote_name(BusinessDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)
        return cursor.fetchall()


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def is_working_day(day: datetime.date) -> bool:
    found = _answer("SELECT is_working_day FROM {table} WHERE date = %s", [day.isoformat()])
    return bool(found[0][0]) if found else _loop_is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    if days == 0:
        return start
    found = _answer(
        "SELECT d.date FROM {table} d WHERE d.is_working_day AND d.working_ordinal = "
        "(SELECT s.working_ordinal FROM {table} s WHERE s.date = %s) + %s",
        [start.isoformat(), days],
    )
    return _as_date(found[0][0]) if found else _loop_add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]: how many working days have elapsed from start to end."""
    if end <= start:
        return 0
    ordinals = {
        _as_date(day): ordinal
        for day, ordinal in _answer(
            "SELECT date, working_ordinal FROM {table} WHERE date IN (%s, %s)",
            [start.isoformat(), end.isoformat()],
        )
    }
    if len(ordinals) == 2:
        return ordinals[end] - ordinals[start]
    return _loop_working_days_between(start, end)


def next_working_day(day: datetime.date, *, inclusive: bool = True) -> datetime.date:
    """The first working day on (``inclusive``) or after ``day``."""
    start = day - datetime.timedelta(days=1) if inclusive else day
    return add_working_days(start, 1)


def previous_working_day(day: datetime.date, *, inclusive: bool = True) -> datetime.date:
    """The last working day on (``inclusive``) or before ``day``."""
    end = day if inclusive else day - datetime.timedelta(days=1)
    first, _last = index_span()
    if end >= first:
        found = list(
            _fresh()
            .filter(is_working_day=True, date__lte=end, date__gte=end - datetime.timedelta(days=60))
            .order_by("-date")
            .values_list("date", flat=True)[:1]
        )
        if found:
            return found[0]
    while not _loop_is_working_day(end):
        end -= datetime.timedelta(days=1)
    return end


def _month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def nth_working_day(year: int, month: int, n: int) -> datetime.date:
    """The ``n``-th working day of the month (1 = the first); ``n`` = -1 is the last, -2 the one
    before. Raises ValueError when the month has fewer working days. For duties such as
    "每月第一个工作日" and "月末最后一个工作日" (R-MON-3)."""
    if n == 0:
        raise ValueError("n counts from 1 (or from -1 at the end of the month)")
    first, last = _month_bounds(year, month)
    if n > 0:
        day = add_working_days(first - datetime.timedelta(days=1), n)
    else:
        day = previous_working_day(last)
        for _ in range(-n - 1):
            day = previous_working_day(day, inclusive=False)
    if not first <= day <= last:
        raise ValueError(f"{year}-{month:02d} has fewer than {abs(n)} working days")
    return day


def first_working_day_of_month(year: int, month: int) -> datetime.date:
    return nth_working_day(year, month, 1)


def last_working_day_of_month(year: int, month: int) -> datetime.date:
    return nth_working_day(year, month, -1)


class DayTable:
    """What the SLA arithmetic needs of the calendar: for a date, whether it is a working day
    and its working ordinal; for an ordinal, the working day that has it. ``DayTable()`` asks the
    index as needed (one query per ``prime``/``numbered`` call, memoised); ``DayTable.load()``
    reads the whole index once for a batch (re-timing every running clock after a calendar or
    business-hours change). Dates outside the index are counted day by day."""

    def __init__(self, rows=None):
        self._info: dict[datetime.date, tuple[bool, int]] = {}
        self._by_ordinal: dict[int, datetime.date] = {}
        for day, working, ordinal in rows or ():
            self._info[day] = (working, ordinal)
            if working:
                self._by_ordinal[ordinal] = day
        self._complete = rows is not None

    @classmethod
    def load(cls) -> "DayTable":
        return cls(
            _fresh().values_list("date", "is_working_day", "working_ordinal").order_by("date")
        )

    def prime(self, dates) -> None:
        missing = {d for d in dates if d not in self._info}
        if not missing or self._complete:
            return
        for day, working, ordinal in (
            _fresh()
            .filter(date__in=missing)
            .values_list("date", "is_working_day", "working_ordinal")
        ):
            self._info[day] = (working, ordinal)
            if working:
                self._by_ordinal[ordinal] = day

    def info(self, day: datetime.date) -> tuple[bool, int]:
        """(is a working day, working ordinal) of ``day``."""
        self.prime([day])
        if day not in self._info:
            self._info[day] = (_loop_is_working_day(day), _loop_ordinal(day))
        return self._info[day]

    def prime_numbered(self, ordinals) -> None:
        """Look up the working days of several ordinals in one query."""
        missing = {n for n in ordinals if n not in self._by_ordinal}
        if not missing or self._complete:
            return
        for day, ordinal in (
            _fresh()
            .filter(is_working_day=True, working_ordinal__in=missing)
            .values_list("date", "working_ordinal")
        ):
            self._by_ordinal[ordinal] = day

    def numbered(self, ordinal: int) -> datetime.date:
        """The working day whose working ordinal is ``ordinal``."""
        if ordinal not in self._by_ordinal:
            found = None
            if not self._complete:
                found = (
                    _fresh()
                    .filter(is_working_day=True, working_ordinal=ordinal)
                    .values_list("date", flat=True)
                    .first()
                )
            self._by_ordinal[ordinal] = found or _loop_numbered(ordinal)
        return self._by_ordinal[ordinal]


def _index_origin() -> datetime.date:
    return datetime.date(INDEX_FIRST_YEAR, 1, 1) - datetime.timedelta(days=1)


def _loop_ordinal(day: datetime.date) -> int:
    """The ordinal the index would give ``day`` (negative before the span)."""
    origin = _index_origin()
    if day > origin:
        return _loop_working_days_between(origin, day)
    return -_loop_working_days_between(day, origin)


def _loop_numbered(ordinal: int) -> datetime.date:
    origin = _index_origin()
    if ordinal >= 1:
        return _loop_add_working_days(origin, ordinal)
    day, number = origin, 0  # walk back: the last working day on or before the origin is 0
    while True:
        if _loop_is_working_day(day):
            if number == ordinal:
                return day
            number -= 1
        day -= datetime.timedelta(days=1)


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
    notice is left alone: the notice is the authority, not a copy of it. The index is rebuilt
    in the same transaction (and extended to ten years from today)."""
    from .db import run_in_transaction

    return run_in_transaction(_sync_from_package, first_year)


def _sync_from_package(first_year: int) -> int:
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
    refresh_index()
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
