import importlib

import pytest


@pytest.fixture
def _audit_triggers_restored(django_db_blocker):
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        append_only = importlib.import_module("parkflow.core.migrations.0003_audit_append_only")
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for sql in append_only.SQLITE_FORWARD:
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
        append_only = importlib.import_module("parkflow.core.migrations.0003_audit_append_only")
        with connection.cursor() as cursor:
            for sql in append_only.SQLITE_BACKWARD:
                cursor.execute(sql)
