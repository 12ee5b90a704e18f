"""资源预订 in the portal (R-RES-2 … R-RES-6, R-PLT-3): a meeting room of the enterprise's own park
booked in a few taps within its entitlement, the free/busy grid that never names who holds a
slot, the refusals inline in Chinese, its own requests and allocations only, withdrawing and
reporting a deviation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory
from parkflow.resources.choices import DeviationStatus, RequestStatus
from parkflow.resources.models import Deviation, ResourceRequest
from parkflow.resources.tests.factories import (
    Org,
    admitted,
    at,
    book,
    hours_entitlement,
    meeting_room,
    unit,
)

pytestmark = pytest.mark.django_db

BOOK = reverse("portal:resource_book")
MINE = reverse("portal:resources")


@pytest.fixture
def org(park):
    return Org(park)


def _portal(client, enterprise):
    user = enterprise_user(enterprise)
    user.save()
    return login(client, user)


def _day(days=1):
    return at(days).date().isoformat()


def _month(days=1):
    """How the page names the month of the day it shows."""
    day = at(days).date()
    return "本月" if day.month == timezone.localdate().month else f"{day.month}月"


def _booking(room, hour=14, hours=1, days=1, **values):
    return {
        "date": _day(days),
        "room": room.pk,
        "hour": hour,
        "hours": hours,
        "purpose": values.pop("purpose", "部门例会"),
        **values,
    }


def test_r_res_2_the_booking_page_shows_free_hours_and_the_months_usage(client, org):
    hours_entitlement(org, hours="8")
    enterprise = admitted(org)
    room = meeting_room(org, name="星河会议室")
    book(org, enterprise, room, at(1, 9), hours=2)
    response = _portal(client, enterprise).get(BOOK)
    html = response.content.decode()
    assert response.status_code == 200
    assert "星河会议室" in html
    assert f"{_month(1)}已用 2 小时，权益 8 小时" in html
    # 09:00 and 10:00 are taken (greyed, no link); 11:00 is a tappable slot.
    assert f"room={room.pk}&amp;hour=11" in html
    assert f"room={room.pk}&amp;hour=9" not in html and f"room={room.pk}&amp;hour=10" not in html
    assert "（不可预订）" in html


def test_r_res_4_free_busy_never_names_the_enterprise_holding_a_slot(client, org):
    hours_entitlement(org, hours="40")
    holder, other = admitted(org), admitted(org)
    room = meeting_room(org)
    book(org, holder, room, at(1, 9), hours=3, purpose="保密项目评审")
    html = _portal(client, other).get(BOOK).content.decode()
    assert holder.name not in html and "保密项目评审" not in html
    assert f"room={room.pk}&amp;hour=12" in html


def test_only_the_enterprises_own_parks_rooms_are_offered_and_another_parks_is_not_found(
    client, org
):
    hours_entitlement(org)
    enterprise = admitted(org)
    meeting_room(org, name="本园会议室")
    elsewhere = Org(OrgUnitFactory(name="无锡科创园B区", kind="park"))
    theirs = meeting_room(elsewhere, code="B-M1", name="外园会议室")
    unit(org, name="办公单元不可预订")
    client = _portal(client, enterprise)
    html = client.get(BOOK).content.decode()
    assert "本园会议室" in html and "外园会议室" not in html and "办公单元不可预订" not in html
    response = client.post(BOOK, _booking(theirs))
    assert response.status_code == 404
    assert not ResourceRequest.objects.filter(resource=theirs).exists()


def test_r_res_3_a_booking_within_entitlement_is_allocated_at_once(client, org):
    hours_entitlement(org, hours="8")
    enterprise = admitted(org)
    room = meeting_room(org)
    client = _portal(client, enterprise)
    confirm = client.get(BOOK, {"date": _day(), "room": room.pk, "hour": 14}).content.decode()
    assert "确认预订" in confirm and 'id="hours-4"' in confirm
    response = client.post(BOOK, _booking(room, hours=2))
    assert response.status_code == 302 and response["Location"] == MINE
    made = ResourceRequest.objects.get()
    assert made.status == RequestStatus.ALLOCATED and made.channel == "portal"
    assert made.allocation.enterprise == enterprise
    mine = client.get(MINE).content.decode()
    assert "已预订" in mine and "使用中" in mine and "14:00–16:00" in mine
    html = client.get(BOOK).content.decode()
    assert f"{_month(1)}已用 2 小时，权益 8 小时" in html


def test_r_res_4_a_slot_taken_meanwhile_is_refused_inline_without_the_holders_name(client, org):
    hours_entitlement(org, hours="40")
    first, second = admitted(org), admitted(org)
    room = meeting_room(org)
    client = _portal(client, second)
    client.get(BOOK, {"date": _day(), "room": room.pk, "hour": 10})  # free when shown
    book(org, first, room, at(1, 9), hours=2)  # taken before the confirmation
    events = AuditEvent.objects.count()
    response = client.post(BOOK, _booking(room, hour=10))
    html = response.content.decode()
    assert response.status_code == 409
    assert "该资源在所选时段已被占用" in html and first.name not in html
    assert AuditEvent.objects.count() == events
    assert not ResourceRequest.objects.filter(enterprise=second).exists()


def test_r_res_5_above_entitlement_asks_for_a_justification_then_goes_to_review(client, org):
    hours_entitlement(org, hours="2")
    enterprise = admitted(org)
    room = meeting_room(org)
    book(org, enterprise, room, at(1, 9), hours=2)
    client = _portal(client, enterprise)
    refused = client.post(BOOK, _booking(room, hour=14, hours=2))
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "超出客户等级权益" in html and "须填写书面理由" in html
    assert "附理由提交申请" in html and 'id="confirm-booking"' in html  # the modal stays open
    assert ResourceRequest.objects.count() == 1
    done = client.post(BOOK, _booking(room, hour=14, hours=2, justification="季度路演，客户邀约"))
    assert done.status_code == 302
    made = ResourceRequest.objects.latest("id")
    assert made.above_entitlement and made.status == RequestStatus.SUBMITTED
    assert "审查中" in client.get(MINE).content.decode()


def test_r_ent_5_an_enterprise_not_in_good_standing_is_refused_inline(client, org):
    hours_entitlement(org)
    room = meeting_room(org)
    prospect = EnterpriseFactory(park=org.park)
    client = _portal(client, prospect)
    page = client.get(BOOK).content.decode()
    assert "贵司当前不符合资源分配条件" in page
    assert f"room={room.pk}&amp;hour=" not in page  # no slot to tap
    response = client.post(BOOK, _booking(room))
    assert response.status_code == 409
    assert "企业不符合资源分配条件" in response.content.decode()
    assert not ResourceRequest.objects.exists()


def test_a_booking_past_closing_time_is_refused_inline(client, org):
    hours_entitlement(org, hours="40")
    enterprise = admitted(org)
    room = meeting_room(org)
    response = _portal(client, enterprise).post(BOOK, _booking(room, hour=16, hours=3))
    assert response.status_code == 400
    assert "09:00–18:00" in response.content.decode()
    assert not ResourceRequest.objects.exists()


def test_my_resources_lists_only_the_enterprises_own(client, org):
    hours_entitlement(org, hours="40")
    mine, theirs = admitted(org), admitted(org)
    room = meeting_room(org)
    book(org, mine, room, at(1, 9), purpose="我方周会")
    book(org, theirs, room, at(1, 13), purpose="他方路演")
    html = _portal(client, mine).get(MINE).content.decode()
    assert "我方周会" in html and "他方路演" not in html


def test_the_enterprise_withdraws_its_pending_request_and_not_anothers(client, org):
    mine, theirs = admitted(org), admitted(org)
    office = unit(org)
    pending = book(org, mine, office, at(5), hours=24 * 30, justification="扩编")
    others = book(org, theirs, unit(org, code="A-302"), at(5), hours=24 * 30, justification="扩编")
    client = _portal(client, mine)
    assert "撤回申请" in client.get(MINE).content.decode()
    url = reverse("portal:resource_transition", args=[others.pk, "cancel"])
    assert client.post(url).status_code == 404
    others.refresh_from_db()
    assert others.status == RequestStatus.SUBMITTED
    response = client.post(reverse("portal:resource_transition", args=[pending.pk, "cancel"]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == RequestStatus.CANCELLED
    assert "已撤回" in client.get(MINE).content.decode()


def test_r_res_6_the_enterprise_reports_a_deviation_and_follows_it(client, org):
    hours_entitlement(org, hours="40")
    mine, theirs = admitted(org), admitted(org)
    room = meeting_room(org)
    own = book(org, mine, room, at(1, 9)).allocation
    other = book(org, theirs, room, at(1, 13)).allocation
    client = _portal(client, mine)
    url = reverse("portal:resource_deviation_report", args=[other.pk])
    assert client.post(url, {"kind": "late", "description": "x"}).status_code == 404
    refused = client.post(
        reverse("portal:resource_deviation_report", args=[own.pk]), {"kind": "late"}
    )
    assert refused.status_code == 400 and "请填写情况说明" in refused.content.decode()
    response = client.post(
        reverse("portal:resource_deviation_report", args=[own.pk]),
        {"kind": "insufficient", "description": "投影仪无法使用"},
    )
    assert response.status_code == 302
    deviation = Deviation.objects.get()
    assert deviation.allocation == own and deviation.channel == "portal"
    assert deviation.status == DeviationStatus.OPEN
    html = client.get(MINE).content.decode()
    assert "投影仪无法使用" in html and "处理中" in html and "数量或质量不足" in html


def test_staff_have_no_portal_booking_page(client, org):
    response = login(client, org.clerk).get(BOOK)
    assert response.status_code == 404


def test_the_booking_page_costs_the_same_queries_for_three_rooms_or_thirty(
    client, org, django_assert_max_num_queries
):
    hours_entitlement(org, hours="40")
    enterprise, other = admitted(org), admitted(org)
    rooms = [meeting_room(org, code=f"M{n:03d}") for n in range(3)]
    book(org, other, rooms[0], at(1, 9))
    client = _portal(client, enterprise)
    with django_assert_max_num_queries(30) as three:
        client.get(BOOK)
    for n in range(3, 30):
        room = meeting_room(org, code=f"M{n:03d}")
        if n % 5 == 0:
            book(org, other, room, at(1, 13))
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(BOOK)
    assert response.content.decode().count('class="card mb-2"') == 30
