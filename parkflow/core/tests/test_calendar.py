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


# ---------------------------------------------------------------------------------------------
# Issue 6 §3: the official calendar runs out; statutory fallback, coverage rule, schedule entry.

import csv  # noqa: E402
import io  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import chinese_calendar  # noqa: E402
import time_machine  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402

from parkflow.core import calendar_schedule, rules  # noqa: E402
from parkflow.core.calendar_rules import CODE as COVERAGE  # noqa: E402
from parkflow.core.choices import AlertStatus  # noqa: E402
from parkflow.core.errors import PermissionDenied, ValidationFailed  # noqa: E402
from parkflow.core.models import Alert, AuditEvent, CalendarYear  # noqa: E402
from parkflow.org.choices import Role  # noqa: E402
from parkflow.org.tests.factories import OrgUnitFactory, staff  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
LATE_NOVEMBER_2026 = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
SCHEDULE_2027 = """元旦, 2027-01-01~2027-01-03
春节, 2027-02-05~2027-02-12, 2027-02-14 2027-02-20
清明节, 2027-04-03~2027-04-05
劳动节, 2027-05-01~2027-05-05, 2027-04-25
端午节, 2027-06-09
中秋节, 2027-09-15
国庆节, 2027-10-01~2027-10-07, 2027-09-26 2027-10-09
"""


@pytest.fixture
def late_november_2026():
    with time_machine.travel(LATE_NOVEMBER_2026, tick=False):
        yield


@pytest.fixture
def hq_admin(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="运营管理公司"))


def _active_coverage_alerts():
    return Alert.objects.filter(rule_code=COVERAGE, status__in=rules.ACTIVE)


def _enter_through_page(client, text=SCHEDULE_2027, year=2027, notice="国办发明电〔2026〕9号"):
    url = reverse("core:calendar_enter")
    data = {"year": year, "notice": notice, "schedule": text}
    preview = client.post(url, {**data, "action": "preview"})
    confirm = client.post(url, {**data, "action": "confirm"})
    return preview, confirm


class TestStatutoryHolidays:
    # Published dates (China's official calendar / State Council notices; lunar feasts by the
    # Purple Mountain Observatory's almanac).
    KNOWN = {
        2025: {
            "春节": D(2025, 1, 29),
            "清明节": D(2025, 4, 4),
            "端午节": D(2025, 5, 31),
            "中秋节": D(2025, 10, 6),
        },
        2026: {
            "春节": D(2026, 2, 17),
            "清明节": D(2026, 4, 5),
            "端午节": D(2026, 6, 19),
            "中秋节": D(2026, 9, 25),
        },
        2027: {
            "春节": D(2027, 2, 6),
            "清明节": D(2027, 4, 5),
            "端午节": D(2027, 6, 9),
            "中秋节": D(2027, 9, 15),
        },
        2028: {
            "春节": D(2028, 1, 26),
            "清明节": D(2028, 4, 4),
            "端午节": D(2028, 5, 28),
            "中秋节": D(2028, 10, 3),
        },
        2029: {
            "春节": D(2029, 2, 13),
            "清明节": D(2029, 4, 4),
            "端午节": D(2029, 6, 16),
            "中秋节": D(2029, 9, 22),
        },
        2030: {
            "春节": D(2030, 2, 3),
            "清明节": D(2030, 4, 5),
            "端午节": D(2030, 6, 5),
            "中秋节": D(2030, 9, 12),
        },
    }

    @pytest.mark.parametrize("year", sorted(KNOWN))
    def test_lunar_feasts_and_qingming_fall_on_the_published_dates(self, year):
        days = dict(calendar.statutory_holidays(year))
        known = self.KNOWN[year]
        spring = known["春节"]
        # 春节 is four days from 除夕 (the eve) under the 2024 revision.
        assert [d for d, n in days.items() if "春节" in n] == [
            spring + datetime.timedelta(days=i) for i in range(-1, 3)
        ]
        for name in ("清明节", "端午节", "中秋节"):
            assert name in days[known[name]], (year, name)
        assert days[D(year, 1, 1)] == "元旦"
        assert [d for d, n in days.items() if n == "劳动节"] == [D(year, 5, 1), D(year, 5, 2)]
        assert [d for d, n in days.items() if "国庆节" in n] == [D(year, 10, d) for d in (1, 2, 3)]
        assert len(calendar.statutory_holidays(year)) == 13 - (1 if year == 2028 else 0)

    def test_mid_autumn_on_national_day_is_one_day_with_both_names(self):
        assert dict(calendar.statutory_holidays(2028))[D(2028, 10, 3)] == "中秋节、国庆节"

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_every_computed_statutory_day_is_a_holiday_in_the_official_calendar(self, year):
        # An independent check: the State Council schedules that chinese-calendar ships.
        for day, name in calendar.statutory_holidays(year):
            assert chinese_calendar.is_holiday(day), (day, name)


