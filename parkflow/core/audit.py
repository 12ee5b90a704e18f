"""The audit chain (R-PLT-1).

Every state change, approval, file access and export calls ``record()`` inside the service's
transaction. Each event's hash is SHA-256 over the previous event's hash and the event's canonical
serialisation, so editing, deleting or reordering any event breaks every hash after it.
Writers are serialised (PostgreSQL advisory lock; SQLite IMMEDIATE transactions) and
``prev_hash`` is unique, so concurrent writers can never fork the chain. The advisory lock is
the write lock of ``core.db``: services take it as the first statement of their transaction
(the lock order of D17), so ``record`` finds it already held.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .db import WRITE_LOCK_KEY, lock_writes, service
from .models import AuditEvent
from .validation import REASON_MAX_LENGTH, check_length

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = WRITE_LOCK_KEY  # "PARK"


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)  # lazy translations, enums and anything else that reads as text


def canonical(value) -> str:
    """Stable text of a JSON-able value: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable
    )


def normalise(value):
    """What the JSON column will give back, so the hash verifies after a round trip."""
    if value is None:
        return None
    return json.loads(canonical(value))


def event_payload(event: AuditEvent, object_type: str | None = None) -> dict:
    ct = event.content_type
    return {
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(
            timespec="microseconds"
        ),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": object_type
        if object_type is not None
        else (f"{ct.app_label}.{ct.model}" if ct else ""),
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def compute_hash(prev_hash: str, event: AuditEvent, object_type: str | None = None) -> str:
    payload = canonical(event_payload(event, object_type))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def former_object_types() -> dict[str, str]:
    """{"app.model": "former_app.model"} for models that moved between apps with their table and
    content type (an app config's ``former_labels = {model: former app label}``): events recorded
    before the move hashed the former label, and the chain must still verify."""
    from django.apps import apps

    return {
        f"{config.label}.{model}": f"{former}.{model}"
        for config in apps.get_app_configs()
        for model, former in getattr(config, "former_labels", {}).items()
    }


def hash_matches(event: AuditEvent) -> bool:
    """The event's hash is right for its content, under its type's current or former label."""
    if compute_hash(event.prev_hash, event) == event.hash:
        return True
    ct = event.content_type
    former = ct and former_object_types().get(f"{ct.app_label}.{ct.model}")
    return bool(former) and compute_hash(event.prev_hash, event, former) == event.hash


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a row, for ``before``/``after``."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return normalise({name: getattr(obj, name) for name in names})


_lock_chain_head = lock_writes  # the chain's lock is the write lock (core.db, D17)


@service
def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction (the write lock is taken by
    ``@service`` before anything else). A reason longer than the declared limit is refused (bad
    input: the caller's transaction rolls back, nothing is written)."""
    check_length("reason", reason, REASON_MAX_LENGTH, label=_("原因"))
    last = AuditEvent.objects.order_by("-id").only("hash").first()
    prev_hash = last.hash if last else GENESIS_HASH
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=clock.now(),
        actor=actor if is_user else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if is_user else "系统",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(
            object_repr if object_repr is not None else str(obj) if obj is not None else ""
        )[:255],
        before=normalise(before),
        after=normalise(after),
        reason=reason or "",
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(prev_hash, event)
    event.save(force_insert=True)
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in id order and name the first event whose link or hash is wrong."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(id__gt=last_id)
            .select_related("content_type")
            .order_by("id")[:batch_size]
        )
        if not batch:
            return ChainReport(ok=True, checked=checked)
        for event in batch:
            if event.prev_hash != expected_prev:
                return ChainReport(
                    False, checked, event.id, "前一事件的摘要不一致（事件被删除、插入或重排）"
                )
            if not hash_matches(event):
                return ChainReport(False, checked, event.id, "事件内容与摘要不符（事件被篡改）")
            expected_prev = event.hash
            checked += 1
            last_id = event.id


def events_for(obj: models.Model):
    """The audit timeline of one object, oldest first."""
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .select_related("actor")
        .order_by("id")
    )


TIMELINE_LIMIT = 50


def timeline(obj: models.Model, *, before: int | None = None, limit: int = TIMELINE_LIMIT):
    """The latest ``limit`` events of one object (older than event ``before`` when given),
    oldest first as the page shows them, and the cursor of the next older slice (None when
    there is none). One query of ``limit + 1`` rows on the (content type, object, id) index: a
    timeline of thousands of events renders in the time of fifty (issue 7 §6)."""
    qs = events_for(obj)
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    older = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit][::-1], older
