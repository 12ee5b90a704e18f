"""The staff resource pages (R-RES-1 … R-RES-6, R-ORG-3): lists scoped and in a constant number
of queries, the occupancy calendar in a constant number of queries whatever the number of
resources, a staff request refused inline on a taken slot with nothing written, the request page
with its gates and usage, release with a reason, deviations resolved, entitlements edited by
keepers only."""

import datetime

import pytest
from django.urls import reverse

from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import ParkFactory, staff

from .. import services
from ..choices import AllocationStatus, DeviationStatus, ResourceKind
from ..gates import RISK_REVIEW
from ..models import Entitlement, ResourceRequest
from .factories import (
    Org,
    admitted,
    at,
    book,
    decide_all,
    hours_entitlement,
    meeting_room,
    unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(org):
    hours_entitlement(org, hours="80")
    return admitted(org, name="苏州星河半导体有限公司")


@pytest.fixture
def reader(org, client):
    user = staff(Role.AUDITOR, org.park)
    login(client, user)
    return user


# ---------------------------------------------------------------------------------------------
# The catalogue and the calendar


def test_the_catalogue_filters_by_kind_building_and_status_and_hides_other_parks(
    client, org, other_park
):
    meeting_room(org, code="M1", name="星光会议室")
    unit(org, code="A-101", name="A栋101单元", building="A栋")
    unit(org, code="B-201", name="B栋201单元", building="B栋")
    unit(Org(other_park), code="X-1", name="乙园单元")
    login(client, staff(Role.AUDITOR, org.park))
    url = reverse("resources:list")
    everything = client.get(url).content.decode()
    assert "星光会议室" in everything and "A栋101单元" in everything
    assert "乙园单元" not in everything
    rooms = client.get(url, {"kind": ResourceKind.MEETING_ROOM}).content.decode()
    assert "星光会议室" in rooms and "A栋101单元" not in rooms
    in_b = client.get(url, {"building": "B栋"}).content.decode()
    assert "B栋201单元" in in_b and "A栋101单元" not in in_b
    assert "星光会议室" not in client.get(url, {"status": "maintenance"}).content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_catalogue_runs_a_constant_number_of_queries(
    client, org, rows, django_assert_max_num_queries
):
    for n in range(rows):
        unit(org, code=f"A-{n:03d}")
    login(client, staff(Role.AUDITOR, org.park))
    client.get(reverse("resources:list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("resources:list"))
    assert len(response.context["resources"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_building_calendar_runs_a_constant_number_of_queries_whatever_the_units(
    client, org, tenant, rows, django_assert_max_num_queries
):
    units = [unit(org, code=f"A-{n:03d}", area="50") for n in range(rows)]
    services.entitlement_save(
        actor=org.keeper, park=org.park, grade="b", kind="unit", max_area="100000"
    )
    for held in units[:3]:
        made = book(org, tenant, held, at(1, 0), hours=24 * 3, purpose="临时办公")
        decide_all(made, RISK_REVIEW, org.risk)
    login(client, staff(Role.AUDITOR, org.park))
    url = reverse("resources:calendar")
    client.get(url)
    for view in ("day", "week", "month"):
        with django_assert_max_num_queries(10):
            response = client.get(url, {"building": "A栋", "view": view})
        calendar = response.context["calendar"]
        assert len(calendar["rows"]) == rows
    tomorrow = (at(1) + datetime.timedelta(hours=1)).date().isoformat()
    week = client.get(url, {"building": "A栋", "view": "week", "date": tomorrow})
    page = week.content.decode()
    assert "苏州星河半导体有限公司" in page  # a held cell names the holder
    held = [row.held for row in week.context["calendar"]["rows"]]
    assert held[:3] == [min(3, 7 - at(1).date().weekday())] * 3
    assert not any(held[3:])


def test_a_held_run_of_days_is_one_cell_spanning_them(client, org, tenant):
    services.entitlement_save(
        actor=org.keeper, park=org.park, grade="b", kind="unit", max_area="1000"
    )
    office = unit(org, code="A-900")
    monday = at(7) - datetime.timedelta(days=at(7).weekday())
    monday = monday.replace(hour=0)
    decide_all(book(org, tenant, office, monday, hours=24 * 3), RISK_REVIEW, org.risk)
    login(client, staff(Role.AUDITOR, org.park))
    response = client.get(
        reverse("resources:calendar"),
        {"building": "A栋", "view": "week", "date": monday.date().isoformat()},
    )
    (row,) = response.context["calendar"]["rows"]
    spans = [(cell.span, cell.allocation is not None) for cell in row.cells]
    assert spans == [(3, True), (1, False), (1, False), (1, False), (1, False)]


def test_the_resource_page_shows_its_bookings_and_its_calendar_by_hour(client, org, tenant):
    room = meeting_room(org, code="M7", name="七号会议室")
    book(org, tenant, room, at(1, 9), hours=2)
    login(client, staff(Role.AUDITOR, org.park))
    response = client.get(
        reverse("resources:resource", args=[room.pk]),
        {"view": "week", "date": at(1).date().isoformat()},
    )
    assert response.status_code == 200
    assert "苏州星河半导体有限公司" in response.content.decode()
    calendar = response.context["calendar"]
    assert len(calendar["headers"]) == 24 and len(calendar["rows"]) == 7
    assert calendar["held"] == 2 and calendar["count"] == 1


# ---------------------------------------------------------------------------------------------
# Requests


@pytest.mark.parametrize("rows", [3, 30])
def test_the_request_list_runs_a_constant_number_of_queries(
    client, org, tenant, rows, django_assert_max_num_queries
):
    room = meeting_room(org)
    for n in range(rows):
        book(org, tenant, room, at(1 + n, 9), hours=1)
    login(client, staff(Role.AUDITOR, org.park))
    client.get(reverse("resources:requests"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("resources:requests"))
    assert len(response.context["requests"]) == min(rows, 20)


def test_the_request_list_filters_above_entitlement_and_hides_other_parks(
    client, org, tenant, other_park
):
    room = meeting_room(org)
    book(org, tenant, room, at(1, 9), hours=2, purpose="常规例会")
    book(
        org,
        tenant,
        unit(org),
        at(5),
        hours=24 * 30,
        purpose="扩租办公",
        justification="新项目落地，临时扩租",
    )
    other = Org(other_park)
    hours_entitlement(other)
    book(other, admitted(other, name="乙园企业"), meeting_room(other), at(1, 9), purpose="乙园会")
    login(client, staff(Role.AUDITOR, org.park))
    url = reverse("resources:requests")
    everything = client.get(url).content.decode()
    assert "常规例会" in everything and "扩租办公" in everything and "乙园会" not in everything
    above = client.get(url, {"above_entitlement": "on"}).content.decode()
    assert "扩租办公" in above and "常规例会" not in above


def test_a_staff_request_on_a_taken_slot_is_refused_inline_naming_the_holder(client, org, tenant):
    room = meeting_room(org)
    book(org, tenant, room, at(2, 9), hours=2)
    other = admitted(org, name="苏州后到科技有限公司")
    login(client, org.clerk)
    before = ResourceRequest.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("resources:request_create"),
        {
            "enterprise": other.pk,
            "resource": room.pk,
            "starts_at": at(2, 10).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(2, 12).strftime("%Y-%m-%dT%H:%M"),
            "purpose": "客户洽谈",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="request-error"' in page and "苏州星河半导体有限公司" in page
    assert (ResourceRequest.objects.count(), AuditEvent.objects.count()) == before


def test_above_entitlement_without_justification_is_refused_on_the_field(client, org, tenant):
    office = unit(org)
    login(client, org.clerk)
    response = client.post(
        reverse("resources:request_create"),
        {
            "enterprise": tenant.pk,
            "resource": office.pk,
            "starts_at": at(3, 0).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(33, 0).strftime("%Y-%m-%dT%H:%M"),
            "purpose": "扩租",
        },
    )
    assert response.status_code == 200
    assert "须填写书面理由" in str(response.context["form"].errors["justification"])
    assert not ResourceRequest.objects.exists()


def test_the_request_page_shows_gates_usage_and_the_review_link(client, org, tenant):
    made = book(
        org, tenant, unit(org), at(5), hours=24 * 30, purpose="扩租", justification="项目扩编"
    )
    login(client, staff(Role.AUDITOR, org.park))
    response = client.get(reverse("resources:request", args=[made.pk]))
    page = response.content.decode()
    assert "资源调配合理性审查" in page and "重大资源领导小组审批" in page
    assert "该客户等级没有此类资源的权益" in page and "项目扩编" in page
    review = Review.objects.get(object_id=made.pk, gate="resources.risk_review")
    assert reverse("core:review_detail", args=[review.pk]) in page


def test_another_parks_request_is_a_404_and_an_enterprise_user_gets_404(client, org, tenant):
    made = book(org, tenant, meeting_room(org), at(1, 9))
    login(client, staff(Role.AUDITOR, ParkFactory(name="常州园")))
    assert client.get(reverse("resources:request", args=[made.pk])).status_code == 404
    login(client, enterprise_user(tenant))
    assert client.get(reverse("resources:request", args=[made.pk])).status_code == 404
    assert client.get(reverse("resources:requests")).status_code == 404


def test_release_needs_a_reason_and_frees_the_slot(client, org, tenant):
    made = book(org, tenant, meeting_room(org), at(1, 9))
    login(client, org.clerk)
    url = reverse("resources:release", args=[made.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "data-open-on-load" in refused.content.decode()
    made.allocation.refresh_from_db()
    assert made.allocation.status == AllocationStatus.ACTIVE
    assert client.post(url, {"reason": "企业取消会议"}).status_code == 302
    made.allocation.refresh_from_db()
    assert made.allocation.status == AllocationStatus.RELEASED
    assert made.allocation.release_reason == "企业取消会议"


# ---------------------------------------------------------------------------------------------
# Deviations and entitlements


@pytest.mark.parametrize("rows", [3, 30])
def test_the_deviation_list_runs_a_constant_number_of_queries(
    client, org, tenant, rows, django_assert_max_num_queries
):
    made = book(org, tenant, meeting_room(org), at(1, 9))
    for n in range(rows):
        services.deviation_report(
            actor=org.clerk, allocation=made.allocation, kind="late", description=f"延迟{n}"
        )
    login(client, staff(Role.AUDITOR, org.park))
    client.get(reverse("resources:deviations"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("resources:deviations"))
    assert len(response.context["deviations"]) == min(rows, 20)


def test_a_deviation_is_reported_from_the_request_and_resolved_with_its_clock(client, org, tenant):
    made = book(org, tenant, meeting_room(org), at(1, 9))
    login(client, org.clerk)
    response = client.post(
        reverse("resources:deviation_report", args=[made.pk]),
        {"kind": "insufficient", "description": "投影仪无法使用"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "偏差处理时限" in page and 'id="resolve"' in page
    deviation = made.allocation.deviations.get()
    url = reverse("resources:deviation_resolve", args=[deviation.pk])
    assert client.post(url, {"resolution": ""}).status_code == 400
    assert client.post(url, {"resolution": "已更换投影仪"}).status_code == 302
    deviation.refresh_from_db()
    assert deviation.status == DeviationStatus.RESOLVED


def test_entitlements_are_read_by_staff_and_set_by_keepers(client, org):
    hours_entitlement(org, grade="a", hours="20")
    login(client, staff(Role.AUDITOR, org.park))
    page = client.get(reverse("resources:entitlements"))
    assert page.context["form"] is None and "20 小时/月" in page.content.decode()
    assert client.post(reverse("resources:entitlements"), {}).status_code == 403
    login(client, org.keeper)
    entitlement = Entitlement.objects.get()
    edit = client.get(reverse("resources:entitlements"), {"edit": entitlement.pk})
    assert edit.context["form"].initial["monthly_hours"] == entitlement.monthly_hours
    response = client.post(
        reverse("resources:entitlements"),
        {
            "park": org.park.pk,
            "grade": "a",
            "kind": "meeting_room",
            "monthly_hours": "30",
            "priority": "1",
        },
    )
    assert response.status_code == 302
    entitlement.refresh_from_db()
    assert entitlement.monthly_hours == 30 and entitlement.priority == 1
    assert AuditEvent.objects.filter(action="entitlement.save").count() == 2


def test_r_res_1_the_catalogue_exports_to_excel_scoped_and_audited(client, org, other_park):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    from parkflow.core.models import AuditEvent
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    from .factories import Org, meeting_room, unit

    unit(org, code="A-808", name="甲园导出单元")
    meeting_room(Org(other_park), code="B-M1", name="乙园会议室")
    client.force_login(staff(Role.AUDITOR, org.park))
    response = client.get(reverse("resources:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "甲园导出单元" in names and "乙园会议室" not in names
    assert AuditEvent.objects.filter(action="resource.export").count() == 1
