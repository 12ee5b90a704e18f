"""Events that produce notifications, declared by the apps that publish them (R-MON-2).

An app lists its events in its own ``notifications.py``::

    EVENTS = [Event("testdomain.errand_assigned", _("事项指派给我"), channels=("email",))]

and publishes one with ``parkflow.notifications.publish(...)`` inside the service that made the
change. An app that owns roles (org) may give an event its default recipient roles without
importing this app: ``EVENT_ROLES = {"alert.opened": ("office_staff", ...)}`` in its own
``notifications.py``. Both are found at start-up in every installed app.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from .choices import Channel


@dataclass(frozen=True)
class Event:
    code: str
    label: str  # Chinese, lazily translated: shown on the subscription page and the inbox
    description: str = ""
    # Default outside channels for people who chose nothing (the inbox is always on).
    channels: tuple[str, ...] = (Channel.EMAIL,)
    # Default recipients when ``publish`` names none: holders of these roles in the park.
    roles: tuple[str, ...] = field(default=())
    requirement: str = "R-MON-2"
    # False for the channel test message: not something a person subscribes to.
    subscribable: bool = True
    # Sent on every channel the park has configured, whatever anyone chose: what the
    # regulation says must reach people at once (a major complaint to the leaders, R-CMP-3).
    # Such an event is not offered on the subscription page: nobody can turn it off.
    every_channel: bool = False


EVENTS: dict[str, Event] = {}


def register(*events: Event) -> None:
    for event in events:
        known = EVENTS.get(event.code)
        if known is not None and known != event:
            raise ImproperlyConfigured(f"notification event {event.code!r} declared twice")
        unknown = set(event.channels) - set(Channel.values)
        if unknown:
            raise ImproperlyConfigured(f"{event.code}: unknown channels {sorted(unknown)}")
        EVENTS[event.code] = event


def get(code: str) -> Event:
    try:
        return EVENTS[code]
    except KeyError:
        raise LookupError(
            f"notification event {code!r} is not declared in any app's notifications.py"
        ) from None


def autodiscover() -> None:
    """Every installed app's ``notifications.py``: ``EVENTS`` first, then ``EVENT_ROLES``."""
    from dataclasses import replace

    from parkflow.core.registry import declared

    register(*declared("notifications", "EVENTS"))
    for code, roles in declared("notifications", "EVENT_ROLES"):
        event = get(code)
        EVENTS[code] = replace(event, roles=tuple(dict.fromkeys((*event.roles, *roles))))


def label(code: str) -> str:
    event = EVENTS.get(code)
    return str(event.label) if event else code


def subscribable() -> list[Event]:
    return sorted(
        (e for e in EVENTS.values() if e.subscribable and not e.every_channel),
        key=lambda e: e.code,
    )
