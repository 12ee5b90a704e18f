"""SLA clocks on the business calendar (issue 8 §2; R-SVC-1, R-CMP-3, R-MON-4), on the test
domain's errand (a response clock of 3 working days from submission, paused while waiting for the
enterprise's documents, stopped on completion). Time is moved with time-machine in Asia/Shanghai
across a weekend, the 2026 National Day holiday (1–7 October off, Saturday 10 October an adjusted
working day, as seeded from chinese-calendar), the close of business, and pauses."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parkflow.core import calendar_schedule, sla, workflow
from parkflow.core.choices import SlaState, SlaUnit
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent, SlaClock, SlaSetting
from parkflow.core.rules import Param
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff
from parkflow.testdomain.clocks import RESPONSE
from parkflow.testdomain.models import Errand
from parkflow.testdomain.tests.factories import errand, signed_off, submitted

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SH)


def travel(moment):
    return time_machine.travel(moment, tick=False)


def clock_of(obj, code=RESPONSE.code) -> SlaClock:
    return SlaClock.objects.get(object_id=obj.pk, code=code)


def left(obj) -> str:
    return sla.clocks_of(obj)[0].remaining


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def lead(park):
    return staff(Role.LEAD_STAFF, park, display_name="李主管")


@pytest.fixture
def hq_admin(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))


def _declare(code, unit, amount):
    return sla.register(
        sla.Clock(
            code=code,
            model="testdomain.Errand",
            label=f"测试时限（{code}）",
            unit=unit,
            targets={"default": Param(float, amount, min=0.5, max=1000)},
            permission="errand.submit",
        )
    )


@pytest.fixture
def working_hours_clock():
    declared = _declare("testdomain.test_working_hours", SlaUnit.WORKING_HOURS, 4)
    yield declared
    sla.REGISTRY.pop(declared.code)


@pytest.fixture
def calendar_hours_clock():
    declared = _declare("testdomain.test_calendar_hours", SlaUnit.CALENDAR_HOURS, 24)
    yield declared
    sla.REGISTRY.pop(declared.code)


def complete(made, lead):
    signed_off(made)
    return workflow.transition(actor=lead, obj=made, name="complete")


# ---------------------------------------------------------------------------------------------
# Working days


class TestWorkingDays:
    def test_across_a_weekend_the_deadline_is_the_close_of_the_third_working_day(self, park, clerk):
        with travel(at(2026, 11, 27, 10)):  # a Friday
            made = submitted(park, clerk)
        row = clock_of(made)
        assert row.state == SlaState.RUNNING and row.unit == SlaUnit.WORKING_DAYS
        assert row.target == Decimal(3) and row.grade == "normal"
        assert row.started_at == at(2026, 11, 27, 10)
        assert row.due_at == at(2026, 12, 2, 17, 30)  # Mon, Tue, Wed
        # 80 % of the 33 business hours (7.5 left on Friday + 3 × 8.5) is 26.4 h: Wed 10:54.
        assert row.warn_at == at(2026, 12, 2, 10, 54)
        assert row.critical_at == at(2026, 12, 8, 16, 30)  # twice the window
        assert not row.provisional
        with travel(at(2026, 11, 28, 12)):  # Saturday: nothing of the weekend counts
            assert left(made) == "剩余 3 个工作日"
        with travel(at(2026, 12, 1, 9)):
            assert left(made) == "剩余 2 个工作日"
        with travel(at(2026, 12, 3, 11)):
            assert left(made) == "已超时 2 小时"

    def test_national_day_is_skipped_and_the_adjusted_saturday_counts(self, park, clerk):
        with travel(at(2026, 9, 30, 15)):
            made = submitted(park, clerk)
        # 1–7 October off; Thu 8, Fri 9 and the adjusted working Saturday 10 October count.
        assert clock_of(made).due_at == at(2026, 10, 10, 17, 30)
        with travel(at(2026, 10, 4, 10)):  # in the holiday: no business time passes
            assert left(made) == "剩余 3 个工作日"
        with travel(at(2026, 10, 9, 9)):
            assert left(made) == "剩余 2 个工作日"
        with travel(at(2026, 10, 11, 10)):  # Sunday after the deadline: overdue, 0 h past
            view = sla.clocks_of(made)[0]
            assert view.overdue and view.remaining == "已超时"
        with travel(at(2026, 10, 12, 10)):
            assert left(made) == "已超时 1 小时"

    def test_submitted_on_the_adjusted_saturday_that_day_is_not_counted(self, park, clerk):
        with travel(at(2026, 10, 10, 11)):
            made = submitted(park, clerk)
        assert clock_of(made).due_at == at(2026, 10, 14, 17, 30)  # Mon 12, Tue 13, Wed 14


# ---------------------------------------------------------------------------------------------
# Working hours


class TestWorkingHours:
    def test_hours_cross_the_close_into_the_next_working_morning(
        self, park, clerk, working_hours_clock
    ):
        made = errand(park, clerk)
        with travel(at(2026, 11, 30, 16, 30)):  # Monday
            row = sla.start(actor=clerk, obj=made, clock=working_hours_clock)
        # 1 h to 17:30, then from 09:00 on Tuesday.
        assert row.due_at == at(2026, 12, 1, 12, 0)

    def test_a_deadline_at_the_close_stays_at_the_close(self, park, clerk, working_hours_clock):
        made = errand(park, clerk)
        with travel(at(2026, 11, 30, 13, 30)):
            row = sla.start(actor=clerk, obj=made, clock=working_hours_clock)
        assert row.due_at == at(2026, 11, 30, 17, 30)  # not Tuesday 09:00

    def test_hours_from_friday_evening_run_on_the_adjusted_saturday(
        self, park, clerk, working_hours_clock
    ):
        made = errand(park, clerk)
        with travel(at(2026, 10, 9, 20, 0)):  # after the close: counting starts Saturday 09:00
            row = sla.start(actor=clerk, obj=made, clock=working_hours_clock)
        assert row.due_at == at(2026, 10, 10, 13, 0)

    def test_hours_started_in_the_holiday_begin_on_the_first_working_morning(
        self, park, clerk, working_hours_clock
    ):
        made = errand(park, clerk)
        with travel(at(2026, 10, 2, 15)):
            row = sla.start(actor=clerk, obj=made, clock=working_hours_clock)
        assert row.due_at == at(2026, 10, 8, 13, 0)
        with travel(at(2026, 10, 8, 9, 30)):
            assert left(made) == "剩余 3 小时 30 分钟"

    def test_calendar_hours_count_the_holiday(self, park, clerk, calendar_hours_clock):
        made = errand(park, clerk)
        with travel(at(2026, 10, 2, 15)):
            row = sla.start(actor=clerk, obj=made, clock=calendar_hours_clock)
        assert row.due_at == at(2026, 10, 3, 15)
        with travel(at(2026, 10, 2, 16)):
            assert left(made) == "剩余 23 小时"


# ---------------------------------------------------------------------------------------------
# Pause and resume (等待企业补充材料)


class TestPause:
    def test_a_pause_spanning_the_holiday_moves_the_deadline_by_the_business_time_it_covered(
        self, park, clerk
    ):
        with travel(at(2026, 9, 28, 10)):  # Monday
            made = submitted(park, clerk)
        assert clock_of(made).due_at == at(2026, 10, 8, 17, 30)  # Tue 29, Wed 30, Thu 8
        with travel(at(2026, 9, 30, 16)):
            workflow.transition(
                actor=clerk, obj=made, name="wait_for_materials", reason="营业执照复印件不清晰"
            )
        row = clock_of(made)
        assert row.state == SlaState.PAUSED and row.paused_at == at(2026, 9, 30, 16)
        with travel(at(2026, 10, 9, 9)):  # the first deadline has passed, but the clock stands
            assert not sla.overdue(Errand.objects.all(), RESPONSE).exists()
            assert left(made) == "剩余 1 个工作日 1 小时"  # frozen: 1.5 h + 8.5 h
        with travel(at(2026, 10, 9, 10)):
            workflow.transition(actor=clerk, obj=made, name="materials_received")
        row = clock_of(made)
        # Paused 1.5 h (Sep 30) + 8.5 h (Oct 8) + 1 h (Oct 9) = 11 business hours; the holiday
        # adds nothing. Oct 8 17:30 + 11 h = Fri Oct 9 close + 2.5 h = Sat Oct 10 11:30.
        assert row.state == SlaState.RUNNING and row.paused_at is None
        assert row.due_at == at(2026, 10, 10, 11, 30)
        assert row.pauses[0]["reason"] == "营业执照复印件不清晰"
        assert row.pauses[0]["to"]
        actions = list(
            AuditEvent.objects.filter(object_id=str(made.pk), action__startswith="sla.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["sla.start", "sla.pause", "sla.resume"]

    def test_a_calendar_clock_moves_by_the_real_time_paused(
        self, park, clerk, calendar_hours_clock
    ):
        made = errand(park, clerk)
        with travel(at(2026, 9, 30, 16)):
            sla.start(actor=clerk, obj=made, clock=calendar_hours_clock)
        with travel(at(2026, 9, 30, 18)):
            sla.pause(actor=clerk, obj=made, clock=calendar_hours_clock)
        with travel(at(2026, 10, 2, 18)):
            row = sla.resume(actor=clerk, obj=made, clock=calendar_hours_clock)
        assert row.due_at == at(2026, 10, 3, 16)  # 24 h + 48 h paused

    def test_pause_and_resume_refuse_the_wrong_state_and_write_nothing(self, park, clerk):
        made = submitted(park, clerk)
        with pytest.raises(Conflict) as refused:
            sla.resume(actor=clerk, obj=made, clock=RESPONSE)
        assert refused.value.code == "sla_wrong_state"
        sla.pause(actor=clerk, obj=made, clock=RESPONSE)
        events = AuditEvent.objects.count()
        with pytest.raises(Conflict):
            sla.pause(actor=clerk, obj=made, clock=RESPONSE)
        assert AuditEvent.objects.count() == events

    def test_an_auditor_may_not_pause_through_the_service_or_the_step(self, park, clerk):
        made = submitted(park, clerk)
        auditor = staff(Role.AUDITOR, park)
        events = AuditEvent.objects.count()
        with pytest.raises(PermissionDenied):
            sla.pause(actor=auditor, obj=made, clock=RESPONSE)
        with pytest.raises(PermissionDenied):
            workflow.transition(actor=auditor, obj=made, name="wait_for_materials")
        assert clock_of(made).state == SlaState.RUNNING
        assert AuditEvent.objects.count() == events


# ---------------------------------------------------------------------------------------------
# Regrade, stop and the outcome


class TestStartedEarlier:
    def test_a_clock_started_since_an_earlier_receipt_is_due_as_if_started_then(self, park, clerk):
        """A complaint received by phone on Friday and entered on Monday: entering it late buys
        no time (R-CMP-3)."""
        with travel(at(2026, 11, 30, 10)):
            made = errand(park, clerk)
            row = sla.start(actor=clerk, obj=made, clock=RESPONSE, since=at(2026, 11, 27, 10))
        assert row.started_at == at(2026, 11, 27, 10)
        assert row.due_at == at(2026, 12, 2, 17, 30)

    def test_a_start_in_the_future_is_now(self, park, clerk):
        with travel(at(2026, 11, 30, 10)):
            made = errand(park, clerk)
            row = sla.start(actor=clerk, obj=made, clock=RESPONSE, since=at(2026, 12, 9, 10))
        assert row.started_at == at(2026, 11, 30, 10)


class TestRegradeAndOutcome:
    def test_regrade_recomputes_the_deadline_from_the_original_start(self, park, clerk, lead):
        with travel(at(2026, 11, 27, 10)):
            made = submitted(park, clerk)
        with travel(at(2026, 11, 27, 11)):
            row = sla.regrade(actor=lead, obj=made, clock=RESPONSE, grade="urgent", reason="加急")
        assert row.grade == "urgent" and row.target == Decimal(1)
        assert row.due_at == at(2026, 11, 30, 17, 30)
        event = AuditEvent.objects.filter(action="sla.regrade").get()
        assert datetime.datetime.fromisoformat(event.before["due_at"]) == at(2026, 12, 2, 17, 30)
        assert datetime.datetime.fromisoformat(event.after["due_at"]) == at(2026, 11, 30, 17, 30)
        assert event.reason == "加急"

    def test_an_unknown_grade_is_refused(self, park, clerk, lead):
        made = submitted(park, clerk)
        with pytest.raises(ValidationFailed):
            sla.regrade(actor=lead, obj=made, clock=RESPONSE, grade="特急")

    def test_completed_in_time_is_met_and_recorded_once(self, park, clerk, lead):
        with travel(at(2026, 11, 27, 10)):
            made = submitted(park, clerk)
        with travel(at(2026, 12, 2, 17, 0)):
            complete(made, lead)
        row = clock_of(made)
        assert row.state == SlaState.MET and row.stopped_at == at(2026, 12, 2, 17, 0)
        events = AuditEvent.objects.count()
        with travel(at(2026, 12, 4, 9)), pytest.raises(Conflict) as refused:
            sla.stop(actor=lead, obj=made, clock=RESPONSE)
        assert refused.value.code == "sla_stopped"
        row.refresh_from_db()
        assert row.state == SlaState.MET and row.stopped_at == at(2026, 12, 2, 17, 0)
        assert AuditEvent.objects.count() == events
        with pytest.raises(Conflict) as restarted:
            sla.start(actor=clerk, obj=made, clock=RESPONSE)
        assert restarted.value.code == "sla_finished"

    def test_completed_late_is_breached(self, park, clerk, lead):
        with travel(at(2026, 11, 27, 10)):
            made = submitted(park, clerk)
        with travel(at(2026, 12, 3, 9, 5)):
            complete(made, lead)
        row = clock_of(made)
        assert row.state == SlaState.BREACHED and row.stopped_at == at(2026, 12, 3, 9, 5)
        event = AuditEvent.objects.filter(action="sla.stop").get()
        assert event.after["sla_state"] == "breached" and event.after["stopped_at"]

    def test_stopping_a_paused_clock_judges_it_on_the_time_that_counted(self, park, clerk, lead):
        with travel(at(2026, 11, 27, 10)):
            made = submitted(park, clerk)
        with travel(at(2026, 11, 30, 10)):
            sla.pause(actor=clerk, obj=made, clock=RESPONSE)
        with travel(at(2026, 12, 10, 10)):  # long after the first deadline, but paused
            row = sla.stop(actor=lead, obj=made, clock=RESPONSE)
        assert row.state == SlaState.MET and row.paused_at is None

    def test_a_resubmission_keeps_the_running_clock(self, park, clerk, lead):
        with travel(at(2026, 11, 27, 10)):
            made = submitted(park, clerk)
        with travel(at(2026, 11, 30, 10)):
            workflow.transition(actor=lead, obj=made, name="send_back", reason="材料不全")
            workflow.transition(actor=clerk, obj=made, name="submit")
        assert SlaClock.objects.filter(object_id=made.pk).count() == 1
        assert clock_of(made).started_at == at(2026, 11, 27, 10)
        assert AuditEvent.objects.filter(action="sla.start").count() == 1

    def test_attainment_counts_met_and_breached(self, park, clerk, lead):
        with travel(at(2026, 11, 27, 10)):
            on_time, late, open_ = (submitted(park, clerk, title=t) for t in "甲乙丙")
        with travel(at(2026, 12, 1, 10)):
            complete(on_time, lead)
        with travel(at(2026, 12, 4, 10)):
            complete(late, lead)
        kpi = sla.attainment(Errand.objects.all(), RESPONSE)
        assert kpi == {"met": 1, "breached": 1, "rate": 0.5}
        assert open_.pk not in sla.clocks_for(
            Errand.objects.filter(pk=late.pk), RESPONSE
        ).values_list("object_id", flat=True)

    def test_a_clock_is_declared_for_one_model(self, park, clerk):
        with pytest.raises(ValueError):
            sla.start(actor=clerk, obj=park, clock=RESPONSE)


# ---------------------------------------------------------------------------------------------
# Set-based overdue and due-soon


class TestSelectors:
    def test_overdue_and_due_soon_are_one_query_over_the_domains_queryset(
        self, park, other_park, clerk, django_assert_num_queries
    ):
        with travel(at(2026, 11, 27, 10)):  # due Wed 2 Dec 17:30, warned from 10:54
            early = [submitted(park, clerk, title=f"早{i}") for i in range(3)]
        with travel(at(2026, 12, 1, 10)):  # due Fri 4 Dec 17:30
            later = [submitted(park, clerk, title=f"晚{i}") for i in range(2)]
        with travel(at(2026, 11, 30, 10)):
            paused = submitted(park, clerk, title="暂停")
            sla.pause(actor=clerk, obj=paused, clock=RESPONSE)
        draft = errand(park, clerk, title="草稿")
        everything = Errand.objects.all()
        with travel(at(2026, 12, 2, 12)):
            with django_assert_num_queries(1):
                soon = set(sla.due_soon(everything, RESPONSE).values_list("pk", flat=True))
            assert soon == {e.pk for e in early}
            assert not sla.overdue(everything, RESPONSE).exists()
        with travel(at(2026, 12, 3, 9, 30)):
            with django_assert_num_queries(1):
                late = set(sla.overdue(everything, RESPONSE).values_list("pk", flat=True))
            assert late == {e.pk for e in early}
            # The domain's own filters and scope stay: the selector only adds a condition.
            assert not sla.overdue(everything.filter(park=other_park), RESPONSE).exists()
        assert paused.pk not in late and draft.pk not in late
        with travel(at(2026, 12, 9, 9)):
            assert set(sla.critical(everything, RESPONSE).values_list("pk", flat=True)) == {
                e.pk for e in early
            }
            annotated = sla.with_clock(everything, RESPONSE).get(pk=later[0].pk)
            assert annotated.sla_due_at == at(2026, 12, 4, 17, 30)
            assert annotated.sla_state == SlaState.RUNNING

    def test_the_overdue_query_does_not_grow_with_rows(
        self, park, clerk, django_assert_num_queries
    ):
        with travel(at(2026, 11, 27, 10)):
            for i in range(12):
                submitted(park, clerk, title=f"事项{i}")
        with travel(at(2026, 12, 10, 10)), django_assert_num_queries(1):
            assert len(list(sla.overdue(Errand.objects.all(), RESPONSE))) == 12


# ---------------------------------------------------------------------------------------------
# The provisional fallback, calendar changes and the business hours


class TestCalendarChanges:
    def test_a_deadline_in_a_year_without_its_notice_is_flagged_and_follows_the_notice(
        self, park, clerk, hq_admin
    ):
        with travel(at(2026, 12, 30, 10)):
            made = submitted(park, clerk)
        row = clock_of(made)
        # Thu 31 Dec, then 2027: 元旦 by the statutory fallback, the weekend, Mon 4, Tue 5.
        assert row.due_at == at(2027, 1, 5, 17, 30)
        assert row.provisional
        with travel(at(2026, 12, 30, 11)):
            rows = [
                calendar_schedule.ScheduleRow(
                    "元旦", datetime.date(2027, 1, 1), datetime.date(2027, 1, 4), [], 1
                )
            ]
            calendar_schedule.calendar_schedule_enter(actor=hq_admin, year=2027, rows=rows)
        row.refresh_from_db()
        assert row.due_at == at(2027, 1, 6, 17, 30)  # the notice gives Monday 4 off too
        assert not row.provisional

    def test_new_business_hours_re_time_running_clocks_and_are_audited(self, park, clerk, hq_admin):
        with travel(at(2026, 11, 27, 10)):
            made = submitted(park, clerk)
        sla.setting_update(
            actor=hq_admin,
            code=sla.BUSINESS_HOURS,
            params={"opens": "08:30", "closes": "17:00"},
            reason="冬令作息",
        )
        assert clock_of(made).due_at == at(2026, 12, 2, 17, 0)
        assert sla.business_hours().text == "08:30–17:00"
        event = AuditEvent.objects.filter(action="sla.configure").get()
        assert event.after == {"opens": "08:30", "closes": "17:00", "recalculated": 1}
        assert event.reason == "冬令作息"

    def test_business_hours_must_be_a_sensible_day(self, hq_admin):
        for params in ({"opens": "17:30", "closes": "09:00"}, {"opens": "9点", "closes": "17:30"}):
            with pytest.raises(ValidationFailed):
                sla.setting_update(actor=hq_admin, code=sla.BUSINESS_HOURS, params=params)
        assert not SlaSetting.objects.exists()

    def test_a_new_target_applies_to_clocks_started_after_it(self, park, clerk, hq_admin):
        with travel(at(2026, 11, 27, 10)):
            before = submitted(park, clerk, title="调整前")
            sla.setting_update(
                actor=hq_admin,
                code=RESPONSE.code,
                params={"unit": "working_days", "normal": "5", "urgent": 1},
            )
            after = submitted(park, clerk, title="调整后")
        assert clock_of(before).due_at == at(2026, 12, 2, 17, 30)
        assert clock_of(after).due_at == at(2026, 12, 4, 17, 30)
        assert clock_of(after).target == Decimal(5)

    def test_a_target_out_of_its_bounds_or_an_unknown_unit_is_refused(self, hq_admin):
        for params in ({"normal": 0}, {"unit": "weeks"}, {"fortnight": 2}):
            with pytest.raises(ValidationFailed):
                sla.setting_update(actor=hq_admin, code=RESPONSE.code, params=params)
        assert not SlaSetting.objects.exists()

    def test_a_park_administrator_may_not_change_the_group_settings(self, park):
        with pytest.raises(PermissionDenied):
            sla.setting_update(
                actor=staff(Role.SYSTEM_ADMIN, park),
                code=sla.BUSINESS_HOURS,
                params={"opens": "08:00", "closes": "17:00"},
            )
        assert not SlaSetting.objects.exists()


# ---------------------------------------------------------------------------------------------
# The 时限设置 page


class TestSettingsPage:
    def test_everyone_reads_the_settings_only_headquarters_admins_get_the_buttons(
        self, client, park, hq_admin
    ):
        from django.urls import reverse

        client.force_login(staff(Role.AUDITOR, park))
        html = client.get(reverse("core:sla_settings")).content.decode()
        assert (
            "09:00–17:30" in html and "响应时限" in html and "一般事项：<strong>3</strong>" in html
        )
        assert "园区事项" in html and "工作日" in html
        assert reverse("core:sla_hours_edit") not in html
        client.force_login(hq_admin)
        html = client.get(reverse("core:sla_settings")).content.decode()
        assert reverse("core:sla_hours_edit") in html
        assert reverse("core:sla_clock_edit", args=[RESPONSE.code]) in html
        home = client.get(reverse("workbench:home")).content.decode()
        assert reverse("core:sla_settings") in home and "时限设置" in home

    def test_changing_the_hours_on_the_page_is_audited_and_a_bad_time_is_shown_inline(
        self, client, hq_admin
    ):
        from django.urls import reverse

        client.force_login(hq_admin)
        url = reverse("core:sla_hours_edit")
        bad = client.post(url, {"opens": "18:00", "closes": "09:00", "reason": "试"})
        assert (
            bad.status_code == 200 and "下班时间应晚于上班时间至少 1 小时" in bad.content.decode()
        )
        assert not AuditEvent.objects.filter(action="sla.configure").exists()
        done = client.post(url, {"opens": "08:30", "closes": "17:00", "reason": "冬令作息"})
        assert done.status_code == 302
        assert AuditEvent.objects.filter(action="sla.configure").count() == 1
        assert "08:30–17:00" in client.get(reverse("core:sla_settings")).content.decode()

    def test_a_target_out_of_range_is_shown_on_its_field(self, client, hq_admin):
        from django.urls import reverse

        client.force_login(hq_admin)
        url = reverse("core:sla_clock_edit", args=[RESPONSE.code])
        form = client.get(url).content.decode()
        assert "一般事项" in form and "紧急事项" in form and "计时单位" in form
        bad = client.post(
            url, {"unit": "working_days", "normal": "99", "urgent": "1", "reason": "试"}
        )
        assert bad.status_code == 200 and "1 到 30 之间的整数" in bad.content.decode()
        assert not SlaSetting.objects.exists()
        assert client.get(reverse("core:sla_clock_edit", args=["no.such"])).status_code == 404

    def test_the_configure_event_reads_in_chinese_on_the_audit_page(self, client, hq_admin):
        from django.urls import reverse

        sla.setting_update(
            actor=hq_admin,
            code=RESPONSE.code,
            params={"unit": "working_hours", "normal": 20, "urgent": 4},
        )
        client.force_login(staff(Role.AUDITOR, OrgUnitFactory(name="审计部")))
        html = client.get(reverse("core:audit")).content.decode()
        assert "修改时限设置" in html
        assert "一般事项" in html and "工作小时" in html and "working_hours" not in html


def test_removing_the_clock_services_access_check_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    """The generated refusal test of ``sla.pause`` bites: with ``access.ensure`` made a no-op in
    core.sla, a park-B clerk, an auditor and a stranger would pause park A's clock."""
    from . import test_service_permissions as generated
    from .test_route_permissions import disable_access_checks

    disable_access_checks(monkeypatch, sla)
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        generated.test_service_refuses_who_may_not_and_writes_nothing(
            "parkflow.core.sla.pause", park, other_park, monkeypatch
        )


def test_the_time_left_reads_in_english_too():
    from django.utils import translation

    day = sla.DEFAULT_HOURS.length
    left = sla.Remaining(2 * day + 3 * 3600 * sla.US, True, day, False)
    late = sla.Remaining(-(45 * 60 * sla.US), True, day, True)
    assert sla.remaining_text(left) == "剩余 2 个工作日 3 小时"
    assert sla.remaining_text(late) == "已超时 45 分钟"
    with translation.override("en"):
        assert sla.remaining_text(left) == "2 working day(s) 3 h left"
        assert sla.remaining_text(late) == "45 min overdue"
