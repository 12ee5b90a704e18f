"""The outbox against a local webhook receiver on the loopback (R-MON-2): each robot's format
and signature as the platform checks them, e-mail through Django's locmem backend, retries with
back-off for failures before the platform took the message, and never twice — a worker killed
between sending and recording leaves the delivery "outcome unknown", not sent again."""

import datetime
import json
import urllib.parse

import pytest
import time_machine
from django.core import mail

from parkflow.core import clock
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import channels, outbox
from ..choices import Channel
from ..choices import DeliveryStatus as S
from ..models import Delivery, Message, Notification
from .factories import assigned_errand, channel
from .receiver import Receiver, Robot, free_port

SECRET = "SECtest0123456789abcdef"


def _publish_for(park, kind, url, secret="", django_capture_on_commit_callbacks=None, **kwargs):
    """Enable one robot for the park and have the test domain publish a message to it."""
    channel(kind, park=park, url=url, secret=secret)
    subscribe = kwargs.pop("subscribe", None)
    if kind != Channel.WECOM:
        # The errand event's default channels are e-mail and WeCom: this person opts in.
        subscribe(kind)
    with django_capture_on_commit_callbacks(execute=True):
        errand, assignee = assigned_errand(park, **kwargs)
    return errand, assignee


def _one_delivery(kind) -> Delivery:
    return Delivery.objects.get(channel=kind)


@pytest.fixture
def person(park):
    return staff(Role.BUSINESS_STAFF, park, phone="13800138000")


@pytest.fixture
def subscribe(person):
    from .. import services

    def opt_in(kind):
        services.subscriptions_save(
            actor=person, choices={("testdomain.errand_assigned", kind): True}
        )

    return opt_in


# ---------------------------------------------------------------------------------------------
# Formats and signatures, checked by the receiver as each platform does


@pytest.mark.parametrize("kind", [Channel.WECOM, Channel.DINGTALK, Channel.FEISHU])
def test_r_mon_2_each_robot_gets_its_documented_format_signed_as_the_platform_checks(
    kind, park, person, subscribe, django_capture_on_commit_callbacks
):
    robot = Robot(kind, secret="" if kind == Channel.WECOM else SECRET)
    with Receiver(robot) as receiver:
        _publish_for(
            park,
            kind,
            receiver.url(kind),
            secret=robot.secret,
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            assignee=person,
            subscribe=subscribe,
        )
    assert robot.problems == []
    assert len(robot.accepted) == 1
    body = robot.accepted[0].body
    if kind == Channel.WECOM:
        assert body["msgtype"] == "markdown"
        assert "事项指派给您：甲园标记事项" in body["markdown"]["content"]
        assert "/testdomain/" in body["markdown"]["content"]  # the link to the errand
    elif kind == Channel.DINGTALK:
        assert set(robot.accepted[0].query) == {"access_token", "timestamp", "sign"}
        assert body["markdown"]["title"] == "事项指派给您：甲园标记事项"
        assert body["at"] == {"atMobiles": ["13800138000"], "isAtAll": False}
        assert "@13800138000" in body["markdown"]["text"]
    else:
        assert body["msg_type"] == "interactive"
        assert body["card"]["header"]["title"]["content"] == "事项指派给您：甲园标记事项"
        assert {"timestamp", "sign"} <= set(body)
    delivery = _one_delivery(kind)
    assert (delivery.status, delivery.attempts) == (S.SENT, 1)
    assert delivery.sent_at is not None


@pytest.mark.parametrize("kind", [Channel.DINGTALK, Channel.FEISHU])
def test_r_mon_2_a_wrong_secret_is_refused_by_the_platform_and_given_up_not_retried(
    kind, park, person, subscribe, django_capture_on_commit_callbacks
):
    robot = Robot(kind, secret=SECRET)
    with Receiver(robot) as receiver:
        _publish_for(
            park,
            kind,
            receiver.url(kind),
            secret="SECsomething-else",
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            assignee=person,
            subscribe=subscribe,
        )
    assert robot.accepted == [] and len(robot.requests) == 1
    delivery = _one_delivery(kind)
    assert delivery.status == S.GIVEN_UP
    assert delivery.last_error == (
        "平台拒收（错误码 310000：签名、关键词或 IP 校验未通过）"
        if kind == Channel.DINGTALK
        else "平台拒收（错误码 19021：签名校验失败或时间戳过期）"
    )


