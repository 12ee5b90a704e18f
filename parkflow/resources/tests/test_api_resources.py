"""The resources API (R-RES-1 … R-RES-6, R-PLT-2): the catalogue and its filters, the free/busy
calendar (the holder only for staff), entitlements, requests (the conflict as a 409 naming the
held period — and the holder only for staff), allocations and their release, deviations; what an
enterprise's own user may see and do (its own rows only); lists whose number of queries does not
grow with their rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

from .. import services
from ..choices import AllocationStatus, RequestStatus
from ..models import Allocation, Deviation, Entitlement, ResourceRequest
from .factories import (
    Org,
    admitted,
    area_entitlement,
    at,
    book,
    hours_entitlement,
    meeting_room,
    unit,
)
from .interfaces import api, snapshot, url

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _body(enterprise, resource, start, hours=2, **extra):
    body = {
        "resource": resource.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=hours)).isoformat(),
        "purpose": "项目评审会",
        **extra,
    }
    if enterprise is not None:
        body["enterprise"] = enterprise.pk
    return body


# ---------------------------------------------------------------------------------------------
# The catalogue (R-RES-1)


def test_the_catalogue_filters_by_park_kind_building_and_status(org):
    room = meeting_room(org)
    office = unit(org, building="A栋")
    other = unit(org, code="B-201", building="B栋")
    services.resource_save(
        actor=org.keeper,
        park=org.park,
        resource=other,
        kind=other.kind,
        code=other.code,
        status="maintenance",
    )
    client = api(staff(Role.AUDITOR, org.park))
    listed = "resources"
    assert set(_ids(client.get(url(listed)))) == {room.pk, office.pk, other.pk}
    assert _ids(client.get(url(listed), {"kind": "meeting_room"})) == [room.pk]
    assert _ids(client.get(url(listed), {"building": "B栋"})) == [other.pk]
    assert _ids(client.get(url(listed), {"status": "maintenance"})) == [other.pk]
    assert set(_ids(client.get(url(listed), {"park": org.park.pk}))) == {
        room.pk,
        office.pk,
        other.pk,
    }
    bad = client.get(url(listed), {"kind": "castle"})
    assert bad.status_code == 400 and bad.json()["field"] == "kind"
    row = client.get(url(listed), {"kind": "unit", "building": "A栋"}).json()["results"][0]
    assert row["kind_label"] == "办公单元" and row["status_label"] == "可用"
    assert Decimal(row["area"]) == Decimal("120")
    other_park = api(staff(Role.LEAD_STAFF, ParkFactory()))
    assert _ids(other_park.get(url(listed))) == []
    assert other_park.get(url(listed, room)).status_code == 404


def test_a_keeper_adds_and_changes_a_resource_through_the_services(org):
    client = api(org.keeper)
    made = client.post(
        url("resources"),
        {"park": org.park.pk, "kind": "unit", "code": "C-101", "name": "C栋101", "area": "80"},
        format="json",
    )
    assert made.status_code == 201, made.content
    resource = made.json()
    changed = client.patch(
        f"{url('resources')}{resource['id']}/", {"status": "retired", "name": "C栋101室"}, "json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "retired" and changed.json()["code"] == "C-101"
    assert AuditEvent.objects.filter(action="resource.save").count() == 2
    # A unit needs its area; a clash of codes is refused — by the service, in the one shape.
    events = AuditEvent.objects.count()
    no_area = client.post(
        url("resources"),
        {"park": org.park.pk, "kind": "unit", "code": "C-102", "name": "C栋102"},
        format="json",
    )
    assert no_area.status_code == 400 and no_area.json()["field"] == "area"
    clash = client.post(
        url("resources"),
        {"park": org.park.pk, "kind": "parking", "code": "C-101", "name": "车位"},
        format="json",
    )
    assert clash.status_code == 400 and clash.json()["field"] == "code"
    assert AuditEvent.objects.count() == events
    # The front office requests resources but does not keep the catalogue.
    refused = api(org.clerk).post(
        url("resources"),
        {"park": org.park.pk, "kind": "parking", "code": "P-1", "name": "车位1"},
        format="json",
    )
    assert refused.status_code == 403


# ---------------------------------------------------------------------------------------------
# Free/busy (R-RES-4): the periods for everyone of the park, the holder for staff only


def test_free_busy_shows_the_holder_to_staff_and_only_the_periods_to_an_enterprise(org):
    hours_entitlement(org, hours="40")
    holder, asker = admitted(org), admitted(org)
    room = meeting_room(org)
    held = book(org, holder, room, at(1, 9), hours=2).allocation
    book(org, holder, room, at(1, 14), hours=1)
    window = {"from": at(1, 8).isoformat(), "to": at(1, 18).isoformat()}
    shown = api(org.clerk).get(url("resources", room, "busy"), window)
    assert shown.status_code == 200, shown.content
    calendar = shown.json()
    assert [p["enterprise_name"] for p in calendar["busy"]] == [holder.name, holder.name]
    assert calendar["busy"][0]["allocation"] == held.pk
    assert [(p["starts_at"][11:16], p["ends_at"][11:16]) for p in calendar["free"]] == [
        ("08:00", "09:00"),
        ("11:00", "14:00"),
        ("15:00", "18:00"),
    ]
    portal = api(enterprise_user(asker)).get(url("resources", room, "busy"), window)
    assert portal.status_code == 200, portal.content
    periods = portal.json()
    assert [set(p) for p in periods["busy"]] == [{"starts_at", "ends_at"}] * 2
    assert holder.name not in portal.content.decode()
    assert periods["free"] == calendar["free"]
    # The catalogue itself stays the staff's; another park's enterprise sees nothing of it.
    assert api(enterprise_user(asker)).get(url("resources")).status_code == 403
    stranger = admitted(Org(ParkFactory()))
    assert api(enterprise_user(stranger)).get(url("resources", room, "busy")).status_code == 404


def test_free_busy_refuses_a_bad_window(org):
    room = meeting_room(org)
    client = api(org.clerk)
    backwards = client.get(
        url("resources", room, "busy"), {"from": at(2).isoformat(), "to": at(1).isoformat()}
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "to"
    too_long = client.get(
        url("resources", room, "busy"), {"from": at(1).isoformat(), "to": at(400).isoformat()}
    )
    assert too_long.status_code == 400
    garbled = client.get(url("resources", room, "busy"), {"from": "tomorrow"})
    assert garbled.status_code == 400 and garbled.json()["field"] == "from"
    default = client.get(url("resources", room, "busy")).json()
    assert len(default["free"]) == 1 and default["busy"] == []


# ---------------------------------------------------------------------------------------------
# Entitlements (R-RES-2)


def test_entitlements_are_set_and_replaced_by_grade_and_kind(org):
    client = api(org.keeper)
    body = {"park": org.park.pk, "grade": "b", "kind": "meeting_room", "monthly_hours": "8"}
    first = client.post(url("entitlements"), body, format="json")
    assert first.status_code == 200, first.content
    again = client.post(url("entitlements"), {**body, "monthly_hours": "12"}, format="json")
    assert again.json()["id"] == first.json()["id"]
    assert Entitlement.objects.get().monthly_hours == Decimal("12")
    listed = api(staff(Role.AUDITOR, org.park)).get(url("entitlements")).json()["results"]
    assert [(r["grade_label"], r["kind_label"], r["monthly_hours"]) for r in listed] == [
        ("B级", "会议室", "12.0")
    ]
    assert api(org.clerk).post(url("entitlements"), body, format="json").status_code == 403


# ---------------------------------------------------------------------------------------------
# Requests (R-RES-3, R-RES-4)


def test_an_enterprise_user_books_for_its_own_enterprise_only(org):
    hours_entitlement(org, hours="40")
    mine, theirs = admitted(org), admitted(org)
    room = meeting_room(org)
    client = api(enterprise_user(mine))
    made = client.post(url("resource-requests"), _body(None, room, at(1, 9)), format="json")
    assert made.status_code == 201, made.content
    shown = made.json()
    assert shown["enterprise"] == mine.pk and shown["channel"] == "portal"
    assert shown["status"] == RequestStatus.ALLOCATED  # the routine standing approval
    assert "requested_by" not in shown
    another_park = unit(Org(ParkFactory()), code="X-1")
    before = snapshot()
    other = client.post(url("resource-requests"), _body(theirs, room, at(1, 14)), format="json")
    assert other.status_code == 400 and other.json()["field"] == "enterprise"
    elsewhere = client.post(
        url("resource-requests"), _body(None, another_park, at(1, 14)), format="json"
    )
    assert elsewhere.status_code == 400 and elsewhere.json()["field"] == "resource"
    staff_without = api(org.clerk).post(
        url("resource-requests"), _body(None, room, at(1, 14)), format="json"
    )
    assert staff_without.status_code == 400 and staff_without.json()["field"] == "enterprise"
    assert snapshot() == before


def test_a_taken_slot_is_a_409_naming_the_period_and_the_holder_only_to_staff(org):
    hours_entitlement(org, hours="40")
    holder, asker = admitted(org), admitted(org)
    room = meeting_room(org)
    book(org, holder, room, at(1, 9), hours=2)
    before = snapshot()
    portal = api(enterprise_user(asker)).post(
        url("resource-requests"), _body(None, room, at(1, 10)), format="json"
    )
    assert portal.status_code == 409, portal.content
    body = portal.json()
    assert body["code"] == "slot_taken" and body["requirement"] == "R-RES-4"
    assert "09:00" in body["detail"] and "11:00" in body["detail"]
    assert holder.name not in body["detail"]
    by_staff = api(org.clerk).post(
        url("resource-requests"), _body(asker, room, at(1, 10)), format="json"
    )
    assert by_staff.status_code == 409 and holder.name in by_staff.json()["detail"]
    assert snapshot() == before
    adjacent = api(enterprise_user(asker)).post(
        url("resource-requests"), _body(None, room, at(1, 11)), format="json"
    )
    assert adjacent.status_code == 201, adjacent.content


def test_the_request_list_filters_and_the_detail_shows_gates_and_usage(org):
    hours_entitlement(org, hours="40")
    area_entitlement(org, area="1000")
    enterprise = admitted(org)
    booked = book(org, enterprise, meeting_room(org), at(1, 9))
    pending = book(org, enterprise, unit(org), at(3), hours=24 * 60)
    major = book(org, enterprise, unit(org, code="B-1", area="500"), at(3), hours=24 * 30)
    client = api(org.office)
    listed = url("resource-requests")
    assert _ids(client.get(listed)) == [major.pk, pending.pk, booked.pk]
    assert _ids(client.get(listed, {"status": "allocated"})) == [booked.pk]
    assert _ids(client.get(listed, {"kind": "unit"})) == [major.pk, pending.pk]
    assert _ids(client.get(listed, {"major": "true"})) == [major.pk]
    assert _ids(client.get(listed, {"above_entitlement": "true"})) == []
    assert client.get(listed, {"status": "lost"}).status_code == 400
    row = client.get(listed).json()["results"][0]
    assert row["status_label"] == "审查中" and "gates" not in row  # the list is lean
    detail = client.get(url("resource-requests", major)).json()
    assert {g["code"]: (g["applies"], g["status"]) for g in detail["gates"]} == {
        "resources.risk_review": (True, "open"),
        "resources.leading_group": (True, "open"),
    }
    assert detail["usage"] == "已用 0平方米，本次 500平方米，权益 1000平方米"
    assert detail["allocation"] is None and detail["requested_by"]["id"] == org.clerk.pk
    routine = client.get(url("resource-requests", booked)).json()
    assert {g["status"] for g in routine["gates"]} == {"not_applicable"}
    assert routine["standing_rule"] == "resources.routine_meeting_room"


def test_the_requester_withdraws_a_request_under_review(org):
    area_entitlement(org)
    enterprise = admitted(org)
    request = book(
        org, enterprise, unit(org), at(3), hours=24 * 60, actor=enterprise_user(enterprise)
    )
    client = api(enterprise_user(enterprise))
    cancelled = client.post(url("resource-requests", request, "cancel"), {}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == RequestStatus.CANCELLED
    again = client.post(url("resource-requests", request, "cancel"), {}, format="json")
    assert again.status_code == 409


# ---------------------------------------------------------------------------------------------
# Allocations and deviations (R-RES-4, R-RES-6); what an enterprise user sees


def test_an_enterprise_user_sees_only_its_own_requests_allocations_and_deviations(org):
    hours_entitlement(org, hours="40")
    mine, theirs = admitted(org), admitted(org)
    room = meeting_room(org)
    my_booking = book(org, mine, room, at(1, 9))
    their_booking = book(org, theirs, room, at(1, 14))
    their_deviation = services.deviation_report(
        actor=org.clerk, allocation=their_booking.allocation, kind="late", description="迟到"
    )
    client = api(enterprise_user(mine))
    assert _ids(client.get(url("resource-requests"))) == [my_booking.pk]
    assert _ids(client.get(url("allocations"))) == [my_booking.allocation.pk]
    assert client.get(url("allocations", their_booking.allocation)).status_code == 404
    assert client.get(url("resource-requests", their_booking)).status_code == 404
    shown = client.get(url("allocations", my_booking.allocation)).json()
    assert "granted_by" not in shown
    reported = client.post(
        url("deviations"),
        {"allocation": my_booking.allocation.pk, "kind": "insufficient", "description": "投影仪坏"},
        format="json",
    )
    assert reported.status_code == 201, reported.content
    assert reported.json()["channel"] == "portal" and "reported_by" not in reported.json()
    assert _ids(client.get(url("deviations"))) == [reported.json()["id"]]
    assert client.get(url("deviations", their_deviation)).status_code == 404
    events = AuditEvent.objects.count()
    refused = [
        client.post(
            url("deviations"),
            {"allocation": their_booking.allocation.pk, "kind": "late", "description": "x"},
            format="json",
        ),
        client.post(url("allocations", my_booking.allocation, "release"), {"reason": "不用了"}),
        client.post(f"{url('deviations')}{reported.json()['id']}/resolve/", {"resolution": "好了"}),
        client.get(url("entitlements")),
    ]
    assert [r.status_code for r in refused] == [400, 403, 403, 403]
    assert AuditEvent.objects.count() == events


def test_staff_release_an_allocation_and_resolve_a_deviation(org):
    hours_entitlement(org, hours="40")
    enterprise = admitted(org)
    booking = book(org, enterprise, meeting_room(org), at(1, 9))
    client = api(org.clerk)
    no_reason = client.post(url("allocations", booking.allocation, "release"), {}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    released = client.post(
        url("allocations", booking.allocation, "release"), {"reason": "会议取消"}, format="json"
    )
    assert released.status_code == 200, released.content
    assert released.json()["status"] == AllocationStatus.RELEASED
    assert released.json()["granted_by"] is None  # a standing approval granted it
    again = client.post(
        url("allocations", booking.allocation, "release"), {"reason": "再次"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "allocation_released"
    deviation = client.post(
        url("deviations"),
        {"allocation": booking.allocation.pk, "kind": "late", "description": "未按时开门"},
        format="json",
    ).json()
    resolved = client.post(
        f"{url('deviations')}{deviation['id']}/resolve/", {"resolution": "已调整"}, format="json"
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"]["id"] == org.clerk.pk
    assert Deviation.objects.get().resolved_at is not None


# ---------------------------------------------------------------------------------------------
# Lists cost the same number of queries for 3 rows as for 30 (STYLE.md §17)


def _rows(org, count, start=0):
    """``count`` enterprises, each with a booking (request, allocation) and a deviation."""
    from ..models import Resource

    room = Resource.objects.filter(park=org.park, code="M101").first() or meeting_room(org)
    if not Entitlement.objects.exists():
        hours_entitlement(org, hours="400")
    for i in range(start, start + count):
        enterprise = admitted(org)
        booked = book(org, enterprise, room, at(1 + i // 6, 8 + 2 * (i % 6)), hours=2)
        services.deviation_report(
            actor=org.clerk, allocation=booked.allocation, kind="late", description=f"偏差{i}"
        )
        unit(org, code=f"U-{i}", area="50")


LISTS = ["resources", "entitlements", "resource-requests", "allocations", "deviations"]


def _queries(client, path):
    client.get(path)  # warm up
    with CaptureQueriesContext(connection) as run:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(run), response


@pytest.mark.parametrize("viewer", ["staff", "enterprise"])
def test_the_lists_run_the_same_number_of_queries_for_3_and_30_rows(org, viewer):
    _rows(org, 3)
    first = ResourceRequest.objects.order_by("id").first().enterprise
    client = api(org.office if viewer == "staff" else enterprise_user(first))
    paths = LISTS if viewer == "staff" else ["resource-requests", "allocations", "deviations"]
    few = {path: _queries(client, url(path))[0] for path in paths}
    _rows(org, 27, start=3)
    for path in paths:
        many, response = _queries(client, url(path))
        assert many == few[path], (path, few[path], many)
        if viewer == "staff" and path != "entitlements":
            assert response.json()["count"] >= 30, path
    assert Allocation.objects.count() == 30


@pytest.mark.parametrize("rows", [3, 30])
def test_each_list_runs_at_most_two_queries(org, rows, django_assert_max_num_queries):
    _rows(org, rows)
    client = api(org.office)
    for path in LISTS:
        client.get(url(path))
        with django_assert_max_num_queries(2):
            assert client.get(url(path)).status_code == 200
