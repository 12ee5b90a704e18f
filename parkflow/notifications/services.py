"""Writes of the notifications app (R-MON-2): reading one's inbox, choosing subscriptions, the
channel settings, the test message and the explicit re-send of a delivery."""

import urllib.parse

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.validation import REASON_MAX_LENGTH, check_length

from . import channels, events, outbox, subscriptions
from .choices import RESENDABLE, ROBOTS, Channel
from .choices import DeliveryStatus as S
from .models import ChannelConfig, Delivery, Message, Notification, Subscription
from .selectors import subscription_roles

# ---------------------------------------------------------------------------------------------
# The inbox: one's own rows only. Not audited and not under the audit chain's lock: marking a
# message read is the reader's own bookkeeping (one UPDATE), not a business change — taking the
# chain's lock would make every click in the inbox queue behind the writers.


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    mine = access.get_restricted(
        actor, "notification.read", Notification.objects.all(), pk=notification.pk
    )
    if mine.read_at is None:
        mine.read_at = clock.now()
        Notification.objects.filter(pk=mine.pk, read_at__isnull=True).update(read_at=mine.read_at)
    actor.__dict__.pop("_parkflow_unread", None)
    return mine


def notification_mark_all_read(*, actor) -> int:
    count = (
        access.restrict(actor, "notification.read", Notification.objects.all())
        .filter(read_at__isnull=True)
        .update(read_at=clock.now())
    )
    actor.__dict__.pop("_parkflow_unread", None)
    return count


# ---------------------------------------------------------------------------------------------
# Subscriptions


def _check_cells(choices: dict) -> None:
    known = {e.code for e in events.subscribable()}
    for event, channel in choices:
        if event not in known or channel not in Channel.values:
            raise ValidationFailed(
                {"__all__": [_("订阅项无效：%(item)s") % {"item": f"{event}/{channel}"}]},
                requirement="R-MON-2",
            )


@service
def subscriptions_save(*, actor, choices: dict, role: str = "") -> dict:
    """Save a person's own choices (``role`` empty) or a role's defaults (system administrators
    at headquarters). ``choices``: {(event, channel): on}. A choice equal to what would be
    inherited (the roles' choices, the event's default) is not stored, so later changes there
    still reach the person. Returns what changed."""
    if role:
        access.ensure(actor, "notification.defaults", requirement="R-MON-2")
        if role not in subscription_roles():
            raise ValidationFailed({"role": [_("未知角色。")]}, requirement="R-MON-2")
    elif access.is_enterprise_user(actor) or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("forbidden", access.REFUSED, requirement="R-MON-2")
    _check_cells(choices)
    declared = events.subscribable()
    if role:
        current = subscriptions.cells(subscriptions.matrix_for_role(role, declared))
        inherited = subscriptions.cells(
            subscriptions.matrix_for_role(role, declared, own_choices=False)
        )
        owner = {"role": role}
    else:
        current = subscriptions.cells(subscriptions.matrix_for_person(actor, declared))
        inherited = subscriptions.cells(
            subscriptions.matrix_for_person(actor, declared, own_choices=False)
        )
        owner = {"user": actor}
    now = clock.now()
    changed = {}
    for (event, channel), enabled in sorted(choices.items()):
        enabled = bool(enabled)
        if current[(event, channel)]["enabled"] == enabled:
            continue
        changed[f"{event}/{channel}"] = enabled
        Subscription.objects.filter(event=event, channel=channel, **owner).delete()
        if inherited[(event, channel)]["enabled"] != enabled:
            Subscription.objects.create(
                event=event, channel=channel, enabled=enabled, updated_at=now, **owner
            )
    if changed:
        audit.record(
            actor,
            "notification_subscription.update",
            None,
            object_repr=(
                str(_("角色“%(role)s”的默认订阅") % {"role": access.role_label(role) or role})
                if role
                else str(_("%(person)s 的订阅") % {"person": actor})
            ),
            after=changed,
        )
    return changed


# ---------------------------------------------------------------------------------------------
# Channel settings


def _public(config: ChannelConfig) -> dict:
    return {
        "enabled": config.enabled,
        "name": config.name,
        "webhook": channels.masked_url(config.webhook_url),
        "secret": channels.masked(config.secret),
    }


