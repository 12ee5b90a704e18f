"""Write transactions: one lock order, and a bounded retry at the service boundary (D17, D44).

Every state-changing service is decorated with ``@service`` instead of ``@transaction.atomic``.

Lock order — every write transaction takes its locks in this order and no other:

1. **Rows, parent before child** (park → enterprise → its documents, declarations, reviews →
   alerts), each with ``select_for_update(of=("self",), no_key=True)``: ``of=("self",)`` so a
   ``select_related`` park is read but not locked; ``no_key`` (``FOR NO KEY UPDATE``) because
   services guard a row's state and never change its key or delete it, so another
   transaction's foreign-key check (``FOR KEY SHARE``, e.g. a document row inserted for the
   enterprise, a log-in touching the user) is not blocked by it.
2. **Writes, and the audit event last** (``audit.record``: one INSERT, no lock).

There is no global write lock any more. Until issue 8 every transaction began with
``pg_advisory_xact_lock(WRITE_LOCK_KEY)``, the audit chain's lock, held to ``COMMIT``: it made
writers queue one behind another (eight writers appended fewer events per second than one). The
chain is now sealed after commit (``core.audit``), so nothing needs the whole database to itself:
unrelated services run in parallel. What the global lock also did is done by other means:

* *deadlocks* between services that lock rows in different orders are possible again in
  principle; they are rare (rows are locked parent before child, ``no_key`` removes the
  foreign-key cycles of D17) and the boundary retries the whole call;
* *check-then-insert races* (the same declaration sent twice at once) are stopped by the
  database constraint that every such rule has, and a unique violation escaping a service is
  retried at the boundary like a deadlock: the re-run's check sees the row the other request
  committed and refuses cleanly (409), where the first run would have ended in a 500. A rule no
  constraint can express locks the parent row first (step 1).

On SQLite the ``IMMEDIATE`` transaction mode (settings) still takes the database write lock at
``BEGIN``: SQLite has one writer at a time whatever we do.

Retry: a service called outside any transaction is the boundary. If its transaction fails with
a deadlock (SQLSTATE 40P01), a serialization failure (40001), a unique violation (23505,
PostgreSQL) or, on SQLite, "database is locked", the whole call is rolled back and run again, up
to ``MAX_ATTEMPTS`` times with a short jittered pause; after the last attempt it raises
``ConcurrentUpdate`` (409 ``concurrent_update``), which pages and the API show like any refusal —
except a unique violation, which is raised as it is (it is then a bug, not a race). A service
called inside an open transaction (another service, an admin save, a test) never retries: the
locks already held by the outer transaction would stay held, so the error goes up to the
outermost boundary, which retries the whole thing. Work outside the database must therefore
happen before the boundary or be idempotent (see ``enterprises.services.document_upload``: the
file is stored once, the row is retried, the file is removed if the row finally fails), and a
service must not change its arguments in a way a second run would trip over (re-read rows by
primary key; delete with a queryset rather than ``instance.delete()``, which clears the
instance's key).
"""

import functools
import logging
import random
import sqlite3
import time

from django.db import DatabaseError, connection, transaction

from .errors import ConcurrentUpdate

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.05  # first pause; doubled for each further attempt, with ±50 % jitter
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
UNIQUE_VIOLATION = "23505"  # a check-then-insert race lost: the re-run's check sees the winner
_SQLITE_TRANSIENT = ("database is locked", "database table is locked")

_sleep = time.sleep  # replaced in tests: the retry is proved without waiting


def _sqlstate(exc: BaseException) -> str | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if state:
            return state
        exc = exc.__cause__ or exc.__context__
    return None


def is_unique_race(exc: BaseException) -> bool:
    """A unique violation on PostgreSQL: two transactions inserted the same key at once."""
    return _sqlstate(exc) == UNIQUE_VIOLATION


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
            return func(*args, **kwargs)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except DatabaseError as exc:
            race = is_unique_race(exc)
            if not (race or is_transient(exc)):
                raise
            if attempt == MAX_ATTEMPTS and race:
                raise  # still there after the re-runs: not a race but a missing check
            if attempt == MAX_ATTEMPTS:
                logger.warning("%s: gave up after %s attempts: %s", func.__qualname__, attempt, exc)
                raise ConcurrentUpdate() from exc
            logger.info("%s: attempt %s failed (%s); retrying", func.__qualname__, attempt, exc)
            _sleep(_pause(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def service(func):
    """Decorator for every state-changing service: one transaction following the lock order, a
    bounded retry of the whole call on deadlock at the boundary (module docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return run_in_transaction(func, *args, **kwargs)

    return wrapper