def test_the_receiver_bites_a_signature_computed_the_other_way_round_is_refused(
    park, person, subscribe, django_capture_on_commit_callbacks, monkeypatch
):
    """Feishu keys the HMAC with "timestamp\\nsecret" over an empty message; DingTalk's way
    (key = secret) must fail at the receiver — so the positive test above proves the real
    algorithm, not just any signature."""
    monkeypatch.setattr(
        channels,
        "feishu_sign",
        lambda secret, ts: urllib.parse.unquote_plus(channels.dingtalk_sign(secret, ts)),
    )
    robot = Robot(Channel.FEISHU, secret=SECRET)
    with Receiver(robot) as receiver:
        _publish_for(
            park,
            Channel.FEISHU,
            receiver.url(Channel.FEISHU),
            secret=SECRET,
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            assignee=person,
            subscribe=subscribe,
        )
    assert robot.accepted == [] and robot.problems == ["sign match fail"]


def test_signatures_match_the_platforms_documented_algorithms():
    import base64
    import hashlib
    import hmac
    import urllib.parse

    ts_ms, ts_s, secret = 1599360473000, 1599360473, "this is secret"
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{ts_ms}\n{secret}".encode(), hashlib.sha256).digest()
    )
    assert channels.dingtalk_sign(secret, ts_ms) == urllib.parse.quote_plus(expected)
    key = f"{ts_s}\n{secret}".encode()
    assert (
        channels.feishu_sign(secret, ts_s)
        == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    )


# ---------------------------------------------------------------------------------------------
# Retry with back-off, delivered exactly once


def test_r_mon_2_a_500_is_retried_with_back_off_and_delivered_exactly_once(
    park, person, django_capture_on_commit_callbacks
):
    robot = Robot(Channel.WECOM)
    robot.fail_next(500)
    with Receiver(robot) as receiver:
        _publish_for(
            park,
            Channel.WECOM,
            receiver.url(Channel.WECOM),
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            assignee=person,
        )
        delivery = _one_delivery(Channel.WECOM)
        assert (delivery.status, delivery.attempts) == (S.FAILED, 1)
        assert delivery.last_error == "平台暂时无法受理（HTTP 500）"
        assert delivery.next_attempt_at - clock.now() > datetime.timedelta(seconds=50)
        assert outbox.deliver_due() == 0  # not due yet: the back-off holds
        with time_machine.travel(clock.now() + datetime.timedelta(minutes=2)):
            assert outbox.deliver_due() == 1
            assert outbox.deliver_due() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (S.SENT, 2)
    assert len(robot.requests) == 2 and len(robot.accepted) == 1


def test_r_mon_2_a_refused_connection_is_retried_and_delivered_exactly_once(
    park, person, django_capture_on_commit_callbacks
):
    port = free_port()  # nobody listens yet: the connection is refused
    robot = Robot(Channel.WECOM)
    url = f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=wecom-test-key"
    _publish_for(
        park,
        Channel.WECOM,
        url,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        assignee=person,
    )
    delivery = _one_delivery(Channel.WECOM)
    assert delivery.status == S.FAILED
    assert delivery.last_error == "连接失败：连接被拒绝，消息未发出"
    with (
        Receiver(robot, port=port),
        time_machine.travel(clock.now() + datetime.timedelta(minutes=2)),
    ):
        outbox.deliver_due()
        outbox.deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == S.SENT
    assert len(robot.accepted) == 1


def test_the_platforms_rate_limit_code_is_retried(park, person, django_capture_on_commit_callbacks):
    assert channels.classify(Channel.WECOM, 200, b'{"errcode":45009,"errmsg":"freq"}').kind == (
        channels.RETRY
    )
    assert channels.classify(Channel.DINGTALK, 200, b'{"errcode":130101}').kind == channels.RETRY
    assert channels.classify(Channel.FEISHU, 200, b'{"code":11232,"msg":"limited"}').kind == (
        channels.RETRY
    )
    assert channels.classify(Channel.FEISHU, 429, b"").kind == channels.RETRY
    assert channels.classify(Channel.WECOM, 404, b"").kind == channels.REJECTED
    assert channels.classify(Channel.WECOM, 200, b"<html>").kind == channels.UNKNOWN


def test_retries_stop_after_the_last_attempt(
    park, person, settings, django_capture_on_commit_callbacks
):
    settings.PARKFLOW_NOTIFY_MAX_ATTEMPTS = 3
    robot = Robot(Channel.WECOM)
    robot.fail_next(503, times=5)
    with Receiver(robot) as receiver:
        _publish_for(
            park,
            Channel.WECOM,
            receiver.url(Channel.WECOM),
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            assignee=person,
        )
        later = clock.now()
        for _ in range(4):
            later += datetime.timedelta(hours=2)
            with time_machine.travel(later):
                outbox.deliver_due()
    delivery = _one_delivery(Channel.WECOM)
    assert (delivery.status, delivery.attempts) == (S.GIVEN_UP, 3)
    assert len(robot.requests) == 3 and robot.accepted == []


