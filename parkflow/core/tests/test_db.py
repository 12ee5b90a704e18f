"""Write transactions (core.db, decisions D17, D44): the lock order every service follows (rows
parent before child, no global lock), and the bounded retry of a whole service call on a deadlock
or a lost check-then-insert race — never a 500 for ordinary concurrency."""

import re
import sqlite3
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core import audit
from parkflow.core import db as core_db
from parkflow.core.errors import ConcurrentUpdate
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff
from parkflow.testdomain import services
from parkflow.testdomain.choices import ErrandStatus
from parkflow.testdomain.models import Errand
from parkflow.testdomain.tests.factories import errand


@pytest.fixture
def pauses(monkeypatch):
    """The pauses the retry would sleep, recorded instead of slept."""
    slept = []
    monkeypatch.setattr(core_db, "_sleep", slept.append)
    return slept


def _fail_transiently():
    """A real transient failure from the database driver: on PostgreSQL the server raises
    SQLSTATE 40P01 (deadlock_detected) itself; SQLite's is "database is locked"."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$")
    try:
        raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError as exc:
        raise OperationalError(str(exc)) from exc


def _write_then_fail(calls, failures: int):
    """A service that writes an audit event, then fails ``failures`` times before succeeding."""

    @core_db.service
    def write():
        calls.append(1)
        audit.record(None, "errand.note", None, after={"attempt": len(calls)})
        if len(calls) <= failures:
            _fail_transiently()
        return len(calls)

    return write


# ---------------------------------------------------------------------------------------------
# The retry


def test_a_real_driver_deadlock_is_recognised_as_transient(db):
    with pytest.raises(OperationalError) as caught, transaction.atomic():
        _fail_transiently()
    assert core_db.is_transient(caught.value)


def test_ordinary_errors_are_not_transient(db):
    assert not core_db.is_transient(
        IntegrityError("duplicate key value violates unique constraint")
    )
    assert not core_db.is_transient(OperationalError("no such table: x"))


@pytest.mark.usefixtures("flushable_audit")
def test_a_deadlocked_service_call_is_retried_whole_and_then_succeeds(pauses):
    calls = []
    assert _write_then_fail(calls, failures=1)() == 2
    assert len(calls) == 2 and len(pauses) == 1
    # The first attempt's audit event was rolled back with it: one event, one unbroken chain.
    assert list(AuditEvent.objects.values_list("after", flat=True)) == [{"attempt": 2}]
    assert audit.verify_chain().ok


@pytest.mark.usefixtures("flushable_audit")
def test_the_retry_gives_up_after_max_attempts_with_a_409_and_writes_nothing(pauses):
    calls = []
    with pytest.raises(ConcurrentUpdate) as caught:
        _write_then_fail(calls, failures=99)()
    assert len(calls) == core_db.MAX_ATTEMPTS == 3
    assert len(pauses) == core_db.MAX_ATTEMPTS - 1
    assert pauses[0] < pauses[1] * 1.5  # backing off, not hammering
    assert caught.value.status_code == 409
    assert caught.value.as_dict()["code"] == "concurrent_update"
    assert "重试" in caught.value.as_dict()["detail"]
    assert AuditEvent.objects.count() == 0


@pytest.mark.usefixtures("flushable_audit")
def test_no_retry_inside_an_outer_transaction_the_outermost_boundary_decides(pauses):
    calls = []
    write = _write_then_fail(calls, failures=1)
    with pytest.raises(OperationalError), transaction.atomic():
        write()
    assert len(calls) == 1 and pauses == []
    assert AuditEvent.objects.count() == 0


@pytest.mark.usefixtures("flushable_audit")
def test_an_outer_service_retries_the_inner_service_that_deadlocked(pauses):
    calls = []
    inner = _write_then_fail(calls, failures=1)
    outer = core_db.service(lambda: inner() + 100)
    assert outer() == 102
    assert len(calls) == 2 and len(pauses) == 1
    assert AuditEvent.objects.count() == 1


@pytest.mark.usefixtures("flushable_audit")
def test_errors_that_are_not_about_timing_are_not_retried(pauses):
    calls = []

    @core_db.service
    def duplicate():
        calls.append(1)
        raise IntegrityError("duplicate key value violates unique constraint")

    with pytest.raises(IntegrityError):
        duplicate()
    assert len(calls) == 1 and pauses == []


def _deadlock_every_save(monkeypatch):
    """Every write of an errand fails with a real transient error, as a deadlock would."""
    monkeypatch.setattr(Errand, "save", lambda self, *args, **kwargs: _fail_transiently())


def _submit_through_the_api(clerk, made):
    client = APIClient()
    client.force_login(type(clerk).objects.get(pk=clerk.pk))
    return client.post(f"/api/v1/errands/{made.pk}/submit/", {"reason": ""}, format="json")


# ---------------------------------------------------------------------------------------------
# What people see when the retry is exhausted, or when a deadlock escapes a service


@pytest.mark.usefixtures("flushable_audit")
def test_the_api_answers_409_concurrent_update_when_every_attempt_deadlocks(monkeypatch, pauses):
    park = ParkFactory()
    clerk = staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk)
    _deadlock_every_save(monkeypatch)
    response = _submit_through_the_api(clerk, made)
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_update"
    assert set(response.json()) == {"code", "detail", "requirement"}
    assert len(pauses) == core_db.MAX_ATTEMPTS - 1
    made.refresh_from_db()
    assert made.status == ErrandStatus.DRAFT and made.submitted_at is None
    assert not AuditEvent.objects.filter(action="errand.submit").exists()


@pytest.mark.usefixtures("flushable_audit")
def test_a_page_shows_the_concurrent_update_refusal_inline_when_every_attempt_deadlocks(
    monkeypatch, pauses, client
):
    park = ParkFactory()
    clerk = staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk)
    _deadlock_every_save(monkeypatch)
    client.force_login(clerk)
    response = client.post(reverse("testdomain:transition", args=[made.pk, "submit"]))
    assert response.status_code == 409  # the object's page again, with the refusal on it
    html = response.content.decode()
    assert "数据正被其他操作同时修改" in html and made.title in html
    assert len(pauses) == core_db.MAX_ATTEMPTS - 1
    made.refresh_from_db()
    assert made.status == ErrandStatus.DRAFT
    assert not AuditEvent.objects.filter(action="errand.submit").exists()


def test_a_deadlock_escaping_a_service_is_a_409_in_the_api_not_a_500(monkeypatch, park):
    # Inside the test's transaction the service does not retry: the error reaches the handler.
    clerk = staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk)
    _deadlock_every_save(monkeypatch)
    response = _submit_through_the_api(clerk, made)
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_update"


def test_a_deadlock_escaping_a_service_is_a_friendly_409_page_not_a_500(monkeypatch, client, park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk)
    _deadlock_every_save(monkeypatch)
    client.force_login(clerk)
    response = client.post(reverse("testdomain:transition", args=[made.pk, "submit"]))
    assert response.status_code == 409
    text = response.content.decode()
    assert "同时修改" in text and "没有保存任何内容" in text and "重试" in text


# ---------------------------------------------------------------------------------------------
# The lock order


@pytest.mark.usefixtures("flushable_audit")
def test_a_service_takes_no_global_lock_and_locks_its_row_without_the_key():
    park = ParkFactory()
    clerk = staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk)
    colleague = staff(Role.BUSINESS_STAFF, park)
    with CaptureQueriesContext(connection) as ctx:
        services.errand_assign(actor=clerk, errand=made, assignee=colleague)
    sqls = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        # Writers run in parallel since the audit chain is sealed after commit (D44): no
        # advisory lock in the service's transaction (the sealer's is taken after COMMIT).
        service_sqls = sqls[: sqls.index("COMMIT")]
        assert service_sqls[0] == "BEGIN", sqls[:3]
        assert not [s for s in service_sqls if "advisory" in s], service_sqls
        locking = [s for s in sqls if "FOR " in s and "UPDATE" in s]
        # The errand row only — never a joined row — and no key lock, so other transactions'
        # foreign-key checks on it do not wait.
        assert locking and all(
            s.endswith('FOR NO KEY UPDATE OF "testdomain_errand"') for s in locking
        ), locking
    else:
        assert sqls[0] == "BEGIN IMMEDIATE", sqls[:3]
    assert Errand.objects.get(pk=made.pk).assignee == colleague


def _lose_a_unique_race():
    """What PostgreSQL raises when a concurrent transaction committed the same key first."""
    with connection.cursor() as cursor:
        cursor.execute("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '23505'; END $$")


@pytest.mark.postgres
@pytest.mark.usefixtures("flushable_audit")
def test_a_lost_check_then_insert_race_is_retried_and_a_persistent_one_is_raised(pauses):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: no such race")
    calls = []

    @core_db.service
    def insert(failures):
        calls.append(1)
        audit.record(None, "errand.note", None, after={"attempt": len(calls)})
        if len(calls) <= failures:
            _lose_a_unique_race()
        return len(calls)

    assert insert(1) == 2  # the re-run's check would now see the winner's row
    assert list(AuditEvent.objects.values_list("after", flat=True)) == [{"attempt": 2}]
    calls.clear()
    with pytest.raises(IntegrityError):  # still there after every attempt: a bug, not a race
        insert(99)
    assert len(calls) == core_db.MAX_ATTEMPTS
    assert not core_db.is_transient(IntegrityError("x"))  # pages never call it a retry


_PARKFLOW = Path(__file__).resolve().parents[2]


def _source_files():
    for path in sorted(_PARKFLOW.rglob("*.py")):
        parts = set(path.relative_to(_PARKFLOW).parts)
        if "tests" in parts or "management" in parts or "migrations" in parts:
            continue
        yield path


def test_every_write_service_follows_the_lock_order_no_bare_atomic_or_row_lock():
    """The rule for every domain still to come: ``@service``, never ``@transaction.atomic``
    (which would never retry a deadlock); row locks are
    ``select_for_update(of=("self",), no_key=True)``."""
    offenders = []
    for path in _source_files():
        if path.name == "db.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(r"\s*@transaction\.atomic\b", line):
                offenders.append(f"{path.relative_to(_PARKFLOW)}:{number}: {line.strip()}")
        for match in re.finditer(r"select_for_update\(((?:[^()]|\([^()]*\))*)\)", text):
            if 'of=("self",)' not in match.group(1) or "no_key=True" not in match.group(1):
                number = text[: match.start()].count("\n") + 1
                offenders.append(f"{path.relative_to(_PARKFLOW)}:{number}: {match.group(0)}")
    assert offenders == []
