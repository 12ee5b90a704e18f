"""R-PLT-1: the audit trail is a hash chain that the database protects and a command verifies."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from parkflow.core import audit
from parkflow.core.models import AuditEvent
from parkflow.org.tests.factories import ParkFactory, UserFactory


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain(db):
    actor = UserFactory()
    park = ParkFactory()
    return [
        audit.record(actor, "test.create", park, after={"name": park.name, "n": i}, reason="测试")
        for i in range(5)
    ]


def test_each_event_links_to_the_previous_hash(chain):
    assert (
        chain[0].prev_hash == audit.GENESIS_HASH
        or AuditEvent.objects.filter(hash=chain[0].prev_hash).exists()
    )
    for previous, event in zip(chain, chain[1:], strict=False):
        assert event.prev_hash == previous.hash
    assert audit.verify_chain().ok


def test_event_round_trips_through_the_database_and_still_verifies(chain):
    stored = AuditEvent.objects.get(pk=chain[2].pk)
    assert audit.compute_hash(stored.prev_hash, stored) == stored.hash


def test_database_refuses_update_of_an_audit_event(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [chain[1].pk])
    assert AuditEvent.objects.get(pk=chain[1].pk).reason == "测试"


def test_database_refuses_delete_of_an_audit_event(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])
    assert AuditEvent.objects.filter(pk=chain[1].pk).exists()


def test_orm_delete_of_audit_events_is_refused_too(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[3].pk).delete()
    assert AuditEvent.objects.count() >= 5


def _disable_append_only_triggers():
    """Simulate an attacker with DDL rights, to prove verification catches what the triggers
    would have stopped."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
    else:
        _raw("DROP TRIGGER core_auditevent_no_update")
        _raw("DROP TRIGGER core_auditevent_no_delete")


def test_verify_names_the_first_event_whose_content_was_tampered(chain):
    _disable_append_only_triggers()
    _raw("UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [chain[2].pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_event_id == chain[2].pk
    assert "篡改" in report.problem


def test_verify_names_the_event_after_a_deleted_one(chain):
    _disable_append_only_triggers()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_event_id == chain[2].pk


def test_verify_detects_a_rewritten_hash(chain):
    _disable_append_only_triggers()
    _raw("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, chain[4].pk])
    report = audit.verify_chain()
    assert report.broken_event_id == chain[4].pk


def test_a_fork_in_the_chain_is_refused_by_the_database(chain):
    last = chain[-1]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.create(
            occurred_at=last.occurred_at, action="fork", prev_hash=last.prev_hash, hash="e" * 64
        )


def test_snapshot_and_chinese_text_survive_canonical_serialisation(db):
    park = ParkFactory(name="苏州工业园“星湖”片区")
    event = audit.record(
        None, "park.rename", park, before={"name": "旧名"}, after=audit.snapshot(park)
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.after["name"] == "苏州工业园“星湖”片区"
    assert stored.actor_name == "系统"
    assert audit.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_leave_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency of the chain is a PostgreSQL property; SQLite serialises writers")
    park = ParkFactory()
    before = AuditEvent.objects.count()
    barrier = threading.Barrier(20)
    errors = []

    def writer(n):
        try:
            barrier.wait(timeout=10)
            for i in range(3):
                with transaction.atomic():
                    audit.record(None, "concurrent.write", park, after={"writer": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.count() == before + 60
    report = audit.verify_chain()
    assert report.ok, report
    assert AuditEvent.objects.values("prev_hash").distinct().count() == AuditEvent.objects.count()