def test_back_off_doubles_and_is_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.backoff(20).total_seconds() == 3600


# ---------------------------------------------------------------------------------------------
# Never twice


class Killed(BaseException):
    """The worker process dies (not an error our code could catch)."""


def killed_worker_scenario(park, person, capture, monkeypatch):
    """The platform takes the message, then the worker dies before recording it. Returns the
    robot and the delivery after the lease has long passed and the worker ran again."""
    robot = Robot(Channel.WECOM)
    with Receiver(robot) as receiver:

        def die(delivery, outcome):
            raise Killed

        with monkeypatch.context() as patch:
            patch.setattr(outbox, "finish", die)
            with pytest.raises(Killed):
                _publish_for(
                    park,
                    Channel.WECOM,
                    receiver.url(Channel.WECOM),
                    django_capture_on_commit_callbacks=capture,
                    assignee=person,
                )
        delivery = _one_delivery(Channel.WECOM)
        assert delivery.status == S.SENDING and len(robot.accepted) == 1
        assert outbox.deliver_due() == 0  # still within the lease: left alone
        later = clock.now()
        for _ in range(3):
            later += datetime.timedelta(hours=1)
            with time_machine.travel(later):
                outbox.deliver_due()
                outbox.deliver(delivery.pk)
    delivery.refresh_from_db()
    return robot, delivery


def test_r_mon_2_a_worker_killed_between_send_and_acknowledge_never_sends_twice(
    park, person, monkeypatch, django_capture_on_commit_callbacks
):
    robot, delivery = killed_worker_scenario(
        park, person, django_capture_on_commit_callbacks, monkeypatch
    )
    assert len(robot.requests) == 1, "sent twice"
    assert delivery.status == S.OUTCOME_UNKNOWN
    assert "无法确认" in delivery.last_error


def test_the_never_twice_test_bites_a_lease_that_resends_blindly(
    park, person, monkeypatch, django_capture_on_commit_callbacks
):
    """Remove the rule (an expired claim goes back to "pending", as a naive queue would) and
    the test above fails: the message is posted twice."""
    from django.db.models import F

    def resend_stale():
        cutoff = clock.now() - outbox.lease()
        return Delivery.objects.filter(status=S.SENDING, sending_started_at__lt=cutoff).update(
            status=S.PENDING, next_attempt_at=F("sending_started_at")
        )

    monkeypatch.setattr(outbox, "expire_leases", resend_stale)
    robot, delivery = killed_worker_scenario(
        park, person, django_capture_on_commit_callbacks, monkeypatch
    )
    assert len(robot.accepted) == 2  # what the guarded lease prevents
    with pytest.raises(AssertionError):
        assert len(robot.requests) == 1, "sent twice"


def test_r_mon_2_an_answer_lost_after_the_request_went_out_is_outcome_unknown(
    park, person, django_capture_on_commit_callbacks
):
    robot = Robot(Channel.WECOM)
    robot.drop_next()
    with Receiver(robot) as receiver:
        _publish_for(
            park,
            Channel.WECOM,
            receiver.url(Channel.WECOM),
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            assignee=person,
        )
        with time_machine.travel(clock.now() + datetime.timedelta(hours=3)):
            outbox.deliver_due()
    delivery = _one_delivery(Channel.WECOM)
    assert delivery.status == S.OUTCOME_UNKNOWN
    assert "未收到应答" in delivery.last_error
    assert len(robot.requests) == 1 and len(robot.accepted) == 1


def test_a_claim_is_taken_once(park, person, django_capture_on_commit_callbacks):
    """Two workers handed the same delivery: only the first claim matches the row."""
    channel(Channel.WECOM, park=park, url=f"http://127.0.0.1:{free_port()}/hook?key=k")
    errand, _ = assigned_errand(park, assignee=person)  # not committed: nothing sent yet
    delivery = _one_delivery(Channel.WECOM)
    assert outbox.claim(delivery.pk) is not None
    assert outbox.claim(delivery.pk) is None
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_one_delivery_per_message_channel_and_target_is_a_database_constraint(park, person):
    from django.db import IntegrityError, transaction

    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=k")
    assigned_errand(park, assignee=person)
    delivery = _one_delivery(Channel.WECOM)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            message=delivery.message,
            channel=delivery.channel,
            target=delivery.target,
            config=delivery.config,
            created_at=clock.now(),
        )


