"""The staff complaint pages (R-CMP-1 … R-CMP-8, R-ORG-3): the list with grade tags, the response
time left and overdue in red, transfer counts and repeat markers, filtered and in a constant
number of queries; the scoped, audited export; 登记投诉 with the matrix's proposal shown after
saving; the complaint's page with only the steps the user may take, each step through its
service (refusals inline, nothing written); the major complaint's plan that cannot be carried out
before the leading group's review; nothing that edits or deletes a complaint or a note; the
grading matrix editor; the analysis dashboard."""

import datetime
import io

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parkflow.core.models import Article, AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import gates
from .. import services_complaints as sc
from ..choices import ComplaintGrade, ComplaintStatus, NoteKind, PlanStage, TransferStatus
from ..models import (
    Complaint,
    ComplaintNote,
    ComplaintTransfer,
    EmergencyPlan,
    GradingCriterion,
)
from .factories import Desk, complaint, decide_all

pytestmark = pytest.mark.django_db


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def step_url(made, name):
    return reverse("servicedesk:complaint_step", args=[made.pk, name])


def detail(made):
    return reverse("servicedesk:complaint", args=[made.pk])


def taken(desk, **values):
    made = complaint(desk, **values)
    return sc.complaint_take(actor=desk.first, complaint=made)


def events():
    return AuditEvent.objects.count()


def snapshot(made):
    made = Complaint.objects.get(pk=made.pk)
    return (made.title, made.text, made.channel, made.received_at, made.recorded_at)


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_grade_tags_time_left_transfers_and_repeat_markers(client, desk):
    enterprise = EnterpriseFactory(park=desk.park, name="苏州星河半导体有限公司")
    first = complaint(desk, enterprise=enterprise, title="电梯多次困人")
    complaint(desk, enterprise=enterprise, title="空调噪声扰民", safety=True)
    sc.complaint_take(actor=desk.first, complaint=first)
    sc.complaint_transfer_offer(
        actor=desk.first, complaint=first, to_person=desk.second, reason="请维修组跟进"
    )
    login(client, desk.second)
    html = page(client, reverse("servicedesk:complaints"))
    assert 'class="tag tag-danger">重大' in html and 'class="tag tag-slate">一般' in html
    assert "剩余" in html and "data-transfers" in html
    assert "第 2 次投诉" in html  # the second complaint of the enterprise in 30 days


def test_an_overdue_response_is_red_and_the_filters_narrow_the_list(client, desk):
    old = complaint(
        desk, title="三天前的投诉", received_at=timezone.now() - datetime.timedelta(days=10)
    )
    mine = taken(desk, title="我受理的投诉", channel="visit")
    login(client, desk.first)
    url = reverse("servicedesk:complaints")
    html = page(client, url)
    assert "已超时" in html and "text-danger" in html
    overdue = page(client, url, overdue_only="on")
    assert old.title in overdue and mine.title not in overdue
    owned = page(client, url, mine="on")
    assert mine.title in owned and old.title not in owned
    by_channel = page(client, url, channel="visit")
    assert mine.title in by_channel and old.title not in by_channel
    assert "没有符合条件的投诉" in page(client, url, grade="major")


def test_the_list_hides_other_parks_and_htmx_gets_the_table(client, desk, other_park):
    complaint(desk, title="甲园投诉")
    complaint(Desk(other_park), title="乙园投诉")
    login(client, desk.first)
    response = client.get(
        reverse("servicedesk:complaints"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="complaint-table"
    )
    html = response.content.decode()
    assert "甲园投诉" in html and "乙园投诉" not in html and "<html" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(
    client, desk, rows, django_assert_max_num_queries
):
    enterprise = EnterpriseFactory(park=desk.park)
    for n in range(rows):
        made = complaint(desk, enterprise=enterprise, title=f"投诉{n}")
        if n % 3 == 0:
            sc.complaint_take(actor=desk.first, complaint=made)
    login(client, desk.first)
    url = reverse("servicedesk:complaints")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["complaints"]) == min(rows, 20)


