"""The business calendar as an indexed table of working ordinals (issue 8 §2, R-CMP-3): the same
answers as the day-by-day count, one query each, kept in line with every change of the calendar,
and the provisional fallback of D19 still flagged."""

import datetime

import pytest

from parkflow.core import calendar, calendar_schedule
from parkflow.core.models import BusinessDay, CalendarDay, CalendarYear
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def hq_admin(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="运营管理公司"))


def _every_day(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


class TestTheIndexAnswersAsTheDayByDayCount:
    def test_the_migration_built_one_row_per_date_with_a_running_count_of_working_days(self):
        first, last = calendar.index_span()
        assert BusinessDay.objects.count() == (last - first).days + 1
        assert BusinessDay.objects.order_by("date").first().date == D(2020, 1, 1)
        # 2026-10-08 is the first working day after National Day: its ordinal is one more than
        # 2026-09-30's, the seven days between keep the count.
        ordinals = dict(
            BusinessDay.objects.filter(date__range=(D(2026, 9, 30), D(2026, 10, 8))).values_list(
                "date", "working_ordinal"
            )
        )
        assert ordinals[D(2026, 10, 8)] == ordinals[D(2026, 9, 30)] + 1
        assert {ordinals[D(2026, 10, d)] for d in range(1, 8)} == {ordinals[D(2026, 9, 30)]}

    def test_add_and_between_agree_with_the_loop_over_2026_and_into_the_provisional_2027(self):
        for start in _every_day(D(2026, 9, 1), D(2027, 2, 28)):
            for n in (1, 3, 10, 22):
                assert calendar.add_working_days(start, n) == calendar._loop_add_working_days(
                    start, n
                ), (start, n)
            end = start + datetime.timedelta(days=17)
            assert calendar.working_days_between(start, end) == calendar._loop_working_days_between(
                start, end
            ), start
            assert calendar.is_working_day(start) == calendar._loop_is_working_day(start)

    def test_each_answer_is_one_query(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
        with django_assert_num_queries(1):
            assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
        with django_assert_num_queries(1):
            assert calendar.is_working_day(D(2026, 10, 10))  # adjusted working Saturday

    def test_dates_outside_the_index_are_counted_day_by_day(self):
        # 2019 is before the index: the loop answers (2020-01-01 is 元旦).
        assert calendar.add_working_days(D(2019, 12, 30), 2) == D(2020, 1, 2)
        _first, last = calendar.index_span()
        beyond = last + datetime.timedelta(days=3)
        assert calendar.add_working_days(beyond, 5) == calendar._loop_add_working_days(beyond, 5)
        assert calendar.working_days_between(last - datetime.timedelta(days=10), beyond) == (
            calendar._loop_working_days_between(last - datetime.timedelta(days=10), beyond)
        )


class TestHelpersForDuties:
    """For the compliance calendar's due dates (R-MON-3): 每月第一个工作日 and the like."""

    def test_first_working_day_of_october_2026_is_after_national_day(self):
        assert calendar.first_working_day_of_month(2026, 10) == D(2026, 10, 8)
        assert calendar.nth_working_day(2026, 10, 3) == D(2026, 10, 10)  # adjusted Saturday

    def test_last_working_days_of_the_month(self):
        assert calendar.last_working_day_of_month(2026, 9) == D(2026, 9, 30)
        assert calendar.nth_working_day(2026, 10, -1) == D(2026, 10, 30)
        assert calendar.nth_working_day(2026, 10, -2) == D(2026, 10, 29)

    def test_a_month_has_only_so_many_working_days(self):
        with pytest.raises(ValueError):
            calendar.nth_working_day(2026, 10, 30)
        with pytest.raises(ValueError):
            calendar.nth_working_day(2026, 10, 0)

    def test_next_and_previous_working_day(self):
        assert calendar.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
        assert calendar.next_working_day(D(2026, 10, 9)) == D(2026, 10, 9)
        assert calendar.next_working_day(D(2026, 10, 9), inclusive=False) == D(2026, 10, 10)
        assert calendar.previous_working_day(D(2026, 10, 4)) == D(2026, 9, 30)
        assert calendar.previous_working_day(D(2026, 9, 20)) == D(2026, 9, 20)  # adjusted Sunday


class TestTheIndexFollowsTheCalendar:
    def test_an_admin_added_day_off_moves_every_later_ordinal(self, django_assert_num_queries):
        before = calendar.working_days_between(D(2030, 3, 1), D(2030, 12, 31))
        CalendarDay.objects.create(date=D(2030, 3, 5), is_working_day=False, name="园区停电检修")
        assert not calendar.is_working_day(D(2030, 3, 5))
        assert calendar.working_days_between(D(2030, 3, 1), D(2030, 12, 31)) == before - 1
        assert calendar.add_working_days(D(2030, 3, 4), 1) == D(2030, 3, 6)

    def test_an_admin_edit_rebuilds_the_index_when_it_commits(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            CalendarDay.objects.create(date=D(2030, 3, 6), is_working_day=False, name="检修")
        assert callbacks  # the rebuild for every other process
        assert not BusinessDay.objects.get(date=D(2030, 3, 6)).is_working_day
        assert not calendar._stale.flag

    def test_entering_2027_replaces_the_fallback_and_clears_the_provisional_flag(self, hq_admin):
        # 2027 is not in chinese-calendar 1.11: the statutory fallback, flagged.
        assert BusinessDay.objects.get(date=D(2027, 2, 8)).provisional
        assert not BusinessDay.objects.get(date=D(2026, 2, 8)).provisional
        assert not calendar.is_working_day(D(2027, 2, 8))  # 春节 (初三), statutory
        assert not calendar.is_working_day(D(2027, 2, 14))  # a Sunday: unknown before the notice
        answer = calendar.add_working_days_detail(D(2027, 2, 10), 3)
        assert answer.provisional and answer.provisional_years == (2027,)

        rows, errors = calendar_schedule.parse_text(
            2027, "春节, 2027-02-05~2027-02-12, 2027-02-14 2027-02-20"
        )
        assert not errors
        calendar_schedule.calendar_schedule_enter(actor=hq_admin, year=2027, rows=rows)

        day = BusinessDay.objects.get(date=D(2027, 2, 14))
        assert day.is_working_day and not day.provisional  # adjusted working Sunday
        assert calendar.add_working_days(D(2027, 2, 10), 3) == D(2027, 2, 16)
        assert calendar.add_working_days(D(2027, 2, 10), 3) == calendar._loop_add_working_days(
            D(2027, 2, 10), 3
        )
        assert not calendar.add_working_days_detail(D(2027, 2, 10), 3).provisional

    def test_a_year_marked_provisional_falls_back_and_is_flagged_again(self):
        CalendarYear.objects.filter(year=2026).update(source=CalendarYear.Source.PROVISIONAL)
        CalendarDay.objects.filter(date__year=2026).delete()  # as if never seeded
        calendar.refresh_index()
        # 2026-10-10 was an adjusted working Saturday; without the notice it is a weekend.
        assert not calendar.is_working_day(D(2026, 10, 10))
        assert not calendar.is_working_day(D(2026, 10, 1))  # 国庆节, statutory
        assert BusinessDay.objects.get(date=D(2026, 10, 1)).provisional

    def test_sync_calendar_rebuilds_and_a_rebuild_with_nothing_new_writes_nothing(self):
        CalendarDay.objects.filter(date__year=2026).delete()
        calendar.refresh_index()
        # An official year without its rows: a plain Monday-Friday week.
        assert calendar.is_working_day(D(2026, 10, 1))
        calendar.sync_from_package()
        assert not calendar.is_working_day(D(2026, 10, 1))
        assert calendar.is_working_day(D(2026, 10, 10))
        assert calendar.rebuild_index() is None

    def test_the_span_reaches_ten_years_ahead(self):
        _first, last = calendar.index_span(D(2031, 6, 1))
        assert last == D(2041, 12, 31)
        assert calendar.index_span(D(2026, 6, 1))[1] == D(2036, 12, 31)
