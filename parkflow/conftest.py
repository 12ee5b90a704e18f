import importlib
from pathlib import Path

import pytest


def _migration(suffix: str):
    """A core migration module by its name without the number (numbers change at merges)."""
    folder = Path(__file__).resolve().parent / "core" / "migrations"
    (path,) = folder.glob(f"[0-9][0-9][0-9][0-9]_{suffix}.py")
    return importlib.import_module(f"parkflow.core.migrations.{path.stem}")


def _sqlite_guards():
    """(create, drop) statements of the append-only triggers on the events and their seals."""
    append_only = _migration("audit_append_only")
    sealed = _migration("audit_sealed_chain")
    return (
        [*append_only.SQLITE_FORWARD, *sealed.SQLITE_SEAL_GUARDS],
        [*append_only.SQLITE_BACKWARD, *sealed.SQLITE_SEAL_GUARDS_BACKWARD],
    )


@pytest.fixture
def _audit_triggers_restored(django_db_blocker):
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for sql in _sqlite_guards()[0]:
                cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


@pytest.fixture
def flushable_audit(_audit_triggers_restored, transactional_db):
    """A transactional test whose audit events can be flushed afterwards: pytest-django empties
    the tables with DELETE on SQLite, which the append-only triggers refuse by design; they are
    dropped just before the flush and recreated just after. (PostgreSQL flushes with TRUNCATE,
    which row triggers do not see.)"""
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in _sqlite_guards()[1]:
                cursor.execute(sql)
