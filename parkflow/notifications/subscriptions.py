"""Which outside channels a person gets an event on: their own choice, else their roles' (any
role that subscribes is enough), else the event's declared default. The inbox is always on."""

from .choices import Channel
from .models import Subscription
from .recipients import roles_of

PERSON, ROLE, DEFAULT = "person", "role", "default"


def channels_for(event, people) -> dict[int, set[str]]:
    """``{user id: {channel, ...}}`` for a batch of recipients: three queries whatever their
    number (their roles, their own choices, their roles' choices)."""
    ids = [p.pk for p in people]
    if not ids:
        return {}
    if event.every_channel:
        return {user_id: set(Channel.values) for user_id in ids}
    roles = roles_of(ids)
    own = {
        (user_id, channel): enabled
        for user_id, channel, enabled in Subscription.objects.filter(
            event=event.code, user_id__in=ids
        ).values_list("user_id", "channel", "enabled")
    }
    all_roles = set().union(*roles.values()) if roles else set()
    by_role: dict[tuple[str, str], bool] = {}
    if all_roles:
        by_role = {
            (role, channel): enabled
            for role, channel, enabled in Subscription.objects.filter(
                event=event.code, role__in=all_roles
            ).values_list("role", "channel", "enabled")
        }
    result = {}
    for user_id in ids:
        chosen = set()
        for channel in Channel.values:
            enabled, _source = _decide(
                event,
                channel,
                own.get((user_id, channel)),
                [
                    by_role[(role, channel)]
                    for role in roles.get(user_id, ())
                    if (role, channel) in by_role
                ],
            )
            if enabled:
                chosen.add(channel)
        result[user_id] = chosen
    return result


def _decide(event, channel, own, role_choices) -> tuple[bool, str]:
    if own is not None:
        return own, PERSON
    if role_choices:
        return any(role_choices), ROLE
    return channel in event.channels, DEFAULT


def matrix_for_person(user, events, *, own_choices: bool = True) -> list[dict]:
    """The subscription page: per event, per channel, whether it is on and why (without the
    person's own rows with ``own_choices=False``: what they would inherit)."""
    roles = roles_of([user.pk]).get(user.pk, set())
    own = {}
    if own_choices:
        own = {
            (e, c): enabled
            for e, c, enabled in Subscription.objects.filter(user=user).values_list(
                "event", "channel", "enabled"
            )
        }
    by_role: dict[tuple[str, str], list[bool]] = {}
    if roles:
        for e, c, enabled in Subscription.objects.filter(role__in=roles).values_list(
            "event", "channel", "enabled"
        ):
            by_role.setdefault((e, c), []).append(enabled)
    rows = []
    for event in events:
        cells = []
        for channel in Channel.values:
            enabled, source = _decide(
                event, channel, own.get((event.code, channel)), by_role.get((event.code, channel))
            )
            cells.append({"channel": channel, "enabled": enabled, "source": source})
        rows.append({"event": event, "cells": cells})
    return rows


def matrix_for_role(role: str, events, *, own_choices: bool = True) -> list[dict]:
    stored = {}
    if own_choices:
        stored = {
            (e, c): enabled
            for e, c, enabled in Subscription.objects.filter(role=role).values_list(
                "event", "channel", "enabled"
            )
        }
    rows = []
    for event in events:
        cells = []
        for channel in Channel.values:
            value = stored.get((event.code, channel))
            cells.append(
                {
                    "channel": channel,
                    "enabled": (channel in event.channels) if value is None else value,
                    "source": DEFAULT if value is None else ROLE,
                }
            )
        rows.append({"event": event, "cells": cells})
    return rows


def cells(matrix) -> dict[tuple[str, str], dict]:
    return {(row["event"].code, cell["channel"]): cell for row in matrix for cell in row["cells"]}
