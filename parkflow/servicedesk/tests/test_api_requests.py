"""The service-desk API (R-SVC-1 … R-SVC-3, R-PLT-2): each step through the API — submit, take,
offer, accept, decline, resolve, confirm, record, report — with the services' refusals in the one
error shape (a low score without a comment names the field); labels in the caller's language; the
enterprise sees only its own; lists in a constant number of queries; nothing is deleted."""

import datetime

import pytest
from django.utils import timezone

from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff

from .. import services
from ..choices import RequestStatus, TransferStatus
from ..models import CallBack, ServiceRequest
from .factories import submitted, taken

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_the_whole_path_of_a_request_through_the_api(desk):
    company = EnterpriseFactory(park=desk.park)
    tenant = client_for(enterprise_user(company))
    made = tenant.post(
        f"{API}/service-requests/",
        {"category": "repair", "title": "空调不制冷", "description": "三楼"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["enterprise"] == company.pk and body["status_label"] == "待受理"
    pk = body["id"]
    first = client_for(desk.first)
    taken_ = first.post(f"{API}/service-requests/{pk}/take/")
    assert taken_.status_code == 200 and taken_.json()["owner"]["id"] == desk.first.pk
    again = client_for(desk.second).post(f"{API}/service-requests/{pk}/take/")
    assert again.status_code == 409 and again.json()["code"] == "already_owned"
    offer = first.post(
        f"{API}/service-requests/{pk}/transfer/",
        {"to_person": desk.second.pk, "reason": "涉及网络"},
        format="json",
    )
    assert offer.status_code == 201 and offer.json()["status"] == TransferStatus.PENDING
    second = client_for(desk.second)
    inbox = second.get(f"{API}/service-transfers/", {"to_me": "true", "status": "pending"})
    assert [t["id"] for t in inbox.json()["results"]] == [offer.json()["id"]]
    accepted = second.post(f"{API}/service-transfers/{offer.json()['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["owner"]["id"] == desk.second.pk
    empty = second.post(f"{API}/service-requests/{pk}/resolve/", {"resolution": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["field"] == "resolution"
    resolved = second.post(
        f"{API}/service-requests/{pk}/resolve/", {"resolution": "已修复"}, format="json"
    )
    assert resolved.json()["status"] == RequestStatus.RESOLVED
    # Staff cannot confirm; the enterprise does.
    assert first.post(f"{API}/service-requests/{pk}/confirm/", {"rating": 5}).status_code == 403
    bad = tenant.post(f"{API}/service-requests/{pk}/confirm/", {"rating": 9}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "rating"
    closed = tenant.post(
        f"{API}/service-requests/{pk}/confirm/", {"rating": 5, "comment": "好"}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status_label"] == "已关闭"


def test_a_declined_transfer_leaves_the_owner(desk):
    made = taken(desk)
    offer = services.transfer_offer(
        actor=desk.first, request=made, to_person=desk.second, reason="协助"
    )
    third = client_for(desk.third).post(
        f"{API}/service-transfers/{offer.pk}/decline/", {"reason": "不是我"}, format="json"
    )
    assert third.status_code == 403
    declined = client_for(desk.second).post(
        f"{API}/service-transfers/{offer.pk}/decline/", {"reason": "非本职"}, format="json"
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    made.refresh_from_db()
    assert made.owner == desk.first


def test_the_enterprise_lists_only_its_own_requests(desk):
    mine = EnterpriseFactory(park=desk.park)
    submitted(desk, enterprise=mine, title="我的报修")
    other = submitted(desk, title="别人的报修")
    api = client_for(enterprise_user(mine))
    titles = [r["title"] for r in api.get(f"{API}/service-requests/").json()["results"]]
    assert titles == ["我的报修"]
    assert api.get(f"{API}/service-requests/{other.pk}/").status_code == 404
    assert api.get(f"{API}/service-transfers/").json()["results"] == []


def test_lists_filter_by_status_and_category(desk):
    taken(desk, title="已受理")
    submitted(desk, title="待受理", category="consultation")
    api = client_for(desk.first)
    rows = api.get(f"{API}/service-requests/", {"status": "open"}).json()["results"]
    assert [r["title"] for r in rows] == ["待受理"]
    rows = api.get(f"{API}/service-requests/", {"category": "repair"}).json()["results"]
    assert [r["title"] for r in rows] == ["已受理"]
    assert api.get(f"{API}/service-requests/", {"status": "nope"}).status_code == 400


def test_no_delete_through_the_api(desk):
    made = submitted(desk)
    api = client_for(desk.first)
    assert api.delete(f"{API}/service-requests/{made.pk}/").status_code in (403, 405)
    assert ServiceRequest.objects.filter(pk=made.pk).exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_request_list_endpoint_runs_a_constant_number_of_queries(
    desk, rows, django_assert_max_num_queries
):
    for n in range(rows):
        submitted(desk, title=f"报修{n}")
    api = client_for(staff(Role.AUDITOR, desk.park))
    api.get(f"{API}/service-requests/")
    with django_assert_max_num_queries(8):
        response = api.get(f"{API}/service-requests/")
    assert response.json()["count"] == rows


def test_call_backs_are_recorded_and_a_low_score_needs_a_comment(desk):
    company = EnterpriseFactory(
        park=desk.park, status=EnterpriseStatus.RESIDENT, account_manager=desk.first
    )
    services.callbacks_generate(today=datetime.date(2026, 11, 16))
    callback = CallBack.objects.get(enterprise=company)
    api = client_for(desk.first)
    listed = api.get(f"{API}/callbacks/", {"period": "2026-11"}).json()["results"]
    assert [c["id"] for c in listed] == [callback.pk] and listed[0]["status_label"] == "待回访"
    low = api.post(f"{API}/callbacks/{callback.pk}/record/", {"score": 2}, format="json")
    assert low.status_code == 400 and low.json()["field"] == "comment"
    done = api.post(
        f"{API}/callbacks/{callback.pk}/record/", {"score": 2, "comment": "慢"}, format="json"
    )
    assert done.status_code == 200 and done.json()["follow_up_owner"]["id"] == desk.first.pk


def test_anomalies_are_reported_and_listed_late_past_the_rules_hours(desk):
    api = client_for(desk.first)
    late = api.post(
        f"{API}/anomaly-reports/",
        {
            "park": desk.park.pk,
            "description": "道闸故障",
            "discovered_at": (timezone.now() - datetime.timedelta(hours=30)).isoformat(),
        },
        format="json",
    )
    assert late.status_code == 201 and late.json()["late"] is True
    future = api.post(
        f"{API}/anomaly-reports/",
        {
            "park": desk.park.pk,
            "description": "未来",
            "discovered_at": (timezone.now() + datetime.timedelta(hours=3)).isoformat(),
        },
        format="json",
    )
    assert future.status_code == 400 and future.json()["field"] == "discovered_at"
    rows = api.get(f"{API}/anomaly-reports/").json()["results"]
    assert [(r["description"], r["late"]) for r in rows] == [("道闸故障", True)]
