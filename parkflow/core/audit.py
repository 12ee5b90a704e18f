"""The audit chain (R-PLT-1): append, then seal (D4, D18, D44).

Every state change, approval, file access and export calls ``record()`` inside the service's
transaction. ``record()`` takes no lock and reads nothing: it refuses a code nobody registered
(``audit_actions.UnknownAuditAction``), computes the event's *content hash* — SHA-256 over a
length-prefixed serialisation of its fields (``leaf_text``), with ``before``/``after`` as the
canonical JSON text the table stores verbatim — and inserts the row. A trigger queues the new id
(``core_auditpending``). Writers therefore never wait for one another: they commit in parallel.

After the transaction commits, the writer tries the sealer's lock without waiting
(``seal_pending``). Whoever holds it seals every queued event that has committed: the next
sequence numbers and the chain hash ``link(previous hash, event id, content hash)`` for each,
written as ``AuditSeal`` rows in one multi-row INSERT. A writer that finds the lock taken leaves
its event to the holder, who checks the queue again after letting go, so nothing is left behind;
the worker's periodic task, every verification and every digest seal whatever remains (a process
killed between its commit and its seal). The seals are the one verifiable order: the sequence has
no gaps, each seal's hash covers every seal before it, ``seq`` is the primary key and an event is
sealed once (unique), and the triggers refuse UPDATE, DELETE and TRUNCATE on both tables.

Verification walks the seals in order, joined to their events, in keyset batches: each event's
content must give its ``hash``, the seal must hold that hash, and each seal's hash must follow
from the one before. It names the first event where any of this fails. Events written before the
seals existed keep their own chain (``prev_hash``, D4): they were sealed in id order by migration
and are checked by the old rule (their hash over their predecessor's and their content).
"""

import datetime
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit_actions, clock
from .canonical import canonical, normalise
from .db import run_in_transaction
from .models import AuditEvent, AuditPending, AuditSeal
from .validation import REASON_MAX_LENGTH, check_length

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "ChainReport",
    "build",
    "canonical",
    "content_hash",
    "events_for",
    "link",
    "normalise",
    "record",
    "record_many",
    "seal_pending",
    "snapshot",
    "timeline",
    "verify_chain",
    "walk",
]

logger = logging.getLogger("parkflow.audit")

GENESIS_HASH = "0" * 64
LEAF_FORMAT = "pf-audit/2"
SEAL_LOCK_KEY = 0x5345414C  # "SEAL": the sealer's advisory lock; writers never take it
SEAL_BATCH = 5000
SEAL_EVERY = 0.05  # seconds: at most twenty seal attempts a second per process
WALK_BATCH = 10_000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_ONE_MICROSECOND = datetime.timedelta(microseconds=1)

# Problems verification names (the first one found, in chain order).
GAP = "封存序号不连续（封存记录被删除）"
LINK = "前一事件的摘要不一致（事件被删除、插入或重排）"
MISSING = "事件已被删除（封存记录仍在）"
RESEALED = "事件摘要与封存记录不符（事件被篡改）"
TAMPERED = "事件内容与摘要不符（事件被篡改）"
UNSEALED = "事件不在哈希链中（未经封存写入，或其封存记录被删除）"


# ---------------------------------------------------------------------------------------------
# Hashing


def micros(moment) -> int:
    """Microseconds since the Unix epoch, UTC: how the content hash states a time."""
    if isinstance(moment, int):
        return moment
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # SQLite gives naive UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return (moment - _EPOCH) // _ONE_MICROSECOND


def _part(value) -> str:
    if value is None:
        return "~"
    text = str(value)
    return f"{len(text)}:{text}"


def leaf_text(
    *,
    occurred_us: int,
    actor_id,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before_text: str | None,
    after_text: str | None,
    reason: str,
) -> str:
    """The serialisation the content hash covers: a format tag, then each field as
    ``<length>:<text>`` (``~`` for none), so no two events serialise alike."""
    return LEAF_FORMAT + "".join(
        map(
            _part,
            (occurred_us, actor_id, actor_name, action, object_type, object_id, object_repr,
             before_text, after_text, reason),
        )
    )  # fmt: skip


