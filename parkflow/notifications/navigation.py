"""The notifications in the sidebar: everyone's inbox and subscriptions (the unread count is
the bell in the top bar, loaded after the page so no page pays for it); the delivery log and
the channel settings for administrators."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

SECTIONS = [NavSection("messages", _("消息通知"), order=10)]

NAVIGATION = [
    NavEntry(
        "messages",
        _("消息中心"),
        "notifications:inbox",
        "bi-envelope",
        order=10,
    ),
    NavEntry("messages", _("我的订阅"), "notifications:subscriptions", "bi-toggles", order=20),
    NavEntry(
        "platform",
        _("发送记录"),
        "notifications:deliveries",
        "bi-send-check",
        action="notification.deliveries",
        order=40,
    ),
    NavEntry(
        "platform",
        _("通知渠道"),
        "notifications:channels",
        "bi-broadcast",
        action="notification.configure",
        order=45,
        match=("notifications:channel_edit", "notifications:channel_create"),
    ),
]
