"""Write transactions: one lock order, and a bounded retry at the service boundary (D17).

Every state-changing service is decorated with ``@service`` instead of ``@transaction.atomic``.

Lock order — every write transaction takes its locks in this order and no other:

1. **The write lock first.** The first statement of the transaction is
   ``pg_advisory_xact_lock(WRITE_LOCK_KEY)`` — the lock that serialises the audit chain
   (``core.audit``) — taken before any row is read for update or written. On SQLite the
   ``IMMEDIATE`` transaction mode (settings) takes the database write lock at ``BEGIN``, which
   is the same rule. Every service writes an audit event, so it holds this lock until commit
   anyway; taking it first instead of last is what makes deadlocks between services impossible:
   a writer never waits for the chain while holding a row another writer needs (before D17 a
   writer locked an enterprise and its park, then waited for the chain, while the chain's
   holder checked its deferred foreign keys against those very rows at ``COMMIT``).
2. **Rows, parent before child** (park → enterprise → its documents, declarations, reviews →
   alerts), each with ``select_for_update(of=("self",), no_key=True)``: ``of=("self",)`` so a
   ``select_related`` park is read but not locked; ``no_key`` (``FOR NO KEY UPDATE``) because
   services guard a row's state and never change its key or delete it, so another
   transaction's foreign-key check (``FOR KEY SHARE``, e.g. a document row inserted for the
   enterprise, a log-in touching the user) is not blocked by it.
3. **Writes, and the audit event last** (``audit.record``; the advisory lock is already held,
   re-taking it is free).

Retry: a service called outside any transaction is the boundary. If its transaction fails with
a deadlock (SQLSTATE 40P01), a serialization failure (40001) or, on SQLite, "database is
locked", the whole call is rolled back and run again, up to ``MAX_ATTEMPTS`` times with a short
jittered pause; after the last attempt it raises ``ConcurrentUpdate`` (409
``concurrent_update``), which pages and the API show like any refusal. A service called inside
an open transaction (another service, an admin save, a test) never retries: the locks already
held by the outer transaction would stay held, so the error goes up to the outermost boundary,
which retries the whole thing. Work outside the database must therefore happen before the
boundary or be idempotent (see ``enterprises.services.document_upload``: the file is stored
once, the row is retried, the file is removed if the row finally fails), and a service must not
change its arguments in a way a second run would trip over (re-read rows by primary key; delete
with a queryset rather than ``instance.delete()``, which clears the instance's key).
"""

import functools
import logging
import random
import sqlite3
import time

from django.db import DatabaseError, connection, transaction

from .errors import ConcurrentUpdate

logger = logging.getLogger(__name__)

WRITE_LOCK_KEY = 0x5041524B  # "PARK": the audit chain's advisory lock
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.05  # first pause; doubled for each further attempt, with ±50 % jitter
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
_SQLITE_TRANSIENT = ("database is locked", "database table is locked")

_sleep = time.sleep  # replaced in tests: the retry is proved without waiting


def lock_writes() -> None:
    """Take the write lock (lock order step 1). Re-entrant: a no-op when already held."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])


def is_transient(exc: BaseException) -> bool:
    """A failure that says nothing about the request, only about its timing: worth a retry."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if state in TRANSIENT_SQLSTATES:
            return True
        if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith(_SQLITE_TRANSIENT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _pause(attempt: int) -> float:
    return BACKOFF_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)  # noqa: S311


def run_in_transaction(func, /, *args, **kwargs):
    """Run ``func`` in one write transaction following the lock order; retry it as a whole on
    a transient failure when this is the outermost transaction."""
    if connection.in_atomic_block:
        # Inside an open transaction: never retry here (see the module docstring).
        with transaction.atomic():
            lock_writes()
            return func(*args, **kwargs)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                lock_writes()
                return func(*args, **kwargs)
        except DatabaseError as exc:
            if not is_transient(exc):
                raise
            if attempt == MAX_ATTEMPTS:
                logger.warning("%s: gave up after %s attempts: %s", func.__qualname__, attempt, exc)
                raise ConcurrentUpdate() from exc
            logger.info("%s: attempt %s failed (%s); retrying", func.__qualname__, attempt, exc)
            _sleep(_pause(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def service(func):
    """Decorator for every state-changing service: one transaction, the write lock first, a
    bounded retry of the whole call on deadlock at the boundary (module docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return run_in_transaction(func, *args, **kwargs)

    return wrapper