def _type_label(content_type) -> str:
    return f"{content_type.app_label}.{content_type.model}" if content_type else ""


def content_hash(event: AuditEvent, object_type: str | None = None) -> str:
    """The content hash of an event written by ``record()`` (its ``hash`` column)."""
    text = leaf_text(
        occurred_us=micros(event.occurred_at),
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        action=event.action,
        object_type=object_type if object_type is not None else _type_label(event.content_type),
        object_id=event.object_id,
        object_repr=event.object_repr,
        before_text=None if event.before is None else canonical(event.before),
        after_text=None if event.after is None else canonical(event.after),
        reason=event.reason,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link(prev_hash: str, event_id: int, leaf: str) -> str:
    """The chain hash of a seal: its predecessor's hash, the event it seals and that event's
    content hash."""
    return hashlib.sha256(f"{prev_hash}{event_id}:{leaf}".encode()).hexdigest()


# -- events written before the seals (D4): hashed over the predecessor's hash and a JSON payload


def event_payload(event: AuditEvent, object_type: str | None = None) -> dict:
    return {
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(
            timespec="microseconds"
        ),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": object_type if object_type is not None else _type_label(event.content_type),
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def compute_hash(prev_hash: str, event: AuditEvent, object_type: str | None = None) -> str:
    """The hash of an event of the old chain (D4): over its predecessor's hash and content."""
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
    label = _type_label(event.content_type)
    former = former_object_types().get(label)
    for object_type in (label, former) if former else (label,):
        if event.is_legacy:
            if compute_hash(event.prev_hash, event, object_type) == event.hash:
                return True
        elif content_hash(event, object_type) == event.hash:
            return True
    return False


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a row, for ``before``/``after``."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return normalise({name: getattr(obj, name) for name in names})


# ---------------------------------------------------------------------------------------------
# Writing


def _check_payload(name: str, value) -> None:
    if value is not None and not isinstance(value, dict):
        raise TypeError(
            f"audit.record(): {name} must be a dict or None, not {type(value).__name__}"
        )


def build(
    actor,
    action,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    object_repr: str | None = None,
) -> AuditEvent:
    """An event ready to insert, content hash included (``record`` and ``record_many`` write
    it). Refuses an unregistered code (``UnknownAuditAction``), a ``before``/``after`` that is not
    a dict, and a reason longer than the declared limit (bad input: the caller's transaction
    rolls back, nothing is written)."""
    code = audit_actions.require(action).code
    _check_payload("before", before)
    _check_payload("after", after)
    check_length("reason", reason, REASON_MAX_LENGTH, label=_("原因"))
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    # The JSON's canonical text once: what is hashed, what is stored, what is read back.
    before_text = None if before is None else canonical(before)
    after_text = None if after is None else canonical(after)
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    event = AuditEvent(
        occurred_at=clock.now(),
        actor=actor if is_user else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if is_user else "系统",
        action=code,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(
            object_repr if object_repr is not None else str(obj) if obj is not None else ""
        )[:255],
        before=None if before_text is None else json.loads(before_text),
        after=None if after_text is None else json.loads(after_text),
        reason=reason or "",
        prev_hash="",
    )
    event._texts = (before_text, after_text)
    text = leaf_text(
        occurred_us=micros(event.occurred_at),
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        action=code,
        object_type=_type_label(content_type),
        object_id=event.object_id,
        object_repr=event.object_repr,
        before_text=before_text,
        after_text=after_text,
        reason=event.reason,
    )
    event.hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return event


_INSERT_COLUMNS = (
    "occurred_at", "actor_id", "actor_name", "action", "content_type_id", "object_id",
    "object_repr", "before", "after", "reason", "prev_hash", "hash",
)  # fmt: skip
_INSERT_SQL = "INSERT INTO core_auditevent ({columns}) VALUES {rows} RETURNING id"


def _insert(events: list[AuditEvent]) -> list[AuditEvent]:
    """One multi-row INSERT per chunk, straight through the cursor (the ORM's save costs more
    than the chain does: the writers' CPU is what limits appends)."""
    adapt = connection.ops.adapt_datetimefield_value
    per_statement = 500 if connection.vendor == "postgresql" else 999 // len(_INSERT_COLUMNS)
    row = "(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(events), per_statement):
            chunk = events[start : start + per_statement]
            params = []
            for event in chunk:
                before_text, after_text = getattr(event, "_texts", None) or (
                    None if event.before is None else canonical(event.before),
                    None if event.after is None else canonical(event.after),
                )
                params += [
                    adapt(event.occurred_at), event.actor_id, event.actor_name, event.action,
                    event.content_type_id, event.object_id, event.object_repr, before_text,
                    after_text, event.reason, event.prev_hash, event.hash,
                ]  # fmt: skip
            sql = _INSERT_SQL.format(
                columns=", ".join(_INSERT_COLUMNS), rows=", ".join([row] * len(chunk))
            )
            cursor.execute(sql, params)
            for event, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                event.pk = pk
                event._state.adding = False
                event._state.db = connection.alias
    _seal_after_commit()
    return events


def record(
    actor,
    action,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (or its own, when called outside one).
    ``action`` is a registered code or ``AuditAction``; everything else is keyword-only. One
    INSERT; sealed after commit."""
    event = build(
        actor, action, obj, before=before, after=after, reason=reason, object_repr=object_repr
    )
    if connection.in_atomic_block:
        return _insert([event])[0]
    return run_in_transaction(_insert, [event])[0]


def record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append events made by ``build()`` with one multi-row INSERT (the rule sweep opening a
    thousand alerts writes their events in a constant number of statements)."""
    events = list(events)
    if connection.in_atomic_block:
        return _insert(events)
    return run_in_transaction(_insert, events)


# ---------------------------------------------------------------------------------------------
# Sealing


def _seal_after_commit() -> None:
    """Seal once this transaction has committed; once per transaction, however many events."""
    current = set(connection.savepoint_ids)
    for entry in connection.run_on_commit:
        if entry[1] is seal_soon and set(entry[0]) <= current:
            return
    transaction.on_commit(seal_soon, robust=True)


_last_seal_attempt = [0.0]  # this process's last attempt (time.monotonic)


def seal_soon() -> None:
    """After a writer's commit: seal what is queued unless another process is sealing (it
    re-checks the queue after letting go), or this process tried less than ``SEAL_EVERY`` ago
    (under load the next attempt, here or in another process, takes this event along; after the
    last write of a burst the worker's task does, within the minute). Never blocks on the sealer;
    never fails the request whose transaction has already committed."""
    now = time.monotonic()
    if now - _last_seal_attempt[0] < SEAL_EVERY:
        return
    _last_seal_attempt[0] = now
    try:
        seal_pending(wait=False)
    except DatabaseError:
        logger.exception("sealing the audit chain failed; the periodic task will seal it")


_SEAL_LEAVES_SQL = (
    "SELECT e.id, e.hash, s.seq FROM core_auditevent e LEFT JOIN core_auditseal s"
    " ON s.event_id = e.id WHERE e.id IN ({marks})"
)


def _seal_batch(*, wait: bool, batch: int) -> int | None:
    """Seal up to ``batch`` queued events in one transaction; None if the lock is taken.

    The seals are derived data: on PostgreSQL their transaction commits without waiting for the
    disk (``synchronous_commit = off``). If the server stops before it is flushed, the queue rows
    it deleted come back with it and the events are sealed again; anything that saw these seals
    and committed synchronously flushed them first (the log is written in order)."""
    pg = connection.vendor == "postgresql"
    if not pg:
        batch = min(batch, 900)  # SQLite's 999 parameters
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            cursor.execute(
                f"SELECT {lock}(%s), set_config('synchronous_commit', 'off', true)",
                [SEAL_LOCK_KEY],
            )
            if not wait and not cursor.fetchone()[0]:
                return None
        # (SQLite: the IMMEDIATE transaction holds the database's write lock already.)
        cursor.execute(
            "DELETE FROM core_auditpending WHERE event_id IN (SELECT event_id FROM"
            " core_auditpending ORDER BY event_id LIMIT %s) RETURNING event_id",
            [batch],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        if not ids:
            return 0
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(_SEAL_LEAVES_SQL.format(marks=marks), ids)
        # Sealed already (a bulk loader sealed them itself), or gone: left to verification.
        leaves = {event_id: leaf for event_id, leaf, seq in cursor.fetchall() if seq is None}
        cursor.execute("SELECT seq, hash FROM core_auditseal ORDER BY seq DESC LIMIT 1")
        seq, chain = cursor.fetchone() or (0, GENESIS_HASH)
        seals = []
        for event_id in ids:
            if event_id in leaves:
                seq += 1
                chain = link(chain, event_id, leaves[event_id])
                seals.append(
                    AuditSeal(seq=seq, event_id=event_id, leaf=leaves[event_id], hash=chain)
                )
        AuditSeal.objects.bulk_create(seals)
        return len(ids)


def _queued() -> bool:
    with connection.cursor() as cursor:  # by the index: the queue churns, its heap has holes
        cursor.execute("SELECT event_id FROM core_auditpending ORDER BY event_id LIMIT 1")
        return cursor.fetchone() is not None


def seal_pending(*, wait: bool = True, batch: int = SEAL_BATCH) -> int:
    """Seal every queued event that has committed; returns how many ids left the queue.
    ``wait=False``: return at once if another process holds the sealer's lock."""
    total = 0
    while True:
        sealed = _seal_batch(wait=wait, batch=batch)
        if sealed is None:
            return total
        total += sealed
        if sealed >= batch:
            continue
        # Checked after the lock was let go: an event committed while we held it, whose writer
        # found the lock taken, is seen here.
        if connection.in_atomic_block or not _queued():
            return total


# ---------------------------------------------------------------------------------------------
# Verifying


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""


@dataclass
class Walk:
    """What a walk over the seals found."""

    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    last_event_id: int | None = None
    broken_event_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None

    def fail(self, seq: int, event_id: int, problem: str) -> None:
        if self.broken_event_id is None:
            self.broken_seq, self.broken_event_id, self.problem = seq, event_id, problem


_SEALS_SQL = """
    SELECT seq, event_id, leaf, hash FROM core_auditseal
     WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s"""


def _raw_sql(where: str) -> str:
    """An event's columns as the content hash covers them (the time in microseconds, the JSON
    as stored)."""
    if connection.vendor == "postgresql":
        moment = "(EXTRACT(EPOCH FROM occurred_at) * 1000000)::bigint"
        before, after = "before::text", "after::text"  # ``json``: the stored text, verbatim
    else:
        moment, before, after = "occurred_at", "before", "after"
    return f"""
        SELECT id, prev_hash, hash, {moment}, actor_id, actor_name, action, content_type_id,
               object_id, object_repr, {before}, {after}, reason
          FROM core_auditevent WHERE {where}"""  # noqa: S608 - fixed fragments


def _select_events(cursor, sql_for, ids: list[int]) -> list[tuple]:
    """Rows of the events ``ids`` names: one range scan when their ids are close together (the
    usual case: seals follow commits, ids follow inserts), else by list."""
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids) + 1000:
        cursor.execute(sql_for("e.id BETWEEN %s AND %s"), [low, high])
        return cursor.fetchall()
    rows = []
    for start in range(0, len(ids), 900):  # under SQLite's 999 parameters
        chunk = ids[start : start + 900]
        cursor.execute(sql_for(f"e.id IN ({', '.join(['%s'] * len(chunk))})"), chunk)
        rows += cursor.fetchall()
    return rows


def _raw_events(cursor, ids: list[int]) -> dict[int, tuple]:
    def sql_for(where):
        return _raw_sql(where.replace("e.id", "id"))

    return {row[0]: row for row in _select_events(cursor, sql_for, ids)} if ids else {}


def _events_of(cursor, ids: list[int], type_parts: dict) -> dict[int, tuple]:
    """{id: (id, prev_hash, hash, content type id, leaf text)} for a batch of seals. (Building
    the text in SQL instead was measured: it moves the work to the database's one core and
    reads no faster.)"""
    return {
        event_id: (event_id, row[1], row[2], row[7], _row_leaf_text(row, type_parts.get(row[7])))
        for event_id, row in _raw_events(cursor, ids).items()
    }


def _legacy_hash(prev, row, object_type: str) -> str:
    (_id, _prev, _hash, moment, actor_id, actor_name, action, _ct, object_id, object_repr,
     before, after, reason) = row  # fmt: skip
    occurred = (_EPOCH + micros(moment) * _ONE_MICROSECOND).isoformat(timespec="microseconds")
    payload = {
        "occurred_at": occurred,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": None if before is None else json.loads(before),
        "after": None if after is None else json.loads(after),
        "reason": reason,
    }
    return hashlib.sha256((prev + canonical(payload)).encode("utf-8")).hexdigest()


def _row_leaf_text(row, type_part: str) -> str:
    """``leaf_text`` of an event row as the walk reads it; inlined, it is the hot path."""
    (_id, _prev, _hash, moment, actor_id, actor_name, action, _ct, object_id, object_repr,
     before, after, reason) = row  # fmt: skip
    if not isinstance(moment, int):
        moment = micros(moment)
    moment = str(moment)
    type_part = type_part or "0:"
    if actor_id is None:
        actor = "~"
    else:
        actor = str(actor_id)
        actor = f"{len(actor)}:{actor}"
    before = "~" if before is None else f"{len(before)}:{before}"
    after = "~" if after is None else f"{len(after)}:{after}"
    return (
        f"{LEAF_FORMAT}{len(moment)}:{moment}{actor}{len(actor_name)}:{actor_name}"
        f"{len(action)}:{action}{type_part}{len(object_id)}:{object_id}"
        f"{len(object_repr)}:{object_repr}{before}{after}{len(reason)}:{reason}"
    )


def _fetch_batches(last: int, upto_seq: int, batch_size: int, type_parts: dict):
    """(seals, their events by id, the raw rows of old-chain events) batch after batch."""
    while last < upto_seq:
        with connection.cursor() as cursor:
            cursor.execute(_SEALS_SQL, [last, upto_seq, batch_size])
            seals = cursor.fetchall()
            if not seals:
                return
            events = _events_of(cursor, [seal[1] for seal in seals], type_parts)
            legacy = _raw_events(cursor, [row[0] for row in events.values() if row[1]])
        yield seals, events, legacy
        last = seals[-1][0]


def _prefetched(last: int, upto_seq: int, batch_size: int, type_parts: dict):
    """``_fetch_batches`` read one batch ahead by a thread with its own connection, so that the
    database prepares the next batch while this one is hashed. Only outside a transaction: the
    thread would not see what an open transaction (a test's) has written."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield from _fetch_batches(last, upto_seq, batch_size, type_parts)
        return
    import queue
    import threading

    from django.db import connections

    ahead: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def read():
        try:
            for item in _fetch_batches(last, upto_seq, batch_size, type_parts):
                while not stop.is_set():
                    try:
                        ahead.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, raised there
            ahead.put(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read, name="audit-walk-reader", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def walk(
    *,
    after_seq: int = 0,
    expected: str = GENESIS_HASH,
    upto_seq: int | None = None,
    progress=None,
    batch_size: int = WALK_BATCH,
) -> Walk:
    """Check the seals after ``after_seq`` (whose hash is ``expected``) up to ``upto_seq`` (the
    head when None), with their events, in order; keep going after the first problem (which is
    the one named) so that anchors further on can still be checked. ``progress(checked)`` is
    called after every batch. Each batch is two queries of its own (the seals by sequence, their
    events by id): no transaction is held open, no join is made per row."""
    if upto_seq is None:
        upto_seq = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    labels = {
        ct_id: f"{app}.{model}"
        for ct_id, app, model in ContentType.objects.values_list("id", "app_label", "model")
    }
    type_parts = {ct_id: _part(label) for ct_id, label in labels.items()}
    former = former_object_types()
    result = Walk(last_seq=after_seq, last_hash=expected)
    sha256 = hashlib.sha256
    seq_expected = after_seq + 1
    chain = expected
    # The previous seal's leaf: what an old-chain event's prev_hash must be.
    prev_leaf = GENESIS_HASH
    if after_seq:
        prev_leaf = AuditSeal.objects.filter(seq=after_seq).values_list("leaf", flat=True).first()
    for seals, events, legacy in _prefetched(after_seq, upto_seq, batch_size, type_parts):
        for seq, event_id, leaf, seal_hash in seals:
            if seq != seq_expected:
                result.fail(seq, event_id, GAP)
            if seal_hash != sha256(f"{chain}{event_id}:{leaf}".encode()).hexdigest():
                result.fail(seq, event_id, LINK)
            row = events.get(event_id)
            if row is None:
                result.fail(seq, event_id, MISSING)
            else:
                _id, e_prev, e_hash, ct_id, text = row
                if e_hash != leaf:
                    result.fail(seq, event_id, RESEALED)
                if e_prev:  # an event of the old chain (D4)
                    label = labels.get(ct_id, "")
                    raw = legacy[event_id]
                    if e_prev != prev_leaf:
                        result.fail(seq, event_id, LINK)
                    good = _legacy_hash(e_prev, raw, label) == e_hash or (
                        label in former and _legacy_hash(e_prev, raw, former[label]) == e_hash
                    )
                else:
                    good = sha256(text.encode()).hexdigest() == e_hash
                    if not good and labels.get(ct_id) in former:  # a model that moved apps
                        with connection.cursor() as cursor:
                            raw = _raw_events(cursor, [event_id])[event_id]
                        text = _row_leaf_text(raw, _part(former[labels[ct_id]]))
                        good = sha256(text.encode()).hexdigest() == e_hash
                if not good:
                    result.fail(seq, event_id, TAMPERED)
            chain = seal_hash  # carry on from what is stored: one bad link is one finding
            prev_leaf = leaf
            seq_expected = seq + 1
        result.checked += len(seals)
        result.last_seq, result.last_hash, result.last_event_id = (
            seals[-1][0],
            seals[-1][3],
            seals[-1][1],
        )
        if progress is not None:
            progress(result.checked)
    return result


def coverage_problem() -> tuple[int, str] | None:
    """An event that is neither sealed nor queued (inserted behind the application's back, or
    its seal removed), or a seal whose event is gone: (event id, problem), or None. Two counts
    decide whether to look; the anti-joins that name the event run only when they disagree."""
    events = AuditEvent.objects.count()
    seals = AuditSeal.objects.count()
    pending = AuditPending.objects.count()
    if events == seals + pending:
        return None
    unsealed = (
        AuditEvent.objects.exclude(id__in=AuditSeal.objects.values("event_id"))
        .exclude(id__in=AuditPending.objects.values("event_id"))
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if unsealed is not None:
        return unsealed, UNSEALED
    orphan = (
        AuditSeal.objects.exclude(event_id__in=AuditEvent.objects.values("id"))
        .order_by("seq")
        .values_list("event_id", flat=True)
        .first()
    )
    if orphan is not None:
        return orphan, MISSING
    return None


def verify_chain(batch_size: int = WALK_BATCH) -> ChainReport:
    """Seal what is queued, walk the whole chain and name the first broken event (the chain
    alone: ``audit_digest.verify`` also checks it against the signed digests)."""
    seal_pending(wait=True)
    result = walk(batch_size=batch_size)
    if result.ok and (gap := coverage_problem()):
        result.fail(0, *gap)
    return ChainReport(result.ok, result.checked, result.broken_event_id, result.problem)


def head() -> AuditSeal | None:
    """The newest seal: the chain's head."""
    return AuditSeal.objects.order_by("-seq").first()


# ---------------------------------------------------------------------------------------------
# Reading


def events_for(obj: models.Model):
    """The audit timeline of one object, oldest first."""
    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .select_related("actor", "seal")
        .order_by("id")
    )


TIMELINE_LIMIT = 50


def timeline(obj: models.Model, *, before: int | None = None, limit: int = TIMELINE_LIMIT):
    """The latest ``limit`` events of one object (older than event ``before`` when given),
    oldest first as the page shows them, and the cursor of the next older slice (None when
    there is none). One query of ``limit + 1`` rows on the (object, content type, id) index: a
    timeline of thousands of events renders in the time of fifty (issue 7 §6)."""
    qs = events_for(obj)
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    older = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit][::-1], older
