"""Audit actions of the notifications app (R-MON-2)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "notification_channel.create": (_("新增通知渠道"), _("{actor} 配置了通知渠道“{object}”")),
    "notification_channel.update": (_("修改通知渠道"), _("{actor} 修改了通知渠道“{object}”")),
    "notification_channel.test": (
        _("发送测试消息"),
        _("{actor} 通过“{object}”发送了测试消息"),
    ),
    "notification_subscription.update": (
        _("修改通知订阅"),
        _("{actor} 修改了“{object}”"),
    ),
    "notification_delivery.resend": (
        _("重发通知"),
        _("{actor} 重发了通知“{object}”"),
    ),
}
AUDIT_KEYS = {
    "webhook": _("Webhook 地址"),
    "secret": _("签名密钥"),
    "delivery": _("发送记录"),
    "manual_resends": _("人工重发次数"),
}


def _subscription_rows(after):
    """ "review.requested/email": true → ("有审查待我处理 · 电子邮件", —, "订阅")."""
    from .choices import Channel
    from .events import label

    rows = []
    for key, enabled in (after or {}).items():
        event, _sep, channel = key.partition("/")
        try:
            channel_label = Channel(channel).label
        except ValueError:
            channel_label = channel
        rows.append(
            (f"{label(event)} · {channel_label}", None, _("订阅") if enabled else _("退订"))
        )
    return rows


AUDIT_DETAILS = {"notification_subscription.update": _subscription_rows}
