"""The outbox of notifications (R-MON-2).

``Message``        one occurrence of an event (what happened, about which object, in which park);
``Notification``   the message in one person's in-app inbox (read or not);
``Delivery``       the message on one outside channel for one target — a person's e-mail address
                   or a group robot — at most once: unique per (message, channel, target);
``Subscription``   which events a role or a person wants on which channel (defaults are
                   declared with the events);
``ChannelConfig``  the e-mail switch and the WeCom / DingTalk / Feishu robots, per park or
                   group-wide.

All rows are written in the transaction of the change that caused them (the transactional
outbox); deliveries are sent after commit by huey (``outbox.py``, D38).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DeliveryStatus

DUE = Q(status__in=["pending", "failed"])


class Message(models.Model):
    event = models.CharField(_("事件"), max_length=80, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("notifications:deliveries") + f"?message={self.pk}"


class Notification(models.Model):
    """One person's copy of a message: the inbox."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "recipient"], name="notification_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The unread badge on every page: a partial index holds only the unread rows, so
            # counting one person's (capped, see selectors.unread_count) reads a handful.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.message_id}"

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ChannelConfig(models.Model):
    """A channel's settings for one park, or group-wide (no park). The secret and the webhook
    key are stored, never shown back in full (``masked_*``)."""

    kind = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=60, blank=True)
    enabled = models.BooleanField(_("启用"), default=False)
    webhook_url = models.CharField(_("Webhook 地址"), max_length=500, blank=True)
    secret = models.CharField(_("签名密钥"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["kind", "park_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "park"], condition=Q(park__isnull=False), name="channel_per_park"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(park__isnull=True), name="channel_group_wide"
            ),
        ]

    def __str__(self):
        where = self.park.name if self.park_id else _("集团")
        return f"{Channel(self.kind).label}（{where}）"

    def get_absolute_url(self):
        return reverse("notifications:channel_edit", args=[self.pk])


class Delivery(models.Model):
    """One message on one channel for one target, sent at most once (D38)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    # "user:<id>" for e-mail, "robot:<config id>" for a group robot: the unique key.
    target = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    config = models.ForeignKey(
        ChannelConfig,
        verbose_name=_("渠道配置"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    address = models.CharField(_("发送至"), max_length=254, blank=True)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Changed only by guarded UPDATEs in ``outbox.py`` (compare-and-set on the status), never
    # assigned on an instance: that is what makes "never twice" hold between workers.
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送成功时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    manual_resends = models.PositiveSmallIntegerField(_("人工重发次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "channel", "target"], name="delivery_once_per_target"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(config__isnull=False),
                name="delivery_has_target",
            ),
        ]
        indexes = [
            # The worker's pick: only due rows, by due time.
            models.Index(fields=["next_attempt_at"], condition=DUE, name="delivery_due"),
            # The lease check: only rows being sent.
            models.Index(
                fields=["sending_started_at"],
                condition=Q(status="sending"),
                name="delivery_sending",
            ),
            models.Index(fields=["-created_at", "-id"], name="delivery_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="delivery_status_recent"),
            models.Index(fields=["park", "-created_at", "-id"], name="delivery_park_recent"),
        ]

    def __str__(self):
        return f"{Channel(self.channel).label} · {self.address or self.target}"

    def get_absolute_url(self):
        return reverse("notifications:deliveries") + f"?message={self.message_id}"


class Subscription(models.Model):
    """A role's or a person's choice for one event on one channel; a person's own choice wins
    over their roles', a role's over the event's declared default."""

    event = models.CharField(_("事件"), max_length=80)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_subscriptions",
    )
    role = models.CharField(_("角色"), max_length=40, blank=True)
    enabled = models.BooleanField(_("订阅"), default=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("通知订阅")
        verbose_name_plural = _("通知订阅")
        ordering = ["event", "channel", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(role=""))
                | (Q(user__isnull=True) & ~Q(role="")),
                name="subscription_user_or_role",
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "user"],
                condition=Q(user__isnull=False),
                name="subscription_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "role"],
                condition=~Q(role=""),
                name="subscription_once_per_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "event"], name="subscription_user_event")]

    def __str__(self):
        return f"{self.event} · {self.channel}"

    def get_absolute_url(self):
        return reverse("notifications:subscriptions")
