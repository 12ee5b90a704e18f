"""投诉 in the portal (R-CMP-1, R-CMP-3, R-PLT-3, R-ORG-3): the enterprise files a complaint
(received now, through the portal), sees only the park's answers and its own words — never
internal progress, corrections or who handles it —, adds to it, and confirms with a rating or
reopens with a reason; another enterprise's complaint is a 404 on every route and method."""

import pytest
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.tests.clients import login
from parkflow.servicedesk import services_complaints as sc
from parkflow.servicedesk.choices import ComplaintChannel, ComplaintStatus, NoteKind
from parkflow.servicedesk.models import Complaint, ComplaintNote
from parkflow.servicedesk.tests.factories import Desk, complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(park):
    return Desk(park)


@pytest.fixture
def tenant(desk):
    return EnterpriseFactory(park=desk.park, name="苏州星河半导体有限公司")


@pytest.fixture
def user(client, tenant):
    account = enterprise_user(tenant)
    login(client, account)
    return account


def resolved(desk, tenant):
    made = complaint(desk, enterprise=tenant)
    sc.complaint_take(actor=desk.first, complaint=made)
    sc.complaint_note_add(actor=desk.first, complaint=made, text="内部：联系电梯维保公司")
    sc.complaint_note_add(
        actor=desk.first, complaint=made, text="更正：困人时间为上午", kind=NoteKind.CORRECTION
    )
    sc.complaint_respond(actor=desk.first, complaint=made, text="已安排维保公司今日到场。")
    return sc.complaint_resolve(actor=desk.first, complaint=made, resolution="已更换控制板。")


def test_the_enterprise_files_a_complaint_and_follows_it(client, user, tenant):
    html = client.get(reverse("portal:complaints")).content.decode()
    assert "我的投诉" in html and "提交投诉" in html
    response = client.post(
        reverse("portal:complaint_create"),
        {"topic": "fees", "title": "物业费重复扣款", "text": "11 月扣了两次。", "contact": ""},
        follow=True,
    )
    made = Complaint.objects.get()
    assert made.enterprise == tenant and made.channel == ComplaintChannel.PORTAL
    assert made.received_at == made.recorded_at
    html = response.content.decode()
    assert "投诉已提交" in html and "物业费重复扣款" in html and "园区尚未答复" in html


def test_an_empty_complaint_is_refused_on_its_fields(client, user):
    response = client.post(reverse("portal:complaint_create"), {"topic": "", "title": ""})
    assert response.status_code == 400
    assert {"topic", "title", "text"} <= set(response.context["form"].errors)
    assert not Complaint.objects.exists()


def test_the_enterprise_sees_answers_never_internal_notes_or_who_handles_it(
    client, user, desk, tenant
):
    made = resolved(desk, tenant)
    html = client.get(reverse("portal:complaint", args=[made.pk])).content.decode()
    assert "已安排维保公司今日到场。" in html and "已更换控制板。" in html
    assert "内部：联系电梯维保公司" not in html and "更正：困人时间为上午" not in html
    assert str(desk.first) not in html
    assert 'data-bs-target="#confirm-modal"' in html


def test_a_supplement_is_appended_and_shown(client, user, desk, tenant):
    made = complaint(desk, enterprise=tenant)
    response = client.post(
        reverse("portal:complaint_supplement", args=[made.pk]),
        {"supplement-text": "今天上午又困人一次。"},
        follow=True,
    )
    assert "今天上午又困人一次。" in response.content.decode()
    assert ComplaintNote.objects.get().kind == NoteKind.ENTERPRISE


def test_confirming_needs_a_rating_and_closes_the_complaint(client, user, desk, tenant):
    made = resolved(desk, tenant)
    url = reverse("portal:complaint_confirm", args=[made.pk])
    before = AuditEvent.objects.count()
    response = client.post(url, {"confirm-comment": "好"})
    assert response.status_code == 400
    assert "data-open-on-load" in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert (
        client.post(url, {"confirm-rating": "5", "confirm-comment": "处理及时"}).status_code == 302
    )
    made.refresh_from_db()
    assert made.status == ComplaintStatus.CLOSED and made.rating == 5


def test_reopening_with_a_reason_sends_it_back(client, user, desk, tenant):
    made = resolved(desk, tenant)
    url = reverse("portal:complaint_reopen", args=[made.pk])
    assert client.post(url, {"reopen-reason": ""}).status_code == 400
    assert client.post(url, {"reopen-reason": "电梯仍有异响"}).status_code == 302
    made.refresh_from_db()
    assert made.status == ComplaintStatus.IN_PROGRESS and made.reopen_count == 1


def test_confirming_an_unresolved_complaint_is_refused_inline(client, user, desk, tenant):
    made = complaint(desk, enterprise=tenant)
    response = client.post(
        reverse("portal:complaint_confirm", args=[made.pk]), {"confirm-rating": "5"}
    )
    assert response.status_code == 409 and 'id="portal-error"' in response.content.decode()
    made.refresh_from_db()
    assert made.status == ComplaintStatus.OPEN


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("portal:complaint", "get", {}),
        ("portal:complaint_supplement", "post", {"supplement-text": "x"}),
        ("portal:complaint_confirm", "post", {"confirm-rating": "5"}),
        ("portal:complaint_reopen", "post", {"reopen-reason": "x"}),
    ],
)
def test_another_enterprises_complaint_is_404_on_every_route(
    client, user, desk, name, method, data
):
    theirs = resolved(desk, EnterpriseFactory(park=desk.park))
    before = AuditEvent.objects.count()
    response = getattr(client, method)(reverse(name, args=[theirs.pk]), data)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before
    assert "物业" not in client.get(reverse("portal:complaints")).content.decode()


def test_staff_have_no_portal_complaint_pages(client, desk, tenant):
    made = complaint(desk, enterprise=tenant)
    login(client, desk.first)
    assert client.get(reverse("portal:complaints")).status_code == 404
    assert client.get(reverse("portal:complaint", args=[made.pk])).status_code == 404


def test_the_portal_tab_leads_to_my_complaints(client, user):
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:complaints") in html
