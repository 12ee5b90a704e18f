"""The transactional outbox (R-MON-2, D38).

``publish`` runs in the caller's transaction: the message, each recipient's inbox row and one
delivery row per (message, channel, target) are written with the change that caused them, or
not at all. After commit, huey sends the deliveries (``deliver``); a periodic task picks up
what is due again (retries) and what a dead worker left behind.

Never twice: a delivery is *claimed* by a guarded UPDATE (pending/failed → sending) that is
committed before the request goes out, so two workers cannot both send it, and a delivery found
still "sending" after its lease is marked "outcome unknown" — shown on the delivery log, never
re-sent by itself, because the platform may have posted it. Retries happen only for failures
that certainly came before the platform accepted anything (``channels.RETRY``), with exponential
back-off, until ``PARKFLOW_NOTIFY_MAX_ATTEMPTS``.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q

from parkflow.core import access, clock
from parkflow.core.db import service

from . import channels, events, subscriptions
from .choices import DUE_STATUSES, ROBOTS, Channel
from .choices import DeliveryStatus as S
from .models import ChannelConfig, Delivery, Message, Notification
from .recipients import people_in_roles, unique_active

logger = logging.getLogger(__name__)

_UNSET = object()
TEST_EVENT = "notifications.test"
BATCH = 500  # rows per INSERT when many messages are written at once
MAX_MENTIONS = 20  # a group message names at most this many people
LEASE_EXPIRED = "发送过程中断（进程中止或超时），无法确认平台是否已收到；请核实后再决定是否重发"


def _setting(name, default):
    return getattr(settings, name, default)


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=_setting("PARKFLOW_NOTIFY_LEASE_SECONDS", 600))


def max_attempts() -> int:
    return _setting("PARKFLOW_NOTIFY_MAX_ATTEMPTS", 6)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next try after ``attempts`` failed ones: base × 2^(n-1), at most 1 h."""
    base = _setting("PARKFLOW_NOTIFY_BACKOFF_SECONDS", 60)
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


# ---------------------------------------------------------------------------------------------
# Publishing (inside the caller's transaction)


def configs_for(park_id) -> dict[str, ChannelConfig]:
    """The channel settings that apply in a park: the park's own, else the group-wide one; a
    park's disabled setting switches the channel off there even if the group's is on."""
    where = Q(park__isnull=True)
    if park_id is not None:
        where |= Q(park_id=park_id)
    group, own = {}, {}
    for config in ChannelConfig.objects.filter(where):
        (own if config.park_id is not None else group)[config.kind] = config
    merged = {**group, **own}
    return {kind: config for kind, config in merged.items() if config.enabled}


