"""The notifications' part of the route policy table (core/tests/routes.py). The inbox routes
are each person's own (``actor``: the recipient; no role needed); the delivery log and the
channel settings are park-scoped administration."""

from parkflow.core.tests.routes import (
    API,
    FORBIDDEN,
    HIDDEN,
    OBJECT,
    STAFF,
    Case,
    Route,
)
from parkflow.org.choices import Role as R

MARKER = "甲园标记通知"


def notification(w):
    """A notification of park A for a business clerk (an errand assigned to them)."""
    if "notification" not in w._cache:
        from parkflow.testdomain import services as errands

        from ..models import Notification

        assignee = w.staff(R.BUSINESS_STAFF)
        errands.errand_assign(actor=w.clerk(), errand=w.errand(), assignee=assignee)
        found = Notification.objects.select_related("message").get(recipient=assignee)
        found.message.title = MARKER
        found.message.save(update_fields=["title"])
        w._cache["notification"] = found
    return w._cache["notification"]


def channel_config(w, kind="wecom"):
    """An enabled robot setting of park A (pointing at a closed loopback port)."""
    key = f"channel_config_{kind}"
    if key not in w._cache:
        from .factories import channel

        w._cache[key] = channel(
            kind,
            park=w.park,
            url="http://127.0.0.1:9/cgi-bin/webhook/send?key=jiayuan-secret-key",
            name=MARKER,
            actor=w.staff(R.SYSTEM_ADMIN),
        )
    return w._cache[key]


def delivery(w, status="given_up"):
    """A delivery of park A's robot, in ``status``."""
    key = f"delivery_{status}"
    if key not in w._cache:
        from ..models import Delivery

        channel_config(w)
        message = notification(w).message
        found = Delivery.objects.get(message=message, channel="wecom")
        Delivery.objects.filter(pk=found.pk).update(status=status, attempts=1)
        found.refresh_from_db()
        w._cache[key] = found
    return w._cache[key]


BUILDERS = {"notification": notification, "channel_config": channel_config, "delivery": delivery}


def _inbox(w):
    made = w.notification()
    return Case({"pk": made.pk}, actor=made.recipient, marker=MARKER)


def _subscriptions(w):
    return Case(data={"POST": {"review.requested__wecom": "on"}}, actor=w.clerk())


def _delivery(w):
    made = w.delivery()
    return Case({"pk": made.pk}, data={"POST": {"reason": "已与群管理员核实未收到"}}, marker=MARKER)


def _channel(w):
    made = w.channel_config()
    return Case(
        {"pk": made.pk},
        data={"POST": {"enabled": "on", "name": "甲园运营群", "reason": "更换群机器人"}},
        marker=MARKER,
    )


def _channel_create(w):
    return Case(
        {"kind": "email"}, data={"POST": {"enabled": "on", "name": "集团邮件", "reason": "开通"}}
    )


def _nothing(w):
    return Case(actor=w.clerk())


ROUTES = {
    "notifications:inbox": Route(STAFF, {"GET": 200}, None, None, _inbox, no_role=None),
    "notifications:badge": Route(STAFF, {"GET": 200}, None, None, _inbox, no_role=None),
    "notifications:open": Route(STAFF, {"GET": 302}, None, None, _inbox, no_role=None),
    "notifications:read": Route(
        STAFF, {"POST": 302}, None, None, _inbox, no_role=None, writes=False
    ),
    "notifications:read_all": Route(
        STAFF, {"POST": 302}, None, None, _nothing, no_role=None, writes=False
    ),
    "notifications:subscriptions": Route(
        STAFF, {"GET": 200, "POST": 302}, None, None, _subscriptions, no_role=None
    ),
    "notifications:deliveries": Route(
        STAFF, {"GET": 200}, "notification.deliveries", R.AUDITOR, _delivery, HIDDEN
    ),
    "notifications:delivery_resend": Route(
        STAFF, {"POST": 302}, "notification.resend", R.SYSTEM_ADMIN, _delivery, OBJECT
    ),
    "notifications:channels": Route(
        STAFF, {"GET": 200}, "notification.configure", R.SYSTEM_ADMIN, _channel, HIDDEN
    ),
    "notifications:channel_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "notification.configure",
        R.SYSTEM_ADMIN,
        _channel_create,
        FORBIDDEN,
        hq=True,
    ),
    "notifications:channel_edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "notification.configure", R.SYSTEM_ADMIN, _channel
    ),
    "notifications:channel_test": Route(
        STAFF, {"POST": 302}, "notification.configure", R.SYSTEM_ADMIN, _channel
    ),
    "api:notification-list": Route(API, {"GET": 200}, "*", None, _inbox, no_role=None),
    "api:notification-detail": Route(API, {"GET": 200}, "*", None, _inbox, no_role=None),
    "api:notification-read": Route(
        API, {"POST": 200}, "*", None, _inbox, no_role=None, writes=False
    ),
    "api:notification-read-all": Route(
        API, {"POST": 200}, "*", None, _nothing, no_role=None, writes=False
    ),
}
