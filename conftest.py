import importlib
import os

import pytest

os.environ.setdefault("PARKFLOW_TESTING", "1")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    # Signed audit digests and their key stay out of the checkout (issue 6 §2).
    settings.PARKFLOW_AUDIT_DIGEST_DIR = tmp_path / "audit-digests"
    settings.PARKFLOW_AUDIT_DIGEST_KEY = ""
    settings.PARKFLOW_AUDIT_DIGEST_KEY_FILE = tmp_path / "audit-digest.key"
    settings.PARKFLOW_AUDIT_DIGEST_WEBHOOK = ""
    settings.PARKFLOW_AUDIT_DIGEST_EMAILS = []
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()
    from django.utils import translation

    # A request in English (the API follows Accept-Language) leaves English active in the
    # thread; each test starts in the product's default language.
    translation.activate(
        settings.LANGUAGE_CODE
    )  # throttles and cached settings must not leak from one test into the next
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def park(db):
    from parkflow.org.tests.factories import ParkFactory

    return ParkFactory(name="苏州工业园A区")


@pytest.fixture
def other_park(db):
    from parkflow.org.tests.factories import ParkFactory

    return ParkFactory(name="无锡科创园B区")


def _audit_trigger_bracket(vendor):
    """SQL around a test-database flush so the audit tables' guards step aside and come back.

    pytest-django empties the database after transactional tests (``transactional_db``,
    ``live_server``) with ``TRUNCATE`` (PostgreSQL) or ``DELETE`` (SQLite), which the audit
    triggers refuse by design (on the events and on their seals). The test database belongs to
    the role running the tests, so it may disable (PostgreSQL) or drop and recreate (SQLite)
    them; a production application role does not own the tables and cannot (docs/decisions.md
    D5, D18)."""
    if vendor == "postgresql":
        return (
            [
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate",
                "ALTER TABLE core_auditseal DISABLE TRIGGER core_auditseal_no_truncate",
            ],
            [
                "ALTER TABLE core_auditevent ENABLE TRIGGER USER",
                "ALTER TABLE core_auditseal ENABLE TRIGGER USER",
            ],
        )
    create, drop = importlib.import_module("parkflow.conftest")._sqlite_guards()
    return drop, create


def _sqlite_trigger_bracket(connection):
    """Every other append-only guard a domain's migration put on SQLite (complaints and their
    notes, R-CMP-6): dropped before the flush's DELETEs and recreated after, as they were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name NOT LIKE 'core_audit%'"
        )
        triggers = cursor.fetchall()
    return (
        [f'DROP TRIGGER IF EXISTS "{name}"' for name, _sql in triggers],
        [sql for _name, sql in triggers],
    )


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_survive_test_flush():
    from django.core.management.commands import flush

    original = flush.sql_flush

    def sql_flush(style, connection, *args, **kwargs):
        statements = original(style, connection, *args, **kwargs)
        if not any("core_auditevent" in sql for sql in statements):
            return statements
        before, after = _audit_trigger_bracket(connection.vendor)
        if connection.vendor == "sqlite":
            drop, create = _sqlite_trigger_bracket(connection)
            before, after = [*before, *drop], [*after, *create]
        return [*before, *statements, *after]

    flush.sql_flush = sql_flush
    yield
    flush.sql_flush = original


def pytest_collection_modifyitems(config, items):
    """The slowest tests first (marker ``slow``): under xdist each is handed to a worker at
    the start, while the other worker runs the rest, instead of running alone at the end."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") else 1)