@pytest.mark.django_db
class TestProvisionalFallback:
    def test_new_years_day_2027_is_not_a_working_day_before_the_schedule_is_entered(self):
        assert not CalendarYear.objects.filter(year=2027).exclude(source="provisional").exists()
        assert not calendar.is_working_day(D(2027, 1, 1))
        assert not calendar.is_working_day(D(2027, 2, 5))  # 除夕, a Friday
        assert calendar.is_working_day(D(2027, 2, 9))  # 初四: a working day by law

    def test_adjusted_working_days_are_unknown_so_weekends_stay_rest_and_the_answer_is_flagged(
        self,
    ):
        answer = calendar.add_working_days_detail(D(2026, 12, 31), 1)
        assert answer.value == D(2027, 1, 4)  # skips 元旦 (Fri) and the weekend
        assert answer.provisional_years == (2027,)
        assert "2027 年放假安排尚未录入" in answer.notice
        assert "调休上班日未知" in answer.notice
        assert not calendar.is_working_day(D(2027, 2, 14))  # a Sunday: unknown, so rest

    def test_an_answer_inside_an_official_year_is_not_provisional(self):
        answer = calendar.add_working_days_detail(D(2026, 9, 30), 3)
        assert answer.value == D(2026, 10, 10)
        assert not answer.provisional and answer.notice == ""
        between = calendar.working_days_between_detail(D(2026, 12, 1), D(2027, 1, 8))
        assert between.provisional_years == (2027,)
        assert between.value == calendar.working_days_between(D(2026, 12, 1), D(2027, 1, 8))

    def test_a_row_an_administrator_entered_beats_the_computed_fallback(self):
        CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=True, name="园区值班")
        assert calendar.is_working_day(D(2027, 1, 1))

    def test_package_years_are_official_after_migration(self):
        assert {2020, 2026} <= calendar.official_years()
        assert 2027 not in calendar.official_years()


@pytest.mark.django_db
class TestCoverageRule:
    def test_the_rule_opens_an_alert_for_next_year_when_it_falls_within_sixty_days(
        self, late_november_2026, hq_admin
    ):
        assert rules.sweep_rule(COVERAGE) == (1, 0)
        alert = _active_coverage_alerts().get()
        assert alert.object_repr == "2027 年放假安排"
        assert alert.park is None  # national: headquarters sees it
        assert alert.assignee == hq_admin
        assert "2027 年的国务院放假安排尚未录入" in alert.message
        assert rules.sweep_rule(COVERAGE) == (0, 0)  # one open alert per year

    def test_no_alert_while_the_horizon_stays_inside_an_official_year(self, db):
        with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=SHANGHAI), tick=False):
            assert rules.sweep_rule(COVERAGE) == (0, 0)

    def test_the_horizon_is_a_parameter(self, db, hq_admin):
        with time_machine.travel(datetime.datetime(2026, 9, 1, tzinfo=SHANGHAI), tick=False):
            assert rules.sweep_rule(COVERAGE) == (0, 0)
            rules.rule_setting_update(
                actor=hq_admin, code=COVERAGE, params={"horizon_days": 150}, reason="提前预警"
            )
            # (the page's on-commit sweep does not run inside a test transaction)
            assert rules.sweep_rule(COVERAGE) == (1, 0)
            assert _active_coverage_alerts().get().object_repr == "2027 年放假安排"


