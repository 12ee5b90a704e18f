"""Business calendar on the Chinese official calendar, with adjusted working days (R-CMP-3)."""

import datetime

import pytest

from parkflow.core import calendar
from parkflow.core.models import CalendarDay

D = datetime.date


@pytest.mark.django_db
class TestWorkingDays:
    def test_national_day_holiday_is_skipped_and_the_adjusted_saturday_counts(self):
        # 2026: 10月1日–7日 holiday; Saturday 10月10日 is an adjusted working day.
        assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)

    def test_spring_festival_2026(self):
        assert not calendar.is_working_day(D(2026, 2, 17))  # 正月初一
        assert calendar.is_working_day(D(2026, 2, 14))  # Saturday, adjusted working day

    def test_plain_week_without_holidays(self):
        assert calendar.add_working_days(D(2026, 11, 27), 3) == D(2026, 12, 2)  # Fri → Wed
        assert calendar.working_days_between(D(2026, 11, 27), D(2026, 12, 2)) == 3

    def test_between_is_the_inverse_of_add(self):
        start = D(2026, 1, 20)
        for n in range(0, 30):
            assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n

    def test_an_admin_added_holiday_is_respected(self):
        CalendarDay.objects.create(date=D(2030, 3, 5), is_working_day=False, name="园区停电检修")
        assert not calendar.is_working_day(D(2030, 3, 5))
        assert calendar.add_working_days(D(2030, 3, 4), 1) == D(2030, 3, 6)

    def test_seed_holds_only_exceptions_and_resync_keeps_admin_edits(self):
        assert CalendarDay.objects.filter(date=D(2026, 10, 1), is_working_day=False).exists()
        assert not CalendarDay.objects.filter(date=D(2026, 11, 28)).exists()  # ordinary Saturday
        CalendarDay.objects.filter(date=D(2026, 10, 1)).update(name="国庆节（园区值班）")
        assert calendar.sync_from_package() == 0
        assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节（园区值班）"


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 1, 1), -1)
