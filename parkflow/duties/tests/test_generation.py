"""R-MON-3: the compliance calendar creates each period's tasks exactly once, with an owner and
a due date on the business calendar — across month, quarter and year boundaries, holidays and
adjusted working days."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.db.models import Count

from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from ..declarations import all_duties, period_of
from ..models import DutyTask
from ..services import duty_tasks_generate
from .factories import build_org

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def org(park, other_park):
    return build_org(park, other_park)


def _on(day: datetime.date):
    """Run the daily job as it runs at 01:10 on ``day`` (Asia/Shanghai)."""
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 1, 10, tzinfo=_TZ)):
        return duty_tasks_generate()


_TZ = datetime.timezone(datetime.timedelta(hours=8))


def _task(code, unit, period):
    return DutyTask.objects.get(duty=code, unit=unit, period=period)


def test_running_twice_in_a_month_creates_each_task_once(org):
    first = _on(D(2026, 10, 12))
    assert first > 0
    events = AuditEvent.objects.filter(action="duty_task.create").count()
    assert events == first
    assert _on(D(2026, 10, 12)) == 0
    assert _on(D(2026, 10, 20)) == 0  # later in the same month: nothing new either
    assert DutyTask.objects.count() == first
    assert AuditEvent.objects.filter(action="duty_task.create").count() == events
    duplicates = (
        DutyTask.objects.values("duty", "unit", "period").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    # One monthly screening per park, one statistics table per business department.
    screening = DutyTask.objects.filter(duty="risk.monthly_screening", period="2026-10")
    assert set(screening.values_list("unit", flat=True)) == {org.park.pk, org.other_park.pk}
    statistics = DutyTask.objects.filter(duty="monitoring.monthly_statistics", period="2026-10")
    assert set(statistics.values_list("unit", flat=True)) == {
        org.business.pk,
        org.other_business.pk,
    }


def test_the_database_refuses_a_second_task_for_the_same_duty_unit_and_period(org):
    _on(D(2026, 10, 12))
    task = DutyTask.objects.filter(duty="risk.monthly_screening").first()
    task.pk = None
    with pytest.raises(IntegrityError):
        task.save()


def test_the_first_working_day_of_october_2026_is_after_the_national_day_holiday(org):
    """国庆 2026: 1–7 October off; the coordination meeting of October falls due on Thursday
    8 October, and "the 10th working day" counts the adjusted Saturday 10 October."""
    _on(D(2026, 10, 1))  # a holiday: the job still runs and creates October's tasks
    meeting = _task("monitoring.coordination_meeting", org.office, "2026-10")
    assert meeting.due_on == D(2026, 10, 8)
    statistics = _task("monitoring.monthly_statistics", org.business, "2026-10")
    assert statistics.due_on == D(2026, 10, 20)


def test_the_first_working_day_of_january_2026_is_an_adjusted_sunday(org):
    """元旦 2026: 1–3 January off, Sunday 4 January is an adjusted working day (调休)."""
    _on(D(2026, 1, 1))
    assert _task("monitoring.coordination_meeting", org.office, "2026-01").due_on == D(2026, 1, 4)


def test_by_31_january_on_a_sunday_falls_due_the_working_day_before(org):
    """31 January 2027 is a Sunday: the annual report falls due on Friday 29 January (never
    after the date the regulation names, D43). With its 45 days' lead, the 2027 task appears
    on 15 December 2026, not the day before."""
    _on(D(2026, 12, 14))
    assert not DutyTask.objects.filter(duty="monitoring.annual_report", period="2027").exists()
    _on(D(2026, 12, 15))
    report = _task("monitoring.annual_report", org.office, "2027")
    assert report.due_on == D(2027, 1, 29)
    assert report.period_start == D(2027, 1, 1) and report.period_end == D(2027, 12, 31)
    assert _on(D(2027, 1, 4)) >= 0
    assert DutyTask.objects.filter(duty="monitoring.annual_report", period="2027").count() == 1
    # 31 January 2026 was a Saturday: due Friday 30 January.
    _on(D(2026, 1, 5))
    assert _task("monitoring.annual_report", org.office, "2026").due_on == D(2026, 1, 30)


def test_quarter_boundary_the_next_quarters_task_appears_on_its_first_day(org):
    _on(D(2026, 9, 30))
    review_q3 = _task("agreements.quarterly_legal_review", org.legal, "2026-Q3")
    assert review_q3.due_on == D(2026, 9, 30)
    assert not DutyTask.objects.filter(duty="agreements.quarterly_legal_review", period="2026-Q4")
    _on(D(2026, 10, 1))
    review_q4 = _task("agreements.quarterly_legal_review", org.legal, "2026-Q4")
    assert review_q4.due_on == D(2026, 12, 31)
    assert review_q4.period_start == D(2026, 10, 1) and review_q4.period_end == D(2026, 12, 31)
    assert DutyTask.objects.filter(duty="agreements.quarterly_legal_review").count() == 2


def test_in_november_and_june_december_duties_appear_in_their_month(org):
    _on(D(2026, 10, 31))
    assert not DutyTask.objects.filter(duty="compliance.regulation_review").exists()
    _on(D(2026, 11, 1))  # a Sunday
    review = _task("compliance.regulation_review", org.office, "2026")
    assert review.due_on == D(2026, 11, 30)
    _on(D(2026, 5, 31))
    assert not DutyTask.objects.filter(duty="monitoring.evaluation", period="2026-H1").exists()
    _on(D(2026, 6, 1))
    assert _task("monitoring.evaluation", org.office, "2026-H1").due_on == D(2026, 6, 30)
    _on(D(2026, 12, 1))
    assert _task("monitoring.evaluation", org.office, "2026-H2").due_on == D(2026, 12, 31)


def test_year_boundary_monthly_and_annual_tasks_start_again(org):
    _on(D(2026, 12, 31))
    _on(D(2027, 1, 1))
    assert _task("risk.monthly_screening", org.park, "2026-12").due_on == D(2026, 12, 31)
    january = _task("risk.monthly_screening", org.park, "2027-01")
    # 2027's schedule is not loaded: the statutory holidays count (元旦 Friday 1 January); the
    # last working day of January is Friday 29 January.
    assert january.due_on == D(2027, 1, 29)


def test_owner_is_the_role_holder_in_the_unit_else_its_park_else_headquarters(org):
    park_officer = staff(Role.RISK_OFFICER, org.park, display_name="甲园风控")
    _on(D(2026, 10, 12))
    assert _task("risk.monthly_screening", org.park, "2026-10").owner == park_officer
    # Park B has no risk officer of its own: headquarters' answers for it.
    assert _task("risk.monthly_screening", org.other_park, "2026-10").owner == org.person("risk")
    assert _task("monitoring.monthly_statistics", org.business, "2026-10").owner == org.person(
        "biz_a"
    )
    assert _task("monitoring.coordination_meeting", org.office, "2026-10").owner == org.person(
        "office"
    )


def test_a_role_nobody_holds_leaves_the_task_to_the_roles_pool(org):
    org.person("legal").role_assignments.all().delete()
    _on(D(2026, 10, 12))
    task = _task("agreements.quarterly_legal_review", org.legal, "2026-Q4")
    assert task.owner is None and task.owner_role == Role.LEGAL_OFFICER


def test_every_declared_duty_makes_tasks_in_a_year(org):
    """Each duty the regulation names produces its periods' tasks in 2026, once each."""
    for month in range(1, 13):
        _on(D(2026, month, 1))
    per_year = {"monthly": 12, "quarterly": 4, "semiannual": 2, "annual": 1}
    for duty in all_duties().values():
        periods = set(
            DutyTask.objects.filter(duty=duty.code, period_start__year=2026).values_list(
                "period", flat=True
            )
        )
        assert len(periods) == per_year[duty.cadence], duty.code
        first = period_of(duty.cadence, D(2026, 1, 1))
        assert first.key in periods, duty.code
