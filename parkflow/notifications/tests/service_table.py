"""The notifications' part of the service table (``core.tests.service_table``)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.notifications.services"]

SERVICES: dict[str, Service] = {
    # One's own inbox: anyone else's message is a 404; not audited (the reader's bookkeeping).
    "parkflow.notifications.services.notification_mark_read": Service(
        None,
        lambda w: {"notification": w.notification()},
        allowed=lambda w: w.notification().recipient,
        refused=lambda w: [w.clerk(), _s(w, Role.SYSTEM_ADMIN), _nobody(w), w.enterprise_user()],
        after=False,
    ),
    "parkflow.notifications.services.notification_mark_all_read": Service(
        None, lambda w: {}, allowed=lambda w: w.notification().recipient, after=False
    ),
    "parkflow.notifications.services.subscriptions_save": Service(
        "notification_subscription.update",
        lambda w: {"choices": {("review.requested", "wecom"): True}},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [w.enterprise_user()],
    ),
    "parkflow.notifications.services.channel_config_save": Service(
        "notification_channel.create",
        lambda w: {
            "kind": "dingtalk",
            "park": w.park,
            "enabled": True,
            "webhook_url": "https://oapi.dingtalk.example/robot/send?access_token=t",
            "secret": "SECabc",
        },
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    "parkflow.notifications.services.channel_test_send": Service(
        "notification_channel.test",
        lambda w: {"config": w.channel_config()},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
    ),
    "parkflow.notifications.services.delivery_resend": Service(
        "notification_delivery.resend",
        lambda w: {"delivery": w.delivery(), "reason": "已核实未收到"},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
}
