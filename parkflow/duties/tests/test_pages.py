"""The compliance calendar's pages (R-MON-3): the month and quarter views with their tags and
filters, the task page with the evidence form, the catalogue with the articles, the sidebar."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from ..choices import TaskStatus
from ..models import DutyTask
from .factories import build_org, pdf_upload

pytestmark = pytest.mark.django_db

D = datetime.date
_TZ = datetime.timezone(datetime.timedelta(hours=8))
CALENDAR = reverse("duties:calendar")


def _at(day, hour=10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=_TZ), tick=False
    )


@pytest.fixture
def org(park, other_park):
    org = build_org(park, other_park)
    with _at(D(2026, 10, 12)):
        services.duty_tasks_generate()
    return org


@pytest.fixture(autouse=True)
def _november(org):
    """Pages are looked at on 3 November 2026: October's open tasks are late."""
    with _at(D(2026, 11, 3)):
        yield


def _task(code, unit, period="2026-10"):
    return DutyTask.objects.get(duty=code, unit=unit, period=period)


def _get(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_month_view_shows_tasks_on_their_due_dates_with_their_states(client, org):
    callbacks = _task("servicedesk.monthly_callbacks", org.park)
    services.task_complete(actor=org.person("biz_a"), task=callbacks, note="已回访")
    html = _get(client, org.person("office"), CALENDAR, month="2026-10")
    assert "2026年10月" in html and 'data-view="month"' in html
    assert "周一" in html and "周日" in html
    chip = re.search(rf'<a class="duty-chip[^"]*"[^>]*data-task="{callbacks.pk}">(.*?)</a>', html)
    assert chip and "已完成" in chip.group(1) and "tag-success" in chip.group(1)
    screening = _task("risk.monthly_screening", org.park)
    late = re.search(
        rf'<a class="duty-chip duty-late"[^>]*data-task="{screening.pk}">(.*?)</a>', html
    )
    assert late and "已逾期" in late.group(1) and "tag-danger" in late.group(1)
    assert "专项风险排查" in late.group(1) and org.park.name in late.group(1)
    # No raw codes or ISO dates on the page.
    assert "risk.monthly_screening" not in html and "2026-10-30" not in html


def test_the_quarter_view_lists_the_quarters_tasks_by_month_with_citations(client, org):
    html = _get(client, org.person("office"), CALENDAR, view="quarter", month="2026-11")
    assert "2026年第四季度" in html and 'data-view="quarter"' in html
    assert "2026年10月" in html and "2026年11月" in html and "2026年12月" in html
    assert "第十九条（一）" in html  # the screening's article, as the regulation cites it
    legal = _task("agreements.quarterly_legal_review", org.legal, "2026-Q4")
    assert f'data-task="{legal.pk}"' in html and "2026年12月31日" in html


def test_filters_by_unit_owner_and_state(client, org):
    office = org.person("office")
    screening_a = _task("risk.monthly_screening", org.park)
    screening_b = _task("risk.monthly_screening", org.other_park)
    callbacks = _task("servicedesk.monthly_callbacks", org.park)
    html = _get(client, office, CALENDAR, month="2026-10", unit=org.park.pk)
    assert f'data-task="{screening_a.pk}"' in html and f'data-task="{screening_b.pk}"' not in html
    html = _get(client, office, CALENDAR, month="2026-10", owner=org.person("biz_a").pk)
    assert f'data-task="{callbacks.pk}"' in html and f'data-task="{screening_a.pk}"' not in html
    services.task_complete(actor=org.person("biz_a"), task=callbacks, note="已回访")
    html = _get(client, office, CALENDAR, month="2026-10", state="late")
    assert f'data-task="{screening_a.pk}"' in html and f'data-task="{callbacks.pk}"' not in html
    html = _get(client, office, CALENDAR, month="2026-10", state="done")
    assert f'data-task="{callbacks.pk}"' in html and f'data-task="{screening_a.pk}"' not in html


def test_park_staff_see_their_parks_tasks_not_the_other_parks_nor_headquarters(client, org):
    html = _get(client, org.person("biz_a"), CALENDAR, view="quarter", month="2026-10")
    assert f'data-task="{_task("risk.monthly_screening", org.park).pk}"' in html
    assert f'data-task="{_task("risk.monthly_screening", org.other_park).pk}"' not in html
    assert f'data-task="{_task("monitoring.coordination_meeting", org.office).pk}"' not in html


@pytest.mark.parametrize("parks", [1, 6])
def test_the_calendar_costs_the_same_queries_for_any_number_of_tasks(
    client, org, parks, django_assert_max_num_queries
):
    from parkflow.org.tests.factories import ParkFactory

    for _ in range(parks):
        ParkFactory()
    with _at(D(2026, 10, 12)):
        services.duty_tasks_generate()
    client.force_login(org.person("office"))
    for params in ({"month": "2026-10"}, {"view": "quarter", "month": "2026-10"}):
        with django_assert_max_num_queries(8):
            assert client.get(CALENDAR, params).status_code == 200


def test_the_owner_completes_a_task_on_its_page_with_a_file(client, org):
    screening = _task("risk.monthly_screening", org.park)
    url = reverse("duties:task_detail", args=[screening.pk])
    html = _get(client, org.person("risk"), url)
    assert 'id="complete-form"' in html and 'enctype="multipart/form-data"' in html
    assert "第十九条（一）" in html and "风险矩阵" in html and "已逾期" in html
    assert "confirm-complete" in html  # confirmation before the irreversible step
    response = client.post(url, {"note": "十月排查完毕", "file": pdf_upload("排查记录.pdf")})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == TaskStatus.DONE
    html = client.get(url).content.decode()
    assert "排查记录.pdf" in html and "逾期完成" in html
    assert reverse("duties:task_evidence", args=[screening.pk]) in html
    response = client.get(reverse("duties:task_evidence", args=[screening.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(action="duty_task.evidence_download").count() == 1


def test_missing_evidence_is_shown_inline_and_nothing_is_written(client, org):
    screening = _task("risk.monthly_screening", org.park)
    client.force_login(org.person("risk"))
    url = reverse("duties:task_detail", args=[screening.pk])
    response = client.post(url, {"note": "排查完毕"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请提供证明材料" in html and "alert-danger" in html
    assert not AuditEvent.objects.filter(action="duty_task.complete").exists()


def test_someone_else_sees_the_task_without_the_form_and_a_post_is_refused(client, org):
    callbacks = _task("servicedesk.monthly_callbacks", org.park)
    colleague = staff(Role.BUSINESS_STAFF, org.park)
    url = reverse("duties:task_detail", args=[callbacks.pk])
    html = _get(client, colleague, url)
    assert 'id="complete-form"' not in html
    response = client.post(url, {"note": "代为完成"})
    assert response.status_code == 403
    assert "只有任务负责人" in response.content.decode()
    callbacks.refresh_from_db()
    assert callbacks.status == TaskStatus.OPEN


def test_the_office_hands_a_task_over_on_its_page(client, org):
    callbacks = _task("servicedesk.monthly_callbacks", org.park)
    other = staff(Role.BUSINESS_STAFF, org.park, display_name="赵敏")
    url = reverse("duties:task_detail", args=[callbacks.pk])
    html = _get(client, org.person("office"), url)
    assert "转交任务" in html and "赵敏" in html
    response = client.post(
        reverse("duties:task_reassign", args=[callbacks.pk]), {"owner": other.pk}
    )
    assert response.status_code == 302
    callbacks.refresh_from_db()
    assert callbacks.owner == other
    client.force_login(org.person("biz_a"))
    response = client.post(
        reverse("duties:task_reassign", args=[callbacks.pk]), {"owner": other.pk}
    )
    assert response.status_code == 403


def test_the_link_is_chosen_on_the_page_for_a_duty_fulfilled_by_a_record(client, org):
    from parkflow.testdomain.tests.factories import errand

    review = _task("testdomain.errand_review", org.park)
    lead = staff(Role.LEAD_STAFF, org.park)
    services.task_reassign(actor=org.person("office"), task=review, owner=lead)
    made = errand(org.park, title="十月消防通道检查")
    url = reverse("duties:task_detail", args=[review.pk])
    html = _get(client, lead, url)
    assert "关联记录" in html and "十月消防通道检查" in html
    assert client.post(url, {"link": str(made.pk)}).status_code == 302
    html = client.get(url).content.decode()
    assert made.get_absolute_url() in html


def test_the_catalogue_lists_every_duty_with_its_article_in_chinese(client, org):
    html = _get(client, org.person("biz_a"), reverse("duties:catalogue"))
    for expected in (
        "专项风险排查",
        "第十九条（一）",
        "每月最后一个工作日前",
        "每年1月31日前",
        "每年6月、12月内",
        "每年11月内",
        "第二十九条（二）",
        "风控专员",
        "各园区（下属单位）",
        "专项管理办公室",
        "年度管理报告",
        "园区事项月度检查",
    ):
        assert expected in html, expected
    assert "risk_officer" not in html and "monthly_screening" not in html.replace(
        'data-duty="risk.monthly_screening"', ""
    )


def test_the_sidebar_shows_the_calendar_to_staff(client, org):
    html = _get(client, org.person("biz_a"), reverse("workbench:home"))
    assert f'href="{CALENDAR}"' in html and "合规日历" in html
    assert f'href="{reverse("duties:catalogue")}"' in html


def test_the_calendar_opens_on_this_month_with_the_picker_set(client, org):
    html = _get(client, org.person("office"), CALENDAR)
    assert "data-calendar-heading>2026年11月<" in html and 'value="2026-11"' in html
    previous = re.search(r'href="(\?[^"]*)" aria-label="上一期"', html).group(1)
    assert "month=2026-10" in previous.replace("&amp;", "&")