# ---------------------------------------------------------------------------------------------
# E-mail, and the outbox being part of the caller's transaction


def test_r_mon_2_email_goes_through_djangos_mail_backend_once(
    park, person, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    channel(Channel.EMAIL)  # group-wide
    with django_capture_on_commit_callbacks(execute=True):
        assigned_errand(park, assignee=person)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [person.email]
    assert sent.subject == "[ParkFlow] 事项指派给您：甲园标记事项"
    assert "http://127.0.0.1:8000/testdomain/" in sent.body
    assert Delivery.objects.get(channel=Channel.EMAIL).status == S.SENT
    outbox.deliver_due()
    assert len(mail.outbox) == 1


def test_nothing_is_written_or_sent_for_a_change_that_rolls_back(
    park, person, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    channel(Channel.EMAIL)
    messages_before = Message.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assigned_errand(park, assignee=person)
        assert Notification.objects.filter(recipient=person).exists()
        raise RuntimeError("the service failed after publishing")
    assert Message.objects.count() == messages_before
    assert not Notification.objects.filter(recipient=person).exists()
    assert callbacks == [] and mail.outbox == []


def test_a_disabled_channel_gets_no_delivery_and_a_park_setting_overrides_the_groups(
    park, other_park, person
):
    channel(Channel.WECOM, url="http://127.0.0.1:9/hook?key=group")  # group-wide, on
    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=a", enabled=False)
    assigned_errand(park, assignee=person)
    assert not Delivery.objects.exists()
    other = staff(Role.BUSINESS_STAFF, other_park)
    assigned_errand(other_park, assignee=other)
    assert Delivery.objects.get().config.park_id is None  # park B falls back to the group


def test_publishing_writes_no_audit_event(park, person):
    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=a")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assigned_errand(park, assignee=person)
    actions = list(AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True))
    assert Message.objects.exists() and "errand.assign" in actions
    assert not [a for a in actions if a.startswith("notification")]


def test_the_letter_payloads_stay_within_wecoms_limit():
    letter = channels.Letter(title="标题", body="很长" * 3000, url="http://x/")
    content = channels.wecom_payload(letter)["markdown"]["content"]
    assert len(content.encode()) <= channels.WECOM_MAX_BYTES
    json.dumps(channels.feishu_payload(letter))


@pytest.mark.parametrize("people", [1, 10])
def test_publishing_costs_the_same_queries_for_one_recipient_or_ten(
    park, people, django_assert_max_num_queries
):
    """Roles, subscriptions, channel settings and the rows are each one query (bulk inserts),
    whatever the number of recipients: 7, plus the savepoint's two (and one spare)."""
    from .. import publish

    channel(Channel.WECOM, park=park, url="http://127.0.0.1:9/hook?key=k")
    channel(Channel.EMAIL)
    recipients = [staff(Role.BUSINESS_STAFF, park) for _ in range(people)]
    with django_assert_max_num_queries(10):
        publish(
            "testdomain.errand_assigned",
            recipients=recipients,
            park=park,
            title="测试",
        )
    assert Notification.objects.count() == people
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == people
    assert Delivery.objects.filter(channel=Channel.WECOM).count() == 1


@pytest.fixture
def urgent_event():
    from .. import events

    declared = events.Event(
        "testdomain.errand_urgent",
        "紧急事项",
        channels=(Channel.EMAIL,),
        every_channel=True,
    )
    events.register(declared)
    yield declared
    events.EVENTS.pop(declared.code)


def test_r_mon_2_an_every_channel_event_reaches_every_configured_channel_whatever_was_chosen(
    park, person, urgent_event
):
    """What the regulation says must reach people at once (a major complaint to the leaders)
    goes out on every channel the park configured, even to someone who turned them all off,
    and is not offered on the subscription page."""
    from .. import events
    from ..models import Subscription

    for kind in (Channel.WECOM, Channel.DINGTALK):
        channel(kind, park=park, url=f"https://example.invalid/{kind}")
    # Choices stored before the event was made mandatory are not asked.
    Subscription.objects.bulk_create(
        Subscription(
            user=person,
            event=urgent_event.code,
            channel=kind,
            enabled=False,
            updated_at=clock.now(),
        )
        for kind in Channel.values
    )
    outbox.publish(urgent_event.code, title="紧急", recipients=[person], park=park)
    assert set(Delivery.objects.values_list("channel", flat=True)) == {
        Channel.WECOM,
        Channel.DINGTALK,
    }
    assert urgent_event.code not in {e.code for e in events.subscribable()}
