"""Reads of the notifications app, each starting from ``core.access``."""

from parkflow.core import access

from .models import ChannelConfig, Delivery, Notification

UNREAD_CAP = 100  # the badge says "99+" beyond this: counting stops there


def inbox(*, actor, unread: bool = False):
    """The actor's own messages, newest first (the grant on ``recipient``: nobody else's)."""
    qs = access.restrict(
        actor, "notification.read", Notification.objects.select_related("message")
    ).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread else qs


def notification_get_for_user(*, actor, pk) -> Notification:
    return access.get_restricted(
        actor, "notification.read", Notification.objects.select_related("message"), pk=pk
    )


def unread_count(user) -> int:
    """The badge: one query on the partial "unread" index, capped at ``UNREAD_CAP`` rows so a
    person with a huge backlog costs no more than one with a hundred; cached on the user object
    for the rest of the request (top bar and sidebar ask both)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = user.__dict__.get("_parkflow_unread")
    if cached is None:
        # The recipient's own rows, as the "notification.read" grant says, asked directly: no
        # role or principal lookups on every page.
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        cached = unread.order_by()[:UNREAD_CAP].count()
        user._parkflow_unread = cached
    return cached


def unread_badge(user) -> str:
    count = unread_count(user)
    if not count:
        return ""
    return "99+" if count >= UNREAD_CAP else str(count)


def delivery_list(*, actor, status: str = "", channel: str = "", message=None):
    qs = access.restrict(
        actor,
        "notification.deliveries",
        Delivery.objects.select_related("message", "park", "recipient", "config"),
    ).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if message:
        qs = qs.filter(message_id=message)
    return qs


def delivery_get_for_user(*, actor, pk) -> Delivery:
    return access.get_restricted(
        actor, "notification.deliveries", Delivery.objects.select_related("message"), pk=pk
    )


def channel_configs(*, actor):
    return access.restrict(
        actor, "notification.configure", ChannelConfig.objects.select_related("park")
    ).order_by("kind", "park_id", "id")


def channel_config_get_for_user(*, actor, pk) -> ChannelConfig:
    return access.get_restricted(
        actor, "notification.configure", ChannelConfig.objects.select_related("park"), pk=pk
    )


def subscription_roles() -> list[str]:
    """Roles an administrator may give default subscriptions: every role the policy names."""
    return sorted({r for code in access.actions() for r in access.roles_for(code)})
