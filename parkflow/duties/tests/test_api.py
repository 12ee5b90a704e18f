"""The compliance calendar's API (R-PLT-2, R-MON-3): my tasks, completing one — the same checks
as the pages, refusals in the one error shape."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

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


@pytest.fixture
def org(park, other_park):
    org = build_org(park, other_park)
    with time_machine.travel(datetime.datetime(2026, 10, 12, 9, tzinfo=_TZ), tick=False):
        services.duty_tasks_generate()
    return org


@pytest.fixture(autouse=True)
def _late_october(org):
    with time_machine.travel(datetime.datetime(2026, 10, 28, 9, tzinfo=_TZ), tick=False):
        yield


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _task(code, unit, period="2026-10"):
    return DutyTask.objects.get(duty=code, unit=unit, period=period)


def test_mine_lists_my_open_tasks_soonest_first(org):
    body = _client(org.person("biz_a")).get("/api/v1/duty-tasks/mine/").json()
    rows = body["results"]
    assert rows and all(row["owner"]["id"] == org.person("biz_a").pk for row in rows)
    assert [row["due_on"] for row in rows] == sorted(row["due_on"] for row in rows)
    callbacks = next(r for r in rows if r["duty"] == "servicedesk.monthly_callbacks")
    assert callbacks["articles"] == ["Art.13"] and callbacks["state"] == "pending"
    assert callbacks["status_label"] == "待办"
    others = _client(org.person("biz_b")).get("/api/v1/duty-tasks/mine/").json()["results"]
    assert callbacks["id"] not in {row["id"] for row in others}


def test_the_list_filters_by_state_and_due_dates(org):
    client = _client(org.person("office"))
    rows = client.get("/api/v1/duty-tasks/", {"due_from": "2026-10-01", "due_to": "2026-10-31"})
    assert rows.status_code == 200
    assert all("2026-10-01" <= r["due_on"] <= "2026-10-31" for r in rows.json()["results"])
    assert client.get("/api/v1/duty-tasks/", {"state": "nonsense"}).status_code == 400


def test_complete_with_a_note_and_with_a_file(org):
    callbacks = _task("servicedesk.monthly_callbacks", org.park)
    client = _client(org.person("biz_a"))
    response = client.post(
        f"/api/v1/duty-tasks/{callbacks.pk}/complete/", {"note": "已回访"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == TaskStatus.DONE and response.json()["state"] == "done"
    screening = _task("risk.monthly_screening", org.park)
    response = _client(org.person("risk")).post(
        f"/api/v1/duty-tasks/{screening.pk}/complete/",
        {"note": "排查完毕", "file": pdf_upload("排查记录.pdf")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["evidence_name"] == "排查记录.pdf"


def test_refusals_in_the_one_error_shape_and_nothing_written(org):
    callbacks = _task("servicedesk.monthly_callbacks", org.park)
    screening = _task("risk.monthly_screening", org.park)
    events = AuditEvent.objects.count()
    colleague = _client(staff(Role.BUSINESS_STAFF, org.park))
    response = colleague.post(
        f"/api/v1/duty-tasks/{callbacks.pk}/complete/", {"note": "代为完成"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = _client(org.person("risk")).post(
        f"/api/v1/duty-tasks/{screening.pk}/complete/", {"note": "排查完毕"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["requirement"] == "R-MON-3" and "请提供证明材料" in str(body)
    response = _client(org.person("biz_b")).post(
        f"/api/v1/duty-tasks/{callbacks.pk}/complete/", {"note": "越园"}, format="json"
    )
    assert response.status_code == 404
    assert AuditEvent.objects.count() == events


def test_a_link_through_the_api(org):
    from parkflow.testdomain.tests.factories import errand

    review = _task("testdomain.errand_review", org.park)
    lead = staff(Role.LEAD_STAFF, org.park)
    services.task_reassign(actor=org.person("office"), task=review, owner=lead)
    elsewhere = errand(org.other_park, title="乙园事项")
    client = _client(lead)
    url = f"/api/v1/duty-tasks/{review.pk}/complete/"
    response = client.post(url, {"link_id": elsewhere.pk}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "link_id"
    made = errand(org.park, title="甲园事项")
    response = client.post(url, {"link_id": made.pk}, format="json")
    assert response.status_code == 200 and response.json()["link_repr"] == "甲园事项"