@pytest.mark.django_db
def test_must_show_2027_is_provisional_and_alerted_until_the_schedule_is_entered_on_the_page(
    client, late_november_2026, hq_admin
):
    """Issue 6 §3 "must show": a working-day computation in 2027 gives a provisional answer that
    skips statutory holidays, and the calendar-coverage alert is open until next year's schedule
    is entered; entering it through the page closes the alert and changes the answer."""
    rules.sweep_rule(COVERAGE)
    assert _active_coverage_alerts().count() == 1

    across_new_year = calendar.add_working_days_detail(D(2026, 12, 31), 1)
    assert across_new_year.value == D(2027, 1, 4) and across_new_year.provisional
    before_spring = calendar.add_working_days_detail(D(2027, 2, 4), 1)
    assert before_spring.value == D(2027, 2, 9) and before_spring.provisional

    client.force_login(hq_admin)
    page = client.get(reverse("core:calendar"), {"start": "2026-12-31", "days": 1})
    assert "2027 年放假安排尚未录入，本结果按法定节假日暂算" in page.content.decode()

    data = {"year": 2027, "notice": "国办发明电〔2026〕9号", "schedule": SCHEDULE_2027}
    preview = client.post(reverse("core:calendar_enter"), {**data, "action": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "预览：2027 年放假安排" in body
    # The preview compares with the provisional fallback: 春节 grows by 4 weekdays, 劳动节 by
    # 3, 国庆 by 4, 元旦 and 清明 change nothing; 5 adjusted Saturdays/Sundays appear.
    assert preview.context["preview"].added_rest == 4 + 3 + 4
    assert preview.context["preview"].added_work == 5
    assert not CalendarYear.objects.get(year=2027).is_official  # a preview writes nothing
    assert not AuditEvent.objects.filter(action="calendar.schedule_enter").exists()
    confirm = client.post(reverse("core:calendar_enter"), {**data, "action": "confirm"})
    assert confirm.status_code == 302

    year = CalendarYear.objects.get(year=2027)
    assert year.source == CalendarYear.Source.ENTERED and year.entered_by == hq_admin
    assert not _active_coverage_alerts().exists()
    assert Alert.objects.get(rule_code=COVERAGE).status == AlertStatus.RESOLVED
    events = AuditEvent.objects.filter(action="calendar.schedule_enter")
    assert events.count() == 1 and events.get().actor_id == hq_admin.pk

    answer = calendar.add_working_days_detail(D(2027, 2, 4), 1)
    assert answer.value == D(2027, 2, 14)  # the adjusted Sunday now counts
    assert not answer.provisional
    assert not calendar.add_working_days_detail(D(2026, 12, 31), 1).provisional
    after = client.get(reverse("core:calendar"), {"start": "2027-02-04", "days": 1})
    assert "暂算结果" not in after.content.decode()
    assert rules.sweep_rule(COVERAGE) == (0, 0)


@pytest.mark.django_db
class TestScheduleValidation:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("春节, 2027-02-05~2027-02-12\n元旦, 2027-02-10", "与第 1 行“春节”重叠"),
            ("元旦, 2026-12-31~2027-01-02", "日期 2026-12-31 不在 2027 年内"),
            ("春节, 2027-02-05~2027-02-12, 2027-02-07", "落在“春节”的放假期间内"),
            ("春节, 2027-02-05~2027-02-12, 2027-02-15", "本来就是工作日"),
            ("春节, 2027-02-12~2027-02-05", "放假结束日期早于开始日期"),
            ("春节, 2027-02-30", "不是有效日期"),
            ("春节", "格式应为"),
            ("春节, 明年二月", "无法识别"),
            ("", "请填写放假安排或上传文件"),
        ],
    )
    def test_bad_schedules_are_refused_inline_and_nothing_is_written(
        self, client, hq_admin, text, message
    ):
        client.force_login(hq_admin)
        days_before = CalendarDay.objects.count()
        for action in ("preview", "confirm"):
            response = client.post(
                reverse("core:calendar_enter"), {"year": 2027, "schedule": text, "action": action}
            )
            assert response.status_code == 200
            assert message in response.content.decode()
            assert response.context["preview"] is None
        assert CalendarDay.objects.count() == days_before
        assert not CalendarYear.objects.filter(year=2027, source="entered").exists()
        assert not AuditEvent.objects.filter(action="calendar.schedule_enter").exists()

    def test_the_service_refuses_what_the_page_would_refuse(self, hq_admin):
        rows = [
            calendar_schedule.ScheduleRow("春节", D(2027, 2, 5), D(2027, 2, 12), [D(2027, 2, 8)], 1)
        ]
        with pytest.raises(ValidationFailed) as exc:
            calendar_schedule.calendar_schedule_enter(actor=hq_admin, year=2027, rows=rows)
        assert "落在“春节”的放假期间内" in str(exc.value.errors["schedule"])
        with pytest.raises(ValidationFailed):
            calendar_schedule.calendar_schedule_enter(actor=hq_admin, year=2027, rows=[])
        assert not CalendarDay.objects.filter(date__year=2027).exists()

    def test_a_bad_file_is_refused_on_the_upload_field(self, client, hq_admin):
        client.force_login(hq_admin)
        for upload in (
            SimpleUploadedFile("schedule.xlsx", b"not a workbook"),
            SimpleUploadedFile("schedule.pdf", b"%PDF-1.4"),
            SimpleUploadedFile("schedule.csv", "名字,开始\n春节,2027-02-05\n".encode()),
        ):
            response = client.post(
                reverse("core:calendar_enter"),
                {"year": 2027, "upload": upload, "action": "preview"},
            )
            assert response.status_code == 200
            assert response.context["form"].errors["upload"]
        assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
