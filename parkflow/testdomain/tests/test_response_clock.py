"""The errand's response clock on its pages (issue 8 §2, R-SVC-1): started on submission, paused by
"等待企业补充材料" and resumed when the documents arrive (page and API), stopped on completion;
the detail page shows the due time and the time left in Chinese, overdue in red."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from parkflow.core import sla, workflow
from parkflow.core.choices import SlaState
from parkflow.core.models import AuditEvent, SlaClock
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from ..choices import ErrandStatus
from ..clocks import RESPONSE
from .factories import signed_off, submitted

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(year, month, day, hour=9, minute=0):
    return time_machine.travel(
        datetime.datetime(year, month, day, hour, minute, tzinfo=SH), tick=False
    )


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


def _clock_block(html: str) -> str:
    match = re.search(r'<div class="card mb-3" data-panel="sla">.*?</div></div>', html, re.S)
    assert match, "the page has no SLA panel"
    return match.group(0)


def test_the_detail_page_shows_the_due_time_and_the_working_days_left(
    client, park, clerk, django_assert_max_num_queries
):
    with at(2026, 11, 27, 10):
        made = submitted(park, clerk, title="消防通道检查")
    with at(2026, 12, 1, 9):
        client.force_login(clerk)  # a session of that day (sessions expire)
        with django_assert_max_num_queries(40):
            html = client.get(made.get_absolute_url()).content.decode()
    block = _clock_block(html)
    assert "响应时限" in block and "计时中" in block and "3 工作日" in block
    assert "截止 2026年12月2日 17:30" in block
    assert "剩余 2 个工作日" in block
    assert "data-overdue" not in block and "text-danger" not in block


def test_an_overdue_errand_shows_the_time_past_in_red(client, park, clerk):
    with at(2026, 11, 27, 10):
        made = submitted(park, clerk)
    with at(2026, 12, 3, 11):
        client.force_login(clerk)
        block = _clock_block(client.get(made.get_absolute_url()).content.decode())
    assert re.search(
        r'class="small text-danger fw-semibold" data-sla-remaining data-overdue', block
    )
    assert "已超时 2 小时" in block


def test_waiting_for_documents_pauses_the_clock_through_the_page(client, park, clerk):
    with at(2026, 9, 28, 10):
        made = submitted(park, clerk)
    with at(2026, 9, 30, 16):
        client.force_login(clerk)
        html = client.get(made.get_absolute_url()).content.decode()
        assert "等待企业补充材料" in html  # the step's button
        url = reverse("testdomain:transition", args=[made.pk, "wait_for_materials"])
        response = client.post(url, {"reason": "营业执照复印件不清晰"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ErrandStatus.WAITING
    with at(2026, 10, 9, 9):
        client.force_login(clerk)
        block = _clock_block(client.get(made.get_absolute_url()).content.decode())
    assert "已暂停" in block and "自 2026年9月30日 16:00 起暂停计时" in block
    assert "剩余 1 个工作日 1 小时" in block
    with at(2026, 10, 9, 10):
        client.force_login(clerk)
        url = reverse("testdomain:transition", args=[made.pk, "materials_received"])
        assert client.post(url, {"reason": ""}).status_code == 302
    row = SlaClock.objects.get(object_id=made.pk)
    assert row.state == SlaState.RUNNING
    assert row.due_at == datetime.datetime(2026, 10, 10, 11, 30, tzinfo=SH)


def test_waiting_and_resuming_through_the_api(client, park, clerk):
    with at(2026, 11, 27, 10):
        made = submitted(park, clerk)
    with at(2026, 11, 30, 10):
        client.force_login(clerk)
        response = client.post(
            reverse("api:errand-wait-for-materials", args=[made.pk]),
            {"reason": "缺少租赁合同"},
            content_type="application/json",
        )
    assert response.status_code == 200 and response.json()["status"] == "waiting"
    assert SlaClock.objects.get(object_id=made.pk).state == SlaState.PAUSED
    with at(2026, 11, 30, 10):
        again = client.post(
            reverse("api:errand-wait-for-materials", args=[made.pk]),
            {},
            content_type="application/json",
        )
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    with at(2026, 12, 1, 10):
        client.force_login(clerk)
        resumed = client.post(
            reverse("api:errand-materials-received", args=[made.pk]),
            {},
            content_type="application/json",
        )
    assert resumed.status_code == 200
    # Paused Mon 10:00 to Tue 10:00: 8.5 business hours, so Wed's close moves to Thu's close.
    assert SlaClock.objects.get(object_id=made.pk).due_at == datetime.datetime(
        2026, 12, 3, 17, 30, tzinfo=SH
    )


def test_an_auditor_cannot_pause_through_the_api_and_nothing_is_written(client, park, clerk):
    made = submitted(park, clerk)
    client.force_login(staff(Role.AUDITOR, park))
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("api:errand-wait-for-materials", args=[made.pk]),
        {},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert SlaClock.objects.get(object_id=made.pk).state == SlaState.RUNNING
    assert AuditEvent.objects.count() == events


def test_completion_stops_the_clock_and_the_page_shows_the_outcome(client, park, clerk):
    lead = staff(Role.LEAD_STAFF, park)
    with at(2026, 11, 27, 10):
        made = submitted(park, clerk)
    with at(2026, 12, 1, 15):
        signed_off(made)
        workflow.transition(actor=lead, obj=made, name="complete")
    with at(2026, 12, 8, 9):
        client.force_login(clerk)
        block = _clock_block(client.get(made.get_absolute_url()).content.decode())
    assert "按时完成" in block and "2026年12月1日 15:00 结束计时" in block
    assert "剩余" not in block and "已超时" not in block
    assert sla.attainment(made.__class__.objects.all(), RESPONSE)["met"] == 1


def test_a_deadline_in_a_year_without_its_notice_says_so(client, park, clerk):
    with at(2026, 12, 30, 10):
        made = submitted(park, clerk)
        client.force_login(clerk)
        block = _clock_block(client.get(made.get_absolute_url()).content.decode())
    assert "data-calendar-provisional" in block and "暂按法定节假日推算" in block


def test_the_list_shows_each_due_time_overdue_in_red_with_a_fixed_number_of_queries(
    client, park, clerk, django_assert_max_num_queries
):
    with at(2026, 11, 27, 10):
        late = submitted(park, clerk, title="逾期事项")
    with at(2026, 12, 2, 10):
        on_time = submitted(park, clerk, title="新事项")
    with at(2026, 12, 3, 11):
        client.force_login(clerk)
        with django_assert_max_num_queries(30) as few:
            client.get(reverse("testdomain:list"))
        for i in range(5):
            submitted(park, clerk, title=f"更多{i}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = client.get(reverse("testdomain:list")).content.decode()
    row_late = re.search(rf'{late.get_absolute_url()}".*?</tr>', html, re.S).group(0)
    row_new = re.search(rf'{on_time.get_absolute_url()}".*?</tr>', html, re.S).group(0)
    assert "data-overdue" in row_late and "2026年12月2日 17:30" in row_late
    assert "data-overdue" not in row_new and "2026年12月7日 17:30" in row_new