def _plan(
    event, message: Message, people, now, configs: dict, wanted: dict[int, set[str]]
) -> list[Delivery]:
    """The deliveries of one message: an e-mail per person who wants it (and has an address),
    one group post per robot channel anyone of them wants."""
    if not configs:
        return []
    planned = []
    email = configs.get(Channel.EMAIL)
    if email is not None:
        for person in people:
            if Channel.EMAIL in wanted.get(person.pk, ()) and person.email:
                planned.append(
                    Delivery(
                        message=message,
                        channel=Channel.EMAIL,
                        target=f"user:{person.pk}",
                        recipient=person,
                        config=email,
                        address=person.email,
                        park_id=message.park_id,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    for kind in ROBOTS:
        config = configs.get(kind)
        if config is None or not any(kind in wanted.get(p.pk, ()) for p in people):
            continue
        planned.append(
            Delivery(
                message=message,
                channel=kind,
                target=f"robot:{config.pk}",
                config=config,
                address=config.name or Channel(kind).label,
                park_id=message.park_id,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return planned


@dataclass
class Notice:
    """One message to write: what ``publish`` takes, for ``publish_many``. ``recipients``:
    people; ``roles``: holders in the park (None: the event's declared roles when no people are
    named); ``exclude``: people never told (the actor of their own change)."""

    title: object
    body: object = ""
    link: str | None = None
    obj: object = None
    park: object = _UNSET
    recipients: list | None = None
    roles: object = None
    exclude: tuple = ()


def publish(event: str, **notice) -> Message | None:
    """Write a message of ``event`` (the fields of ``Notice``) in the caller's transaction.
    Returns None when nobody is to be told."""
    return publish_many(event, [Notice(**notice)])[0]


@service
def publish_many(event: str, notices) -> list[Message | None]:
    """Write one message per notice, each with its recipients' inbox rows and deliveries, in
    the caller's transaction and in a constant number of statements whatever their number (a
    sweep opening a thousand alerts — issue 8 §7): role holders are looked up once per (roles,
    park), channel settings once per park, everyone's subscriptions once. Returns the messages
    in the notices' order, None where nobody is to be told."""
    declared = events.get(event)
    now = clock.now()
    holders: dict[tuple, list] = {}
    planned: list[tuple[Message, list]] = []
    results: list[Message | None] = []
    for notice in notices:
        obj = notice.obj
        park = notice.park
        if park is _UNSET:
            park = access.park_of(obj) if obj is not None else None
        park_id = getattr(park, "pk", park)
        roles = notice.roles
        if roles is None:
            roles = declared.roles if notice.recipients is None else ()
        key = (tuple(roles), park_id)
        if key not in holders:
            holders[key] = people_in_roles(roles, park_id)
        people = unique_active([*(notice.recipients or ()), *holders[key]], notice.exclude)
        if not people:
            results.append(None)
            continue
        link = notice.link
        if link is None:
            link = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        message = Message(
            event=event,
            title=str(notice.title)[:200],
            body=str(notice.body),
            link=(link or "")[:500],
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            park_id=park_id,
            created_at=now,
        )
        planned.append((message, people))
        results.append(message)
    if not planned:
        return results
    messages = Message.objects.bulk_create([message for message, _people in planned])
    if any(message.pk is None for message in messages):  # a backend that returns no keys
        raise RuntimeError("the database did not return the new messages' keys")
    Notification.objects.bulk_create(
        [
            Notification(message=message, recipient=person, created_at=now)
            for message, people in planned
            for person in people
        ],
        batch_size=BATCH,
    )
    for _message, people in planned:
        for person in people:
            person.__dict__.pop("_parkflow_unread", None)  # the bell's cached count
    everyone = unique_active([person for _message, people in planned for person in people])
    wanted = subscriptions.channels_for(declared, everyone)
    configs: dict = {}
    deliveries = []
    for message, people in planned:
        if message.park_id not in configs:
            configs[message.park_id] = configs_for(message.park_id)
        deliveries += _plan(declared, message, people, now, configs[message.park_id], wanted)
    if deliveries:
        Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
        schedule([delivery.pk for delivery in deliveries])
    return results


def schedule(delivery_ids: list[int]) -> None:
    """Send these after the surrounding transaction commits (nothing is sent for a change that
    is rolled back)."""
    if not delivery_ids:
        return
    ids = list(delivery_ids)

    def enqueue():
        from .tasks import deliver_task

        deliver_task(ids)

    transaction.on_commit(enqueue)


# ---------------------------------------------------------------------------------------------
# Delivering (in the worker, outside any transaction)


def claim(delivery_id: int) -> Delivery | None:
    """pending/failed and due → sending, committed before anything is sent. Only one worker's
    UPDATE matches the row; the others get None."""
    now = clock.now()
    with transaction.atomic():
        claimed = Delivery.objects.filter(
            pk=delivery_id, status__in=DUE_STATUSES, next_attempt_at__lte=now
        ).update(
            status=S.SENDING,
            sending_started_at=now,
            attempts=F("attempts") + 1,
            last_error="",
        )
    if not claimed:
        return None
    return Delivery.objects.select_related("message", "config", "recipient").get(pk=delivery_id)


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return _setting("PARKFLOW_BASE_URL", "http://127.0.0.1:8000").rstrip("/") + link


def letter_for(delivery: Delivery) -> channels.Letter:
    message = delivery.message
    mentions, mobiles = (), ()
    if delivery.channel in ROBOTS:
        rows = message.notifications.select_related("recipient").order_by("id")
        people = [n.recipient for n in rows[: MAX_MENTIONS + 1]]
        mentions = tuple(str(p) for p in people[:MAX_MENTIONS])
        if len(people) > MAX_MENTIONS:
            mentions += (f"等 {message.notifications.count()} 人",)
        mobiles = tuple(p.phone for p in people[:MAX_MENTIONS] if getattr(p, "phone", ""))
    return channels.Letter(
        title=message.title,
        body=message.body,
        url=absolute(message.link),
        mentions=mentions,
        mobiles=mobiles,
    )


def _send(delivery: Delivery) -> channels.Outcome:
    config = delivery.config
    if config is not None and not config.enabled and delivery.message.event != TEST_EVENT:
        return channels.Outcome(channels.REJECTED, "渠道已停用")
    letter = letter_for(delivery)
    if delivery.channel == Channel.EMAIL:
        return channels.send_email(delivery.address, letter)
    return channels.send_robot(delivery.channel, config.webhook_url, config.secret, letter)


def finish(delivery: Delivery, outcome: channels.Outcome) -> str:
    """Record what happened, only if the row is still this worker's claim (still "sending" with
    the same attempt number): a lease that expired meanwhile stays "outcome unknown"."""
    now = clock.now()
    mine = Delivery.objects.filter(pk=delivery.pk, status=S.SENDING, attempts=delivery.attempts)
    detail = outcome.detail[:500]
    if outcome.kind == channels.ACCEPTED:
        status = S.SENT
        mine.update(status=status, sent_at=now, last_error="")
    elif outcome.kind == channels.RETRY and delivery.attempts < max_attempts():
        status = S.FAILED
        mine.update(
            status=status, next_attempt_at=now + backoff(delivery.attempts), last_error=detail
        )
    elif outcome.kind in (channels.RETRY, channels.REJECTED):
        status = S.GIVEN_UP
        mine.update(status=status, next_attempt_at=None, last_error=detail)
    else:
        status = S.OUTCOME_UNKNOWN
        mine.update(status=status, next_attempt_at=None, last_error=detail)
    return status


def deliver(delivery_id: int) -> str | None:
    """Claim, send, record. Returns the new status, or None when the row was not ours to send
    (already sent, being sent, not due)."""
    if connection.in_atomic_block and not _setting("TESTING", False):
        raise RuntimeError("deliver() must run outside a transaction: the claim must commit")
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    try:
        outcome = _send(delivery)
    except Exception:
        # A fault of ours after the claim: whether the request went out is not known.
        logger.exception("notification delivery %s failed", delivery_id)
        outcome = channels.Outcome(channels.UNKNOWN, "发送程序出错，无法确认是否已发出（详见日志）")
    return finish(delivery, outcome)


def expire_leases() -> int:
    """Deliveries still "sending" past the lease: the worker died between sending and
    recording. They may have been posted: outcome unknown, never re-sent by themselves."""
    cutoff = clock.now() - lease()
    return Delivery.objects.filter(status=S.SENDING, sending_started_at__lt=cutoff).update(
        status=S.OUTCOME_UNKNOWN, next_attempt_at=None, last_error=LEASE_EXPIRED
    )


def deliver_due(limit: int = 200) -> int:
    """The periodic pick: expire stale claims, then send what is due (new or retrying)."""
    expire_leases()
    ids = list(
        Delivery.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        deliver(pk)
    return len(ids)
