"""The staff pages of the service desk (R-SVC-1 … R-SVC-3, R-ORG-3): the request list scoped,
filtered, with each request's clock (overdue in red) and transfer count, in a constant number of
queries; each step through the page — take, offer, accept or decline, resolve — with refusals
inline and nothing written; the call-back work list and its record form; anomaly reports flagged
late past the rule's hours."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parkflow.core.models import AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import staff

from .. import services
from ..choices import RequestStatus, TransferStatus
from ..models import CallBack, ServiceRequest, Transfer
from .factories import Desk, submitted, taken

pytestmark = pytest.mark.django_db
# A working Monday mid-month: the month's call-backs exist (none before its first working day).
MID_MONTH = time_machine.travel(
    datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
    tick=False,
)


def _html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_status_clock_owner_and_transfers_and_hides_other_parks(
    client, desk, other_park
):
    mine = taken(desk, title="空调不制冷")
    services.transfer_offer(
        actor=desk.first, request=mine, to_person=desk.second, reason="涉及物业工程"
    )
    submitted(desk, title="咨询政策", category="consultation")
    submitted(Desk(other_park), title="乙园的报修")
    login(client, staff(Role.AUDITOR, desk.park))
    html = _html(client.get(reverse("servicedesk:requests")))
    assert "空调不制冷" in html and "咨询政策" in html
    assert "乙园的报修" not in html
    assert 'data-transfers="1"' in html and "首问人" in html
    assert "剩余" in html  # the clocks' time left
    assert "处理中" in html and "待受理" in html


def test_the_list_filters_by_status_category_enterprise_and_mine(client, desk):
    company = EnterpriseFactory(park=desk.park, name="苏州星河半导体有限公司")
    taken(desk, title="灯管更换", enterprise=company)
    services.request_take(actor=desk.second, request=submitted(desk, title="网络故障"))
    submitted(desk, title="政策咨询", category="consultation")
    login(client, desk.first)
    url = reverse("servicedesk:requests")
    only_open = _html(client.get(url, {"status": RequestStatus.OPEN}))
    assert "政策咨询" in only_open and "灯管更换" not in only_open
    consult = _html(client.get(url, {"category": "consultation"}))
    assert "政策咨询" in consult and "网络故障" not in consult
    of_company = _html(client.get(url, {"enterprise": company.pk}))
    assert "灯管更换" in of_company and "网络故障" not in of_company
    mine = _html(client.get(url, {"mine": "on"}))
    assert "灯管更换" in mine and "网络故障" not in mine and "政策咨询" not in mine


def test_an_overdue_response_clock_is_shown_in_red(client, desk):
    friday = timezone.make_aware(datetime.datetime(2026, 10, 30, 10, 0))
    with time_machine.travel(friday, tick=False):
        submitted(desk, title="电梯困人")
    with time_machine.travel(friday + datetime.timedelta(days=5), tick=False):
        login(client, desk.first)
        html = _html(client.get(reverse("servicedesk:requests")))
    assert "data-overdue" in html and "已超时" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_request_list_runs_a_constant_number_of_queries(
    client, desk, rows, django_assert_max_num_queries
):
    for n in range(rows):
        made = submitted(desk, title=f"报修{n}")
        if n % 2:
            services.request_take(actor=desk.first, request=made)
    login(client, staff(Role.AUDITOR, desk.park))
    client.get(reverse("servicedesk:requests"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("servicedesk:requests"))
    assert len(response.context["requests"]) == min(rows, 20)


def test_the_export_has_the_filtered_scoped_rows_and_is_audited(client, desk, other_park):
    taken(desk, title="空调不制冷")
    submitted(desk, title="咨询政策", category="consultation")
    submitted(Desk(other_park), title="乙园的报修")
    login(client, desk.first)
    response = client.get(reverse("servicedesk:request_export"), {"category": "repair"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "空调不制冷" in cells and "咨询政策" not in cells and "乙园的报修" not in cells
    assert "处理中" in cells and "报修" in cells  # labels, not codes
    event = AuditEvent.objects.get(action="service_request.export")
    assert event.after["count"] == 1 and event.actor_id == desk.first.pk


# ---------------------------------------------------------------------------------------------
# Recording a request and its steps


def test_staff_record_a_request_for_an_enterprise(client, desk):
    company = EnterpriseFactory(park=desk.park)
    login(client, desk.first)
    url = reverse("servicedesk:request_create")
    refused = client.post(url, {"enterprise": company.pk, "category": "repair", "title": ""})
    assert refused.status_code == 400 and not ServiceRequest.objects.exists()
    response = client.post(
        url,
        {
            "enterprise": company.pk,
            "category": "repair",
            "title": "水管漏水",
            "description": "三楼茶水间",
        },
    )
    made = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "servicedesk:request", args=[made.pk]
    )
    assert made.channel == "staff" and made.status == RequestStatus.OPEN


def test_take_offer_accept_and_resolve_through_the_pages(client, desk):
    made = submitted(desk)
    login(client, desk.first)
    detail = reverse("servicedesk:request", args=[made.pk])
    html = _html(client.get(detail))
    assert "take-modal" in html and "此操作不可撤销" in html
    client.post(reverse("servicedesk:request_take", args=[made.pk]))
    made.refresh_from_db()
    assert made.owner == desk.first and made.status == RequestStatus.IN_PROGRESS
    html = _html(client.get(detail))
    assert "transfer-modal" in html and "同事乙" in html  # a colleague to offer it to
    client.post(
        reverse("servicedesk:request_transfer", args=[made.pk]),
        {"to_person": desk.second.pk, "reason": "涉及网络设备"},
    )
    offer = Transfer.objects.get()
    made.refresh_from_db()
    assert made.owner == desk.first and made.transfer_count == 1
    # The receiver sees it in 我的转办 and accepts it there.
    login(client, desk.second)
    inbox = _html(client.get(reverse("servicedesk:transfers")))
    assert made.title in inbox and "涉及网络设备" in inbox
    response = client.post(
        reverse("servicedesk:transfer_accept", args=[offer.pk]), {"next": "inbox"}
    )
    assert response["Location"] == reverse("servicedesk:transfers")
    made.refresh_from_db()
    assert made.owner == desk.second
    refused = client.post(
        reverse("servicedesk:request_resolve", args=[made.pk]), {"resolution": ""}
    )
    assert refused.status_code == 400 and "id_resolution_error" in _html(refused)
    client.post(reverse("servicedesk:request_resolve", args=[made.pk]), {"resolution": "已修复"})
    made.refresh_from_db()
    assert made.status == RequestStatus.RESOLVED and made.resolution == "已修复"
    html = _html(client.get(detail))
    assert "已修复" in html and "接收转办" in html and "首问受理" in html  # the timeline


def test_a_second_taker_is_refused_inline_naming_the_owner_and_nothing_is_written(client, desk):
    made = taken(desk)
    login(client, desk.second)
    before = AuditEvent.objects.count()
    response = client.post(reverse("servicedesk:request_take", args=[made.pk]))
    assert response.status_code == 409
    html = _html(response)
    assert 'id="action-error"' in html and "首问人" in html
    assert AuditEvent.objects.count() == before


def test_the_receiver_declines_with_a_reason_and_ownership_stays(client, desk):
    made = taken(desk)
    offer = services.transfer_offer(
        actor=desk.first, request=made, to_person=desk.second, reason="请协助"
    )
    login(client, desk.second)
    html = _html(client.get(reverse("servicedesk:request", args=[made.pk])))
    assert "accept-modal" in html and "decline-modal" in html
    missing = client.post(reverse("servicedesk:transfer_decline", args=[offer.pk]), {"reason": ""})
    assert missing.status_code == 400
    client.post(reverse("servicedesk:transfer_decline", args=[offer.pk]), {"reason": "非本职"})
    offer.refresh_from_db()
    made.refresh_from_db()
    assert offer.status == TransferStatus.DECLINED and made.owner == desk.first
    # Only the receiver answers: the third colleague is refused.
    again = services.transfer_offer(
        actor=desk.first, request=made, to_person=desk.second, reason="再请协助"
    )
    login(client, desk.third)
    response = client.post(reverse("servicedesk:transfer_accept", args=[again.pk]))
    assert response.status_code == 403
    again.refresh_from_db()
    assert again.status == TransferStatus.PENDING


def test_an_enterprise_user_and_another_parks_staff_get_404(client, desk, other_park):
    made = taken(desk)
    for user in (enterprise_user(made.enterprise), staff(Role.BUSINESS_STAFF, other_park)):
        login(client, user)
        for url in (
            reverse("servicedesk:request", args=[made.pk]),
            reverse("servicedesk:request_resolve", args=[made.pk]),
        ):
            response = client.get(url) if url.endswith(f"{made.pk}/") else client.post(url)
            assert response.status_code == 404, (user, url)


# ---------------------------------------------------------------------------------------------
# Call-backs (R-SVC-2)


def _residents(desk, n):
    return [
        EnterpriseFactory(
            park=desk.park, status=EnterpriseStatus.RESIDENT, account_manager=desk.first
        )
        for _ in range(n)
    ]


@MID_MONTH
def test_the_call_back_list_defaults_to_this_month_and_highlights_follow_ups(client, desk):
    low, high = _residents(desk, 2)
    services.callbacks_generate()
    period = f"{timezone.localdate():%Y-%m}"
    services.callback_record(
        actor=desk.first, callback=CallBack.objects.get(enterprise=low), score=1, comment="太慢"
    )
    login(client, desk.first)
    html = _html(client.get(reverse("servicedesk:callbacks")))
    assert period in html and low.name in html and high.name in html
    assert "data-follow-up" in html and "需跟进" in html and "首问人" in html
    pending = _html(client.get(reverse("servicedesk:callbacks"), {"status": "pending"}))
    assert high.name in pending and low.name not in pending


@MID_MONTH
def test_a_low_score_without_a_comment_is_an_inline_error_and_nothing_is_written(client, desk):
    (company,) = _residents(desk, 1)
    services.callbacks_generate()
    callback = CallBack.objects.get(enterprise=company)
    login(client, desk.first)
    url = reverse("servicedesk:callback", args=[callback.pk])
    response = client.post(url, {"score": "2", "comment": ""})
    assert response.status_code == 400
    assert 'id="id_comment_error"' in _html(response)
    callback.refresh_from_db()
    assert callback.status == "pending"
    response = client.post(url, {"score": "2", "comment": "报修响应慢"})
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.score == 2 and callback.follow_up_owner == desk.first


@pytest.mark.parametrize("rows", [3, 30])
@MID_MONTH
def test_the_call_back_list_runs_a_constant_number_of_queries(
    client, desk, rows, django_assert_max_num_queries
):
    _residents(desk, rows)
    services.callbacks_generate()
    login(client, desk.first)
    client.get(reverse("servicedesk:callbacks"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("servicedesk:callbacks"))
    assert len(response.context["callbacks"]) == min(rows, 20)


# ---------------------------------------------------------------------------------------------
# Anomaly reports (R-SVC-3)


def test_an_anomaly_reported_late_is_red_and_the_threshold_is_the_rules_parameter(
    client, desk, monkeypatch
):
    now = timezone.now()
    services.anomaly_report(
        actor=desk.first,
        park=desk.park,
        description="停车场道闸故障",
        discovered_at=now - datetime.timedelta(hours=30),
    )
    services.anomaly_report(
        actor=desk.first,
        park=desk.park,
        description="电梯异响",
        discovered_at=now - datetime.timedelta(hours=3),
    )
    login(client, desk.first)
    html = _html(client.get(reverse("servicedesk:anomalies")))
    assert html.count("data-late") == 1 and "迟报" in html
    late = _html(client.get(reverse("servicedesk:anomalies"), {"late": "on"}))
    assert "停车场道闸故障" in late and "电梯异响" not in late
    from .. import selectors_requests

    monkeypatch.setattr(selectors_requests, "late_hours", lambda: 48)
    assert "data-late" not in _html(client.get(reverse("servicedesk:anomalies")))


def test_reporting_an_anomaly_with_its_discovery_time(client, desk):
    login(client, desk.first)
    url = reverse("servicedesk:anomaly_report")
    html = _html(client.get(url))
    assert 'type="datetime-local"' in html
    future = timezone.localtime(timezone.now() + datetime.timedelta(hours=2))
    refused = client.post(
        url,
        {
            "park": desk.park.pk,
            "discovered_at": future.strftime("%Y-%m-%dT%H:%M"),
            "description": "消防通道被占用",
        },
    )
    assert refused.status_code == 400 and "id_discovered_at_error" in _html(refused)
    earlier = timezone.localtime(timezone.now() - datetime.timedelta(hours=26))
    response = client.post(
        url,
        {
            "park": desk.park.pk,
            "discovered_at": earlier.strftime("%Y-%m-%dT%H:%M"),
            "description": "消防通道被占用",
        },
        follow=True,
    )
    assert "已标记为迟报" in _html(response)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_anomaly_list_runs_a_constant_number_of_queries(
    client, desk, rows, django_assert_max_num_queries
):
    for n in range(rows):
        services.anomaly_report(
            actor=desk.first,
            park=desk.park,
            description=f"异常{n}",
            discovered_at=timezone.now() - datetime.timedelta(hours=n),
        )
    login(client, desk.first)
    client.get(reverse("servicedesk:anomalies"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("servicedesk:anomalies"))
    assert len(response.context["reports"]) == min(rows, 20)


def test_no_page_shows_article_codes_or_requirement_codes_in_the_sentence(client, desk):
    made = taken(desk)
    services.transfer_offer(actor=desk.first, request=made, to_person=desk.second, reason="协助")
    login(client, desk.first)
    for name, args in (
        ("servicedesk:requests", []),
        ("servicedesk:request", [made.pk]),
        ("servicedesk:request_create", []),
        ("servicedesk:transfers", []),
        ("servicedesk:callbacks", []),
        ("servicedesk:anomalies", []),
        ("servicedesk:anomaly_report", []),
    ):
        html = _html(client.get(reverse(name, args=args)))
        assert "Art." not in html and "（R-" not in html, name
