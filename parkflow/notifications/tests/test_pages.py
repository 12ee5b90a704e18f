"""The notifications' pages and API (R-MON-2): the inbox and its badge, one's own messages
only (pages and API alike), subscriptions by person and by role, the delivery log with its
explicit re-send, and channel settings that never show a secret back."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import selectors, services, subscriptions
from ..choices import Channel
from ..choices import DeliveryStatus as S
from ..events import get
from ..models import ChannelConfig, Delivery, Notification
from .factories import assigned_errand, channel, hq_admin


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _notify(park, person, n=1):
    for i in range(n):
        assigned_errand(park, assignee=person, title=f"事项{i}")
    return list(Notification.objects.filter(recipient=person))


# ---------------------------------------------------------------------------------------------
# The inbox


def test_r_mon_2_the_inbox_lists_my_messages_and_the_badge_counts_the_unread(park):
    person = staff(Role.BUSINESS_STAFF, park)
    _notify(park, person, 2)
    client = _client(person)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "事项指派给您：事项0" in html and "事项指派给您：事项1" in html
    assert reverse("notifications:badge") in html  # the bell loads its count
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert ">2<" in badge and "条未读消息" in badge


def test_the_unread_badge_is_one_capped_query_and_asked_once_per_request(
    park, django_assert_num_queries
):
    person = staff(Role.BUSINESS_STAFF, park)
    _notify(park, person, 3)
    person = type(person).objects.get(pk=person.pk)
    with django_assert_num_queries(1):
        assert selectors.unread_badge(person) == "3"
        assert selectors.unread_badge(person) == "3"


def test_the_badge_says_99_plus_past_the_cap(park, monkeypatch):
    person = staff(Role.BUSINESS_STAFF, park)
    monkeypatch.setattr(selectors, "UNREAD_CAP", 2)
    _notify(park, person, 3)
    assert selectors.unread_badge(type(person).objects.get(pk=person.pk)) == "99+"


@pytest.mark.parametrize("rows", [2, 12])
def test_the_inbox_page_costs_the_same_queries_for_few_and_many_rows(
    park, rows, django_assert_max_num_queries
):
    person = staff(Role.BUSINESS_STAFF, park)
    _notify(park, person, rows)
    client = _client(person)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("notifications:inbox")).status_code == 200


def test_mark_read_and_all_read(park):
    person = staff(Role.BUSINESS_STAFF, park)
    first, second = _notify(park, person, 2)
    client = _client(person)
    assert client.post(reverse("notifications:read", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.get(reverse("notifications:open", args=[second.pk]))
    assert response["Location"] == second.message.link
    assert selectors.unread_count(type(person).objects.get(pk=person.pk)) == 0
    _notify(park, person, 1)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()


def test_r_mon_2_nobody_reads_or_marks_another_persons_message(park):
    """Every interface: the page's open and read, the API's detail and read."""
    owner = staff(Role.BUSINESS_STAFF, park)
    (mine,) = _notify(park, owner)
    colleague = staff(Role.SYSTEM_ADMIN, park)
    client = _client(colleague)
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    api = APIClient()
    api.force_login(colleague)
    assert api.get(reverse("api:notification-detail", args=[mine.pk])).status_code == 404
    assert api.post(reverse("api:notification-read", args=[mine.pk])).status_code == 404
    assert api.post(reverse("api:notification-read-all")).json() == {"updated": 0}
    assert api.get(reverse("api:notification-list")).json()["results"] == []
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_api_lists_and_marks_my_messages(park):
    person = staff(Role.BUSINESS_STAFF, park)
    (mine,) = _notify(park, person)
    api = APIClient()
    api.force_login(person)
    body = api.get(reverse("api:notification-list") + "?unread=true").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["event_label"] == "事项指派给我"
    read = api.post(reverse("api:notification-read", args=[mine.pk])).json()
    assert read["is_read"] is True
    assert api.get(reverse("api:notification-list") + "?unread=true").json()["results"] == []


# ---------------------------------------------------------------------------------------------
# Subscriptions


def test_r_mon_2_a_persons_choice_wins_over_the_roles_which_wins_over_the_default(park):
    person = staff(Role.BUSINESS_STAFF, park)
    event = get("testdomain.errand_assigned")
    assert subscriptions.channels_for(event, [person])[person.pk] == {"email", "wecom"}
    admin = hq_admin()
    services.subscriptions_save(
        actor=admin, role=Role.BUSINESS_STAFF, choices={(event.code, "email"): False}
    )
    assert subscriptions.channels_for(event, [person])[person.pk] == {"wecom"}
    services.subscriptions_save(actor=person, choices={(event.code, "email"): True})
    assert subscriptions.channels_for(event, [person])[person.pk] == {"email", "wecom"}
    # Back to what the role gives: the personal row is dropped, the role's later changes count.
    services.subscriptions_save(actor=person, choices={(event.code, "email"): False})
    assert not person.notification_subscriptions.exists()


def test_the_subscription_page_saves_my_switches(park):
    person = staff(Role.BUSINESS_STAFF, park)
    client = _client(person)
    page = client.get(reverse("notifications:subscriptions"))
    assert "有审查待我处理" in page.content.decode()
    assert "渠道测试消息" not in page.content.decode()
    client.post(reverse("notifications:subscriptions"), {"alert.opened__dingtalk": "on"})
    matrix = subscriptions.cells(subscriptions.matrix_for_person(person, [get("alert.opened")]))
    assert matrix[("alert.opened", "dingtalk")]["enabled"] is True
    assert matrix[("alert.opened", "email")] == {
        "channel": "email",
        "enabled": False,
        "source": "person",
    }


def test_only_headquarters_administrators_set_a_roles_defaults(park):
    park_admin = staff(Role.SYSTEM_ADMIN, park)
    url = reverse("notifications:subscriptions") + f"?role={Role.BUSINESS_STAFF}"
    assert _client(park_admin).get(url).status_code == 404
    from parkflow.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.subscriptions_save(
            actor=park_admin, role=Role.BUSINESS_STAFF, choices={("alert.opened", "email"): True}
        )
    assert _client(hq_admin()).get(url).status_code == 200


# ---------------------------------------------------------------------------------------------
# Channel settings


def test_r_mon_2_a_secret_is_never_shown_back_and_audited_masked(park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    config = channel(
        Channel.DINGTALK,
        park=park,
        url="https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
        secret="SEC0123456789abcdefXYZ",
        actor=admin,
    )
    client = _client(admin)
    for url in (
        reverse("notifications:channels"),
        reverse("notifications:channel_edit", args=[config.pk]),
    ):
        html = client.get(url).content.decode()
        assert "SEC0123456789abcdef" not in html and "abcdef123456" not in html
        assert "••••fXYZ" in html
    event = AuditEvent.objects.filter(action="notification_channel.create").latest("id")
    assert "SEC0123456789" not in str(event.after) and "abcdef123456" not in str(event.after)
    # Saving without re-typing keeps the secret.
    client.post(
        reverse("notifications:channel_edit", args=[config.pk]),
        {"enabled": "on", "name": "甲园群", "webhook_url": "", "secret": "", "reason": "改名"},
    )
    config.refresh_from_db()
    assert (config.name, config.secret) == ("甲园群", "SEC0123456789abcdefXYZ")


def test_a_robot_is_not_enabled_without_its_webhook(park):
    from parkflow.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        channel(Channel.FEISHU, park=park, url="", enabled=True)
    assert not ChannelConfig.objects.exists()


def test_r_mon_2_the_test_button_sends_one_test_message_and_shows_it_on_the_log(
    park, django_capture_on_commit_callbacks
):
    from .receiver import Receiver, Robot

    admin = staff(Role.SYSTEM_ADMIN, park)
    robot = Robot(Channel.FEISHU, secret="SECfeishu")
    with Receiver(robot) as receiver:
        config = channel(
            Channel.FEISHU,
            park=park,
            url=receiver.url("feishu"),
            secret="SECfeishu",
            enabled=False,
            actor=admin,
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = _client(admin).post(reverse("notifications:channel_test", args=[config.pk]))
    assert len(robot.accepted) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == S.SENT
    log = _client(admin).get(response["Location"]).content.decode()
    assert "ParkFlow 通知渠道测试" in log and "已发送" in log


# ---------------------------------------------------------------------------------------------
# The delivery log


def _delivery(park, status):
    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=k")
    person = staff(Role.BUSINESS_STAFF, park)
    assigned_errand(park, assignee=person)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=status, attempts=2)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.parametrize("rows", [1, 10])
def test_the_delivery_log_costs_the_same_queries_for_few_and_many_rows(
    park, rows, django_assert_max_num_queries
):
    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=k")
    person = staff(Role.BUSINESS_STAFF, park)
    for i in range(rows):
        assigned_errand(park, assignee=person, title=f"事项{i}")
    client = _client(staff(Role.SYSTEM_ADMIN, park))
    with django_assert_max_num_queries(16):
        page = client.get(reverse("notifications:deliveries") + "?status=pending")
    assert page.content.decode().count("待发送") >= rows


def test_r_mon_2_an_unknown_outcome_is_resent_only_by_an_explicit_audited_decision(park):
    delivery = _delivery(park, S.OUTCOME_UNKNOWN)
    admin = staff(Role.SYSTEM_ADMIN, park)
    client = _client(admin)
    page = client.get(reverse("notifications:deliveries")).content.decode()
    assert "结果未知" in page and "可能已经送达" in page  # the warning in the confirmation
    url = reverse("notifications:delivery_resend", args=[delivery.pk])
    client.post(url, {"reason": ""})  # no reason: refused
    delivery.refresh_from_db()
    assert delivery.status == S.OUTCOME_UNKNOWN
    client.post(url, {"reason": "与群管理员核实未收到"})
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.manual_resends) == (S.PENDING, 0, 1)
    event = AuditEvent.objects.get(action="notification_delivery.resend")
    assert event.before == {"status": "outcome_unknown", "attempts": 2}
    assert event.reason == "与群管理员核实未收到"


def test_a_sent_delivery_cannot_be_resent(park):
    from parkflow.core.errors import Conflict

    delivery = _delivery(park, S.SENT)
    with pytest.raises(Conflict):
        services.delivery_resend(
            actor=staff(Role.SYSTEM_ADMIN, park), delivery=delivery, reason="再发一次"
        )


def test_an_auditor_reads_the_log_but_cannot_resend(park, other_park):
    delivery = _delivery(park, S.GIVEN_UP)
    auditor = staff(Role.AUDITOR, park)
    page = _client(auditor).get(reverse("notifications:deliveries")).content.decode()
    assert "已放弃" in page and "确认重发" not in page
    url = reverse("notifications:delivery_resend", args=[delivery.pk])
    assert _client(auditor).post(url, {"reason": "x"}).status_code == 403
    other_admin = staff(Role.SYSTEM_ADMIN, other_park)
    assert _client(other_admin).post(url, {"reason": "x"}).status_code == 404


def test_removing_the_resend_access_checks_fails_the_generated_route_tests(
    park, other_park, monkeypatch
):
    """The generated route test of the re-send bites: without the page's and the service's
    checks, a park B administrator or an auditor re-sends park A's delivery."""
    from parkflow.core.tests.routes import World
    from parkflow.core.tests.test_route_permissions import (
        check_route,
        disable_access_checks,
        strip_staff_page,
    )

    check_route("notifications:delivery_resend", "POST", World(park, other_park, monkeypatch))
    strip_staff_page(monkeypatch, "notifications:delivery_resend")
    disable_access_checks(monkeypatch, services)
    with pytest.raises(AssertionError):
        check_route("notifications:delivery_resend", "POST", World(park, other_park, monkeypatch))