class TestScheduleUpload:
    def test_the_downloaded_template_filled_in_is_previewed_then_entered(self, client, hq_admin):
        from openpyxl import load_workbook

        client.force_login(hq_admin)
        response = client.get(reverse("core:calendar_template"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == list(calendar_schedule.TEMPLATE_HEADERS)
        sheet.append(["元旦", datetime.datetime(2027, 1, 1), datetime.datetime(2027, 1, 3), None])
        sheet.append(["春节", "2027-02-05", "2027-02-12", "2027-02-14、2027-02-20"])
        out = io.BytesIO()
        book.save(out)
        upload = SimpleUploadedFile("放假安排.xlsx", out.getvalue())
        preview = client.post(
            reverse("core:calendar_enter"), {"year": 2027, "upload": upload, "action": "preview"}
        )
        assert preview.status_code == 200, preview.context["form"].errors
        text = preview.context["preview"].text
        assert text.splitlines() == [
            "元旦, 2027-01-01~2027-01-03",
            "春节, 2027-02-05~2027-02-12, 2027-02-14 2027-02-20",
        ]
        confirm = client.post(
            reverse("core:calendar_enter"), {"year": 2027, "schedule": text, "action": "confirm"}
        )
        assert confirm.status_code == 302
        assert CalendarDay.objects.get(date=D(2027, 2, 20)).is_working_day

    def test_a_gbk_csv_is_read(self, hq_admin):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(calendar_schedule.TEMPLATE_HEADERS)
        writer.writerow(["国庆节", "2027-10-01", "2027-10-07", "2027-09-26，2027-10-09"])
        upload = SimpleUploadedFile("安排.csv", buffer.getvalue().encode("gb18030"))
        text = calendar_schedule.file_to_text(upload)
        rows, errors = calendar_schedule.parse_text(2027, text)
        assert not errors
        assert rows[0].workdays == [D(2027, 9, 26), D(2027, 10, 9)]

    def test_chinese_and_full_width_dates_are_understood(self):
        rows, errors = calendar_schedule.parse_text(2027, "劳动节，５月1日至5月5日，4月25日")
        assert not errors
        assert (rows[0].start, rows[0].end, rows[0].workdays) == (
            D(2027, 5, 1),
            D(2027, 5, 5),
            [D(2027, 4, 25)],
        )


@pytest.mark.django_db
class TestScheduleEntryPermission:
    def _assert_nothing_written(self):
        assert not CalendarDay.objects.filter(date__year=2027).exists()
        assert not AuditEvent.objects.filter(action="calendar.schedule_enter").exists()

    @pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.SYSTEM_ADMIN, Role.BUSINESS_STAFF])
    def test_park_level_staff_may_not_enter_the_national_calendar(self, client, park, role):
        user = staff(role, park)
        client.force_login(user)
        assert client.get(reverse("core:calendar")).status_code == 200  # reading is fine
        preview, confirm = _enter_through_page(client)
        assert preview.status_code == 403 and confirm.status_code == 403
        rows, _errors = calendar_schedule.parse_text(2027, SCHEDULE_2027)
        with pytest.raises(PermissionDenied):
            calendar_schedule.calendar_schedule_enter(actor=user, year=2027, rows=rows)
        self._assert_nothing_written()

    def test_headquarters_business_staff_may_not_either(self, client):
        client.force_login(staff(Role.BUSINESS_STAFF, OrgUnitFactory()))
        assert _enter_through_page(client)[1].status_code == 403
        self._assert_nothing_written()

    def test_enterprise_users_do_not_see_the_calendar_pages(self, client, portal_user):
        client.force_login(portal_user)
        for name in ("core:calendar", "core:calendar_enter", "core:calendar_template"):
            assert client.get(reverse(name)).status_code == 404
        assert _enter_through_page(client)[1].status_code == 404
        self._assert_nothing_written()

    def test_headquarters_office_staff_may_enter(self, client):
        client.force_login(staff(Role.OFFICE_STAFF, OrgUnitFactory()))
        assert _enter_through_page(client)[1].status_code == 302
        assert CalendarYear.objects.get(year=2027).is_official