def test_the_export_is_scoped_filtered_and_audited(client, desk, other_park):
    complaint(desk, title="甲园投诉", channel="visit")
    complaint(desk, title="电话投诉")
    complaint(Desk(other_park), title="乙园投诉")
    login(client, desk.first)
    before = events()
    response = client.get(reverse("servicedesk:complaint_export"), {"channel": "visit"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "甲园投诉" in cells and "电话投诉" not in cells and "乙园投诉" not in cells
    assert "来访" in cells
    assert events() == before + 1
    assert AuditEvent.objects.latest("id").action == "complaint.export"


# ---------------------------------------------------------------------------------------------
# 登记投诉


def _record_data(enterprise, **values):
    data = {
        "enterprise": enterprise.pk,
        "channel": "phone",
        "received_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "topic": "safety",
        "title": "消防通道被占用",
        "text": "B 栋东侧消防通道长期停放车辆。",
        "complainant": "李总",
        "contact": "13900000000",
        "enterprises_affected": "1",
        "amount": "",
        "grade": "",
        "grade_reason": "",
    }
    data.update(values)
    return data


def test_recording_shows_the_matrix_proposal_and_why(client, desk):
    enterprise = EnterpriseFactory(park=desk.park)
    login(client, desk.first)
    assert "登记投诉" in page(client, reverse("servicedesk:complaint_create"))
    response = client.post(
        reverse("servicedesk:complaint_create"), _record_data(enterprise, safety="on"), follow=True
    )
    made = Complaint.objects.get()
    assert made.grade == ComplaintGrade.MAJOR and made.recorded_by == desk.first
    html = response.content.decode()
    assert "分级矩阵建议：重大" in html and "涉及人身或消防安全（重大）" in html
    assert "已启动应急预案" in html
    assert EmergencyPlan.objects.filter(complaint=made).exists()


def test_a_hotline_complaint_without_its_ticket_is_refused_on_the_field(client, desk):
    enterprise = EnterpriseFactory(park=desk.park)
    login(client, desk.first)
    before = events()
    response = client.post(
        reverse("servicedesk:complaint_create"), _record_data(enterprise, channel="hotline")
    )
    assert response.status_code == 400
    assert "hotline_ticket" in response.context["form"].errors
    assert "12345 热线转办的投诉请填写工单号" in response.content.decode()
    assert not Complaint.objects.exists() and events() == before


def test_a_grade_below_the_proposal_at_recording_waits_for_a_leader(client, desk):
    enterprise = EnterpriseFactory(park=desk.park)
    login(client, desk.first)
    client.post(
        reverse("servicedesk:complaint_create"),
        _record_data(enterprise, enterprises_affected="4", grade="general"),
    )
    assert not Complaint.objects.exists()  # a reason is needed
    response = client.post(
        reverse("servicedesk:complaint_create"),
        _record_data(
            enterprise, enterprises_affected="4", grade="general", grade_reason="实际仅一家"
        ),
        follow=True,
    )
    made = Complaint.objects.get()
    assert made.grade == ComplaintGrade.SIGNIFICANT and made.requested_grade == "general"
    html = response.content.decode()
    assert "待园区领导审批" in html and 'data-gate="servicedesk.complaint_downgrade"' in html


def test_another_parks_enterprise_cannot_be_chosen(client, desk, other_park):
    theirs = EnterpriseFactory(park=other_park)
    login(client, desk.first)
    response = client.post(reverse("servicedesk:complaint_create"), _record_data(theirs))
    assert response.status_code == 400 and "enterprise" in response.context["form"].errors
    assert not Complaint.objects.exists()


# ---------------------------------------------------------------------------------------------
# The complaint's page


def test_the_page_shows_the_facts_and_highlights_a_late_recording(client, desk):
    made = complaint(desk, received_at=timezone.now() - datetime.timedelta(days=3))
    login(client, desk.second)
    html = page(client, detail(made))
    assert 'id="late-recording"' in html and "晚于接收" in html
    assert made.text in html and "投诉首次响应时限" in html
    assert 'data-step="take"' in html and 'data-step="respond"' not in html


def test_an_auditor_reads_the_page_and_gets_no_steps(client, desk):
    made = complaint(desk)
    login(client, staff(Role.AUDITOR, desk.park))
    html = page(client, detail(made))
    assert "data-step=" not in html


def test_take_then_respond_through_the_page(client, desk):
    made = complaint(desk)
    login(client, desk.second)
    assert client.post(step_url(made, "take")).status_code == 302
    made.refresh_from_db()
    assert made.owner == desk.second and made.status == ComplaintStatus.IN_PROGRESS
    html = page(client, detail(made))
    assert 'data-step="respond"' in html and 'data-step="take"' not in html
    response = client.post(step_url(made, "respond"), {"respond-text": "已安排维修，明日完成。"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.first_response_at is not None
    assert ComplaintNote.objects.get(complaint=made).kind == NoteKind.RESPONSE


def test_a_second_take_is_refused_on_the_page_and_nothing_changes(client, desk):
    made = taken(desk)
    login(client, desk.second)
    before = events()
    response = client.post(step_url(made, "take"))
    assert response.status_code == 409
    assert "已由" in response.content.decode() and 'id="action-error"' in response.content.decode()
    made.refresh_from_db()
    assert made.owner == desk.first and events() == before


def test_an_empty_response_is_an_inline_error_on_its_field(client, desk):
    made = taken(desk)
    login(client, desk.first)
    response = client.post(step_url(made, "respond"), {"respond-text": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="step-respond"' in html and "data-open-on-load" in html
    assert 'id="id_respond-text_error"' in html
    assert not ComplaintNote.objects.exists()


def test_a_transfer_is_offered_then_accepted_by_the_colleague(client, desk):
    made = taken(desk)
    login(client, desk.first)
    response = client.post(
        step_url(made, "transfer"),
        {"transfer-to_person": desk.second.pk, "transfer-reason": "维修组负责"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.transfer_count == 1 and made.owner == desk.first
    login(client, desk.second)
    html = page(client, detail(made))
    assert 'data-step="accept"' in html and 'data-step="decline"' in html
    assert client.post(step_url(made, "accept")).status_code == 302
    made.refresh_from_db()
    assert made.owner == desk.second


def test_a_transfer_declined_with_a_reason_stays_with_the_owner(client, desk):
    made = taken(desk)
    sc.complaint_transfer_offer(
        actor=desk.first, complaint=made, to_person=desk.second, reason="请协助"
    )
    login(client, desk.second)
    response = client.post(step_url(made, "decline"), {"decline-reason": "不属本组职责"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.owner == desk.first
    assert ComplaintTransfer.objects.get().status == TransferStatus.DECLINED


def test_only_the_receiver_may_accept_a_transfer(client, desk):
    made = taken(desk)
    sc.complaint_transfer_offer(
        actor=desk.first, complaint=made, to_person=desk.second, reason="请协助"
    )
    login(client, desk.third)
    before = events()
    assert client.post(step_url(made, "accept")).status_code == 403
    made.refresh_from_db()
    assert made.owner == desk.first and events() == before


def test_a_correction_is_appended_and_marked(client, desk):
    made = taken(desk)
    login(client, desk.first)
    response = client.post(
        step_url(made, "note"), {"note-kind": "correction", "note-text": "投诉人应为王经理。"}
    )
    assert response.status_code == 302
    html = page(client, detail(made))
    assert 'data-note-kind="correction"' in html and "更正</span>" in html
    assert Complaint.objects.get(pk=made.pk).complainant == "张经理"  # the original stays


def test_wait_then_resume_through_the_page(client, desk):
    made = taken(desk)
    login(client, desk.first)
    assert client.post(step_url(made, "wait"), {"wait-reason": "等企业提供照片"}).status_code == 302
    assert 'data-step="resume"' in page(client, detail(made))
    assert client.post(step_url(made, "resume")).status_code == 302
    assert 'data-step="wait"' in page(client, detail(made))


def test_a_downgrade_requested_on_the_page_waits_for_a_leader(client, desk):
    made = taken(desk, enterprises_affected=4)
    login(client, desk.first)
    response = client.post(
        step_url(made, "regrade"), {"regrade-grade": "general", "regrade-reason": "仅一家受影响"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.grade == ComplaintGrade.SIGNIFICANT and made.requested_grade == "general"
    html = page(client, detail(made))
    assert 'id="pending-downgrade"' in html and "data-review-link" in html
    assert 'data-step="regrade"' not in html


def test_refer_names_the_person_and_the_article(client, desk):
    made = taken(desk)
    login(client, desk.head)
    article = Article.objects.get(ref="Art.17")
    response = client.post(
        step_url(made, "refer"),
        {
            "refer-responsible_person": desk.first.pk,
            "refer-article": article.pk,
            "refer-facts": "未按规定时限响应。",
        },
    )
    assert response.status_code == 302
    assert "Art.17" in page(client, detail(made))


# ---------------------------------------------------------------------------------------------
# The major complaint's plan (R-CMP-5)


def _major(desk):
    made = taken(desk, topic="safety", title="消防通道被占用", safety=True)
    return made, EmergencyPlan.objects.get(complaint=made)


def test_the_plan_goes_through_report_review_carry_out_and_completion(client, desk, leaders):
    made, plan = _major(desk)
    login(client, desk.first)
    html = page(client, detail(made))
    assert 'id="emergency-plan"' in html and "重大事件上报时限" in html
    assert 'data-step="report"' in html and 'data-step="resolve"' not in html
    response = client.post(
        step_url(made, "report"),
        {"report-control_measures": "清理通道", "report-report_text": "消防隐患已上报"},
    )
    assert response.status_code == 302
    response = client.post(step_url(made, "submit"), {"submit-plan_text": "设置禁停标识并巡查。"})
    assert response.status_code == 302
    html = page(client, detail(made))
    assert 'data-step="carry_out"' not in html and "data-review-link" in html
    decide_all(plan, gates.PLAN_REVIEW, leaders.member)
    assert 'data-step="carry_out"' in page(client, detail(made))
    assert client.post(step_url(made, "carry_out")).status_code == 302
    response = client.post(step_url(made, "complete"), {"complete-rectification": "已完成"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.stage == PlanStage.COMPLETED
    response = client.post(step_url(made, "resolve"), {"resolve-resolution": "通道已畅通。"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ComplaintStatus.RESOLVED


def test_carrying_out_the_plan_before_the_review_is_refused_and_nothing_changes(client, desk):
    made, plan = _major(desk)
    sc.major_event_report(actor=desk.first, plan=plan, control_measures="清理", report_text="上报")
    sc.plan_submit(actor=desk.first, plan=plan, plan_text="设置禁停标识。")
    login(client, desk.first)
    before = events()
    response = client.post(step_url(made, "carry_out"))
    assert response.status_code == 409
    assert "重大投诉解决方案领导小组审查" in response.content.decode()
    plan.refresh_from_db()
    assert plan.stage == PlanStage.PLAN_REVIEW and plan.carried_out_at is None
    assert events() == before
    response = client.post(step_url(made, "resolve"), {"resolve-resolution": "已处理"})
    assert response.status_code == 409
    made.refresh_from_db()
    assert made.status == ComplaintStatus.IN_PROGRESS


# ---------------------------------------------------------------------------------------------
# Nothing edits or deletes a complaint or a note (R-CMP-6)


def test_no_step_changes_the_complaints_text_whatever_is_posted(client, desk):
    made = taken(desk)
    sc.complaint_note_add(actor=desk.first, complaint=made, text="原始记录")
    before = snapshot(made)
    note = ComplaintNote.objects.get()
    login(client, desk.first)
    forged = {
        "title": "改过的事由",
        "text": "改过的内容",
        "received_at": "2020-01-01T00:00",
        "note-text": "x",
        "note-kind": "progress",
        "respond-text": "答复",
    }
    for name in ("respond", "note", "edit", "delete", "update"):
        client.post(step_url(made, name), forged)
    assert snapshot(made) == before
    assert ComplaintNote.objects.get(pk=note.pk).text == "原始记录"
    assert client.post(detail(made), forged).status_code == 405
    assert client.delete(detail(made)).status_code == 405


def test_the_admin_shows_complaints_and_notes_read_only(admin_client, desk):
    made = taken(desk)
    sc.complaint_note_add(actor=desk.first, complaint=made, text="原始记录")
    for model in (Complaint, ComplaintNote, EmergencyPlan, ComplaintTransfer):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(None)
        assert not model_admin.has_delete_permission(None)
        assert not model_admin.has_add_permission(None)
    url = reverse("admin:servicedesk_complaint_change", args=[made.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"title": "改过的事由", "text": "改过的内容"})
    delete = reverse("admin:servicedesk_complaint_delete", args=[made.pk])
    admin_client.post(delete, {"post": "yes"})
    made.refresh_from_db()
    assert made.title == "电梯多次困人" and Complaint.objects.filter(pk=made.pk).exists()


# ---------------------------------------------------------------------------------------------
# Another park's staff


@pytest.mark.parametrize(
    "name",
    ["take", "transfer", "respond", "note", "wait", "regrade", "resolve", "refer", "carry_out"],
)
def test_another_parks_staff_get_404_for_every_step(client, desk, other_park, name):
    made, _plan = _major(desk)
    other = Desk(other_park)
    login(client, other.head)
    before = events()
    assert client.post(step_url(made, name), {"x": "y"}).status_code == 404
    assert client.get(detail(made)).status_code == 404
    assert events() == before


def test_an_enterprise_user_gets_404_on_the_staff_pages(client, desk):
    made = complaint(desk)
    login(client, enterprise_user(made.enterprise))
    for url in (detail(made), reverse("servicedesk:complaints"), step_url(made, "take")):
        assert client.get(url).status_code in (404, 405)
    assert client.post(step_url(made, "take")).status_code == 404


# ---------------------------------------------------------------------------------------------
# The grading matrix


def test_all_staff_read_the_matrix_and_only_the_system_admin_edits_it(client, desk):
    login(client, desk.first)
    html = page(client, reverse("servicedesk:grading"))
    assert "涉及企业数" in html and "保存矩阵" not in html
    assert client.post(reverse("servicedesk:grading"), {"reason": "x"}).status_code == 403
    admin_user = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    login(client, admin_user)
    html = page(client, reverse("servicedesk:grading"))
    assert "保存矩阵" in html


def _matrix_data(**changes):
    data = {"reason": "按集团要求收紧"}
    for row in GradingCriterion.objects.all():
        for level in ("significant_at", "major_at"):
            value = getattr(row, level)
            data[f"{row.criterion}-{level}"] = "" if value is None else str(value)
    data.update(changes)
    return data


def test_the_matrix_change_is_checked_per_cell_and_audited(client):
    admin_user = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    login(client, admin_user)
    url = reverse("servicedesk:grading")
    before = events()
    response = client.post(
        url, _matrix_data(**{"enterprises-significant_at": "6", "enterprises-major_at": "5"})
    )
    assert response.status_code == 400
    assert 'id="id_enterprises-major_at_error"' in response.content.decode()
    assert events() == before
    response = client.post(
        url, _matrix_data(**{"enterprises-significant_at": "2", "enterprises-major_at": "5"})
    )
    assert response.status_code == 302
    row = GradingCriterion.objects.get(criterion="enterprises")
    assert (row.significant_at, row.major_at) == (2, 5)
    assert AuditEvent.objects.latest("id").action == "grading.update"
    assert "按集团要求收紧" in page(client, url)


# ---------------------------------------------------------------------------------------------
# The dashboard


def test_the_dashboard_shows_the_kpis_charts_and_repeats_of_my_parks(client, desk, other_park):
    enterprise = EnterpriseFactory(park=desk.park, name="苏州星河半导体有限公司")
    first = taken(desk, enterprise=enterprise)
    sc.complaint_respond(actor=desk.first, complaint=first, text="已处理")
    complaint(desk, enterprise=enterprise, safety=True, topic="property")
    complaint(Desk(other_park), title="乙园投诉")
    login(client, desk.first)
    response = client.get(reverse("servicedesk:complaint_dashboard"))
    board = response.context["board"]
    assert board.month_count == 2 and board.major_open == 1
    assert board.response["met"] == 1 and response.context["rate"] == 100
    html = response.content.decode()
    assert 'data-chart="chart-month"' in html and "苏州星河半导体有限公司" in html
    assert "乙园" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_dashboard_runs_a_constant_number_of_queries(
    client, desk, rows, django_assert_max_num_queries
):
    for n in range(rows):
        complaint(desk, title=f"投诉{n}", topic=("property", "fees", "safety")[n % 3])
    login(client, desk.first)
    url = reverse("servicedesk:complaint_dashboard")
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert sum(n for _t, n in response.context["board"].by_topic) == rows


def test_a_complaint_left_unanswered_counts_as_late_on_the_dashboard(client, desk):
    made = complaint(desk, received_at=timezone.now() - datetime.timedelta(days=10))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        sc.complaint_take(actor=desk.first, complaint=made)
        sc.complaint_respond(actor=desk.first, complaint=made, text="迟到的答复")
    login(client, desk.first)
    response = client.get(reverse("servicedesk:complaint_dashboard"))
    assert response.context["board"].timeliness["breached"] == 1


def test_the_workbench_card_counts_open_overdue_and_major_complaints_of_my_park(
    client, desk, other_park
):
    import datetime

    from django.utils import timezone

    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    from .factories import complaint

    complaint(desk, received_at=timezone.now() - datetime.timedelta(days=9))  # overdue
    complaint(desk, safety=True)  # major
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    client.force_login(desk.first)
    body = client.get("/").content.decode()
    assert "投诉处理中（响应超时 1，重大 1）" in body
    client.force_login(outsider)
    assert "投诉处理中（响应超时 0，重大 0）" in client.get("/").content.decode()