@service
def channel_config_save(
    *,
    actor,
    kind: str,
    park=None,
    enabled: bool,
    name: str = "",
    webhook_url: str | None = None,
    secret: str | None = None,
    clear_secret: bool = False,
    reason: str = "",
) -> ChannelConfig:
    """Create or change the settings of a channel for a park (or group-wide: headquarters).
    ``webhook_url``/``secret`` None or blank keep the stored ones (the form never shows them
    back); audited with masked values only."""
    if kind not in Channel.values:
        raise ValidationFailed({"kind": [_("未知渠道。")]}, requirement="R-MON-2")
    access.ensure(actor, "notification.configure", park=park, requirement="R-MON-2")
    check_length("reason", reason, REASON_MAX_LENGTH, label=_("说明"), requirement="R-MON-2")
    park_id = getattr(park, "pk", park)
    config = (
        ChannelConfig.objects.select_for_update(of=("self",), no_key=True)
        .filter(kind=kind, park_id=park_id)
        .first()
    )
    created = config is None
    if created:
        config = ChannelConfig(kind=kind, park_id=park_id)
    before = None if created else _public(config)
    if webhook_url:
        webhook_url = webhook_url.strip()
        parts = urllib.parse.urlsplit(webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationFailed(
                {"webhook_url": [_("请填写以 https:// 开头的 Webhook 地址。")]},
                requirement="R-MON-2",
            )
        config.webhook_url = webhook_url[:500]
    if clear_secret:
        config.secret = ""
    elif secret:
        config.secret = secret.strip()[:200]
    if enabled and kind in ROBOTS and not config.webhook_url:
        raise ValidationFailed(
            {"webhook_url": [_("启用群机器人前请填写 Webhook 地址。")]}, requirement="R-MON-2"
        )
    config.enabled = bool(enabled)
    config.name = (name or "").strip()[:60]
    config.updated_by = actor
    config.updated_at = clock.now()
    config.save()
    audit.record(
        actor,
        "notification_channel.create" if created else "notification_channel.update",
        config,
        before=before,
        after=_public(config),
        reason=reason,
    )
    return config


@service
def channel_test_send(*, actor, config: ChannelConfig) -> Delivery:
    """Send a test message through one channel setting now (even before it is enabled), so the
    administrator sees on the delivery log whether the platform took it."""
    config = ChannelConfig.objects.select_for_update(of=("self",), no_key=True).get(pk=config.pk)
    access.ensure(actor, "notification.configure", config, requirement="R-MON-2")
    if config.kind == Channel.EMAIL and not actor.email:
        raise Conflict(
            "no_email", _("您的账号没有登记电子邮箱，无法接收测试邮件。"), requirement="R-MON-2"
        )
    if config.kind in ROBOTS and not config.webhook_url:
        raise Conflict(
            "no_webhook", _("请先填写 Webhook 地址再发送测试消息。"), requirement="R-MON-2"
        )
    now = clock.now()
    message = Message.objects.create(
        event=outbox.TEST_EVENT,
        title=str(_("ParkFlow 通知渠道测试")),
        body=str(
            _("这是一条测试消息：%(channel)s 已可以接收 ParkFlow 的通知。") % {"channel": config}
        ),
        link="",
        content_type=ContentType.objects.get_for_model(config),
        object_id=str(config.pk),
        object_repr=str(config),
        park_id=config.park_id,
        created_at=now,
    )
    email = config.kind == Channel.EMAIL
    delivery = Delivery.objects.create(
        message=message,
        channel=config.kind,
        target=f"user:{actor.pk}" if email else f"robot:{config.pk}",
        recipient=actor if email else None,
        config=config,
        address=actor.email if email else (config.name or Channel(config.kind).label),
        park_id=config.park_id,
        next_attempt_at=now,
        created_at=now,
    )
    audit.record(actor, "notification_channel.test", config, after={"delivery": delivery.pk})
    outbox.schedule([delivery.pk])
    return delivery


# ---------------------------------------------------------------------------------------------
# The delivery log


@service
def delivery_resend(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """Send a delivery that failed for good or whose outcome is unknown once more — a person's
    explicit, audited decision (the platform may already have posted an "unknown" one)."""
    delivery = Delivery.objects.select_for_update(of=("self",), no_key=True).get(pk=delivery.pk)
    access.ensure(actor, "notification.resend", delivery, requirement="R-MON-2")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("请填写重发原因。")]}, requirement="R-MON-2")
    check_length("reason", reason, REASON_MAX_LENGTH, label=_("重发原因"), requirement="R-MON-2")
    if delivery.status not in RESENDABLE:
        raise Conflict(
            "delivery_not_resendable",
            _("只能重发失败、已放弃或结果未知的记录。"),
            requirement="R-MON-2",
        )
    before = {"status": delivery.status, "attempts": delivery.attempts}
    now = clock.now()
    Delivery.objects.filter(pk=delivery.pk).filter(Q(status__in=RESENDABLE)).update(
        status=S.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        manual_resends=delivery.manual_resends + 1,
    )
    delivery.refresh_from_db()
    audit.record(
        actor,
        "notification_delivery.resend",
        delivery,
        before=before,
        after={"status": delivery.status, "manual_resends": delivery.manual_resends},
        reason=reason,
    )
    outbox.schedule([delivery.pk])
    return delivery