@pytest.mark.django_db
class TestCalendarPages:
    def test_overview_lists_coverage_and_warns_about_next_year(
        self, client, late_november_2026, hq_admin, django_assert_max_num_queries
    ):
        client.force_login(hq_admin)
        with django_assert_max_num_queries(25):
            response = client.get(reverse("core:calendar"), {"year": 2027})
        body = response.content.decode()
        assert "未来 60 天内有年份的官方放假安排尚未录入" in body
        assert "暂按法定节假日推算" in body
        assert "2027年2月5日（周五）" in body  # 除夕 in the provisional list
        assert "节假日安排" in body and reverse("core:calendar_enter") in body

    def test_the_sidebar_links_the_calendar_page(self, client, hq_admin):
        client.force_login(hq_admin)
        body = client.get(reverse("workbench:home")).content.decode()
        assert reverse("core:calendar") in body

    def test_a_corrected_year_survives_sync_calendar(self, hq_admin):
        rows = [calendar_schedule.ScheduleRow("国庆节", D(2026, 10, 1), D(2026, 10, 8), [], 1)]
        calendar_schedule.calendar_schedule_enter(actor=hq_admin, year=2026, rows=rows)
        assert calendar.sync_from_package() == 0
        assert not CalendarDay.objects.filter(date=D(2026, 2, 14)).exists()  # not re-added
        assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.ENTERED


@pytest.mark.django_db
def test_sync_calendar_reports_years_covered_and_warns_about_2027(late_november_2026):
    out = io.StringIO()
    call_command("sync_calendar", stdout=out)
    text = out.getvalue()
    assert "已同步 2020–2026 年官方安排" in text
    assert "警告：2027 年官方安排未录入，暂按法定节假日推算" in text
    assert _active_coverage_alerts().count() == 1


@pytest.mark.django_db
def test_admin_shows_coverage_read_only_and_links_to_the_entry_page(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("admin:core_calendaryear_changelist")).content.decode()
    assert reverse("core:calendar_enter") in body
    assert client.get(reverse("admin:core_calendaryear_add")).status_code == 403


def test_a_mistyped_horizon_stays_within_ten_years():
    assert calendar.horizon_years(D(2026, 11, 28), 10**9)[-1] == 2036
