"""The complaints API (R-CMP-1 … R-CMP-8, R-PLT-2): the same services, gates and audit as the
pages — scoped lists in a constant number of queries, the enterprise's own complaints without
internal notes, every step, the major plan refused before the leading group's review with
nothing changed, no DELETE or edit of a complaint, and the grading matrix."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import gates
from .. import services_complaints as sc
from ..choices import ComplaintStatus, NoteKind, PlanStage
from ..models import Complaint, ComplaintNote, EmergencyPlan, GradingCriterion
from .factories import Desk, complaint, decide_all

pytestmark = pytest.mark.django_db
API = "/api/v1"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def taken(desk, **values):
    return sc.complaint_take(actor=desk.first, complaint=complaint(desk, **values))


def test_staff_list_their_parks_complaints_with_the_response_clock(desk, other_park):
    complaint(desk, title="甲园投诉")
    complaint(Desk(other_park), title="乙园投诉")
    response = api(desk.first).get(f"{API}/complaints/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == ["甲园投诉"]
    assert rows[0]["grade_label"] == "一般" and rows[0]["response_state"] == "running"
    assert rows[0]["response_due_at"]


def test_the_list_filters_by_grade_mine_and_overdue(desk):
    late = complaint(desk, title="十天前", received_at=timezone.now() - datetime.timedelta(days=10))
    mine = taken(desk, title="我的", safety=True)
    client = api(desk.first)
    assert [r["id"] for r in client.get(f"{API}/complaints/?grade=major").json()["results"]] == [
        mine.pk
    ]
    assert [r["id"] for r in client.get(f"{API}/complaints/?mine=true").json()["results"]] == [
        mine.pk
    ]
    assert [r["id"] for r in client.get(f"{API}/complaints/?overdue=true").json()["results"]] == [
        late.pk
    ]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(desk, rows, django_assert_max_num_queries):
    enterprise = EnterpriseFactory(park=desk.park)
    for n in range(rows):
        complaint(desk, enterprise=enterprise, title=f"投诉{n}")
    client = api(desk.first)
    client.get(f"{API}/complaints/")
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/complaints/?page_size=50")
    assert response.json()["count"] == rows


def test_staff_record_a_complaint_and_see_the_proposal(desk):
    enterprise = EnterpriseFactory(park=desk.park)
    response = api(desk.first).post(
        f"{API}/complaints/",
        {
            "enterprise": enterprise.pk,
            "channel": "visit",
            "topic": "safety",
            "title": "消防通道被占用",
            "text": "B 栋东侧",
            "complainant": "李总",
            "received_at": (timezone.now() - datetime.timedelta(hours=3)).isoformat(),
            "safety": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["grade"] == "major" and body["proposed_grade"] == "major"
    assert body["emergency_plan"]["stage"] == "activated"


def test_a_hotline_complaint_without_its_ticket_names_the_field(desk):
    enterprise = EnterpriseFactory(park=desk.park)
    response = api(desk.first).post(
        f"{API}/complaints/",
        {
            "enterprise": enterprise.pk,
            "channel": "hotline",
            "topic": "fees",
            "title": "x",
            "text": "y",
            "complainant": "z",
            "received_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "hotline_ticket"
    assert not Complaint.objects.exists()


def test_the_enterprise_files_and_reads_only_its_own_without_internal_notes(desk):
    tenant = EnterpriseFactory(park=desk.park)
    user = enterprise_user(tenant)
    client = api(user)
    response = client.post(
        f"{API}/complaints/",
        {"topic": "fees", "title": "物业费重复扣款", "text": "扣了两次"},
        format="json",
    )
    assert response.status_code == 201
    made = Complaint.objects.get(pk=response.json()["id"])
    assert made.channel == "portal" and made.enterprise == tenant
    sc.complaint_take(actor=desk.first, complaint=made)
    sc.complaint_note_add(actor=desk.first, complaint=made, text="内部进展")
    sc.complaint_respond(actor=desk.first, complaint=made, text="已退款")
    other = complaint(desk, title="别家的投诉")
    body = client.get(f"{API}/complaints/{made.pk}/").json()
    assert [n["text"] for n in body["notes"]] == ["已退款"]
    assert "owner_person" not in body and "grade" not in body and "emergency_plan" not in body
    assert client.get(f"{API}/complaints/{other.pk}/").status_code == 404
    assert [r["id"] for r in client.get(f"{API}/complaints/").json()["results"]] == [made.pk]


def test_every_step_of_a_general_complaint_through_the_api(desk):
    tenant = EnterpriseFactory(park=desk.park)
    made = complaint(desk, enterprise=tenant)
    first, second = api(desk.first), api(desk.second)
    base = f"{API}/complaints/{made.pk}"
    assert first.post(f"{base}/take/").status_code == 200
    response = first.post(
        f"{base}/transfer/", {"to_person": desk.second.pk, "reason": "维修组"}, format="json"
    )
    assert response.status_code == 200 and response.json()["transfer_count"] == 1
    assert second.post(f"{base}/transfer/decline/", {"reason": "不归我"}).status_code == 200
    first.post(f"{base}/transfer/", {"to_person": desk.second.pk, "reason": "请接"})
    assert second.post(f"{base}/transfer/accept/").status_code == 200
    made.refresh_from_db()
    assert made.owner == desk.second and made.transfer_count == 2
    assert second.post(f"{base}/respond/", {"text": "已安排"}).status_code == 200
    response = second.post(f"{base}/note/", {"text": "更正：三号楼", "kind": "correction"})
    assert response.status_code == 200
    assert ComplaintNote.objects.filter(kind=NoteKind.CORRECTION).count() == 1
    assert second.post(f"{base}/wait/", {"reason": "等照片"}).status_code == 200
    assert second.post(f"{base}/resume/").status_code == 200
    response = second.post(f"{base}/regrade/", {"grade": "significant", "reason": "多家"})
    assert response.status_code == 200 and response.json()["grade"] == "significant"
    assert second.post(f"{base}/resolve/", {"resolution": "已修复"}).status_code == 200
    owner = api(enterprise_user(tenant))
    assert owner.post(f"{base}/reopen/", {"reason": "仍有问题"}).status_code == 200
    assert owner.post(f"{base}/supplement/", {"text": "照片已上传"}).status_code == 200
    assert second.post(f"{base}/resolve/", {"resolution": "再次修复"}).status_code == 200
    response = owner.post(f"{base}/confirm/", {"rating": 5, "comment": "好"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = api(desk.head).post(
        f"{base}/refer/",
        {"responsible_person": desk.first.pk, "article": "Art.17", "facts": "推诿"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["article"] == "Art.17"


def test_staff_cannot_confirm_and_the_owner_only_resolves(desk):
    made = taken(desk)
    base = f"{API}/complaints/{made.pk}"
    assert api(desk.first).post(f"{base}/confirm/", {"rating": 5}).status_code == 403
    before = AuditEvent.objects.count()
    response = api(desk.second).post(f"{base}/resolve/", {"resolution": "x"})
    assert response.status_code == 403 and response.json()["code"] == "not_the_owner"
    assert AuditEvent.objects.count() == before


def test_carrying_out_a_major_plan_before_the_review_is_refused_and_nothing_changes(desk, leaders):
    made = taken(desk, topic="safety", safety=True)
    plan = EmergencyPlan.objects.get(complaint=made)
    client = api(desk.first)
    base = f"{API}/complaint-plans/{plan.pk}"
    response = client.post(f"{base}/report/", {"control_measures": "清理", "report_text": "上报"})
    assert response.status_code == 200 and response.json()["stage"] == "reported"
    response = client.post(f"{base}/submit/", {"plan_text": "设置禁停标识"})
    assert response.status_code == 200 and response.json()["review"]["status"] == "open"
    before = AuditEvent.objects.count()
    response = client.post(f"{base}/carry_out/")
    assert response.status_code == 409 and response.json()["requirement"] == "R-CMP-5"
    response = client.post(f"{API}/complaints/{made.pk}/resolve/", {"resolution": "x"})
    assert response.status_code == 409
    plan.refresh_from_db()
    made.refresh_from_db()
    assert plan.stage == PlanStage.PLAN_REVIEW and plan.carried_out_at is None
    assert made.status == ComplaintStatus.IN_PROGRESS
    assert AuditEvent.objects.count() == before
    decide_all(plan, gates.PLAN_REVIEW, leaders.member)
    assert client.post(f"{base}/carry_out/").json()["stage"] == "carrying_out"
    response = client.post(f"{base}/complete/", {"rectification": "已完成"})
    assert response.json()["stage"] == "completed"


def test_no_route_deletes_or_edits_a_complaint(desk):
    made = taken(desk)
    client = api(desk.first)
    url = f"{API}/complaints/{made.pk}/"
    # No such route: refused before anything is looked at (deny by default).
    assert client.delete(url).status_code in (403, 405)
    assert client.patch(url, {"title": "改"}, format="json").status_code in (403, 405)
    assert client.put(url, {"title": "改"}, format="json").status_code in (403, 405)
    assert Complaint.objects.filter(pk=made.pk).exists()
    client.post(f"{url}respond/", {"text": "答复", "title": "改过的", "received_at": "2020-01-01"})
    made.refresh_from_db()
    assert made.title == "电梯多次困人"


def test_the_grading_matrix_is_read_by_staff_and_changed_by_the_admin(desk):
    rows = api(desk.first).get(f"{API}/complaint-grading/").json()
    assert {row["criterion"] for row in rows} >= {"enterprises", "safety", "amount"}
    change = {"thresholds": {"enterprises": {"significant_at": 6, "major_at": 5}}, "reason": "x"}
    url = f"{API}/complaint-grading/change/"
    assert api(desk.head).post(url, change, format="json").status_code == 403
    admin_user = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    response = api(admin_user).post(url, change, format="json")
    assert response.status_code == 400 and response.json()["field"] == "enterprises-major_at"
    change["thresholds"]["enterprises"] = {"significant_at": 2, "major_at": 5}
    assert api(admin_user).post(url, change, format="json").status_code == 200
    assert GradingCriterion.objects.get(criterion="enterprises").major_at == 5
