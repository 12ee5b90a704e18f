"""R-PLT-1: the audit trail is a hash chain that the database protects and verification checks.

Events are appended without a lock and sealed after commit into one verifiable order (D44):
each seal's hash covers the event's content hash and every seal before it. These tests prove the
order and the links, that the database refuses to change either table, that verification names
the first event that was tampered with, deleted or slipped in, that a code nobody registered is
refused, and — on PostgreSQL, with real concurrent transactions through a real service — that
writers do not wait for one another and still leave one unbroken, gap-free chain.
"""

import importlib
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from parkflow.core import audit, audit_actions
from parkflow.core.models import AuditEvent, AuditPending, AuditSeal
from parkflow.org.tests.factories import ParkFactory, UserFactory


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def chain(db):
    actor = UserFactory()
    park = ParkFactory()
    events = [
        audit.record(actor, "errand.note", park, after={"name": park.name, "n": i}, reason="测试")
        for i in range(5)
    ]
    audit.seal_pending()
    return events


def _disable_append_only_triggers():
    """Simulate an attacker with DDL rights, to prove verification catches what the triggers
    would have stopped."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        _raw("ALTER TABLE core_auditseal DISABLE TRIGGER core_auditseal_append_only")
    else:
        for name in ("auditevent_no_update", "auditevent_no_delete", "auditseal_no_update",
                     "auditseal_no_delete"):  # fmt: skip
            _raw(f"DROP TRIGGER core_{name}")


# ---------------------------------------------------------------------------------------------
# The order and the links


def test_each_event_is_sealed_once_in_order_and_each_seal_links_to_the_previous_one(chain):
    seals = list(AuditSeal.objects.filter(event__in=chain).order_by("seq"))
    assert [s.event_id for s in seals] == [e.pk for e in chain]
    assert [s.seq for s in seals] == list(range(seals[0].seq, seals[0].seq + 5))
    previous = AuditSeal.objects.filter(seq=seals[0].seq - 1).first()
    chain_hash = previous.hash if previous else audit.GENESIS_HASH
    for seal, event in zip(seals, chain, strict=True):
        assert seal.leaf == event.hash == audit.content_hash(event)
        assert seal.hash == audit.link(chain_hash, event.pk, event.hash)
        chain_hash = seal.hash
    assert not AuditPending.objects.exists()
    assert audit.verify_chain().ok


def test_an_event_is_queued_for_the_sealer_in_its_own_transaction_and_sealed_after(db):
    event = audit.record(None, "errand.note", ParkFactory(), after={"n": 1})
    assert AuditPending.objects.filter(event_id=event.pk).exists()  # the trigger queued it
    assert not AuditSeal.objects.filter(event=event).exists()
    assert audit.seal_pending() == 1
    assert AuditSeal.objects.filter(event=event).exists()
    assert audit.seal_pending() == 0  # sealed once


def test_record_takes_no_lock_and_reads_nothing_one_insert(db, django_assert_max_num_queries):
    park = ParkFactory()
    audit.record(None, "errand.note", park)  # the content type is cached after the first
    with django_assert_max_num_queries(1) as captured:
        audit.record(None, "errand.note", park, after={"n": 2})
    assert captured.captured_queries[0]["sql"].startswith("INSERT INTO core_auditevent")


def test_event_round_trips_through_the_database_and_still_verifies(chain):
    stored = AuditEvent.objects.select_related("content_type").get(pk=chain[2].pk)
    assert audit.content_hash(stored) == stored.hash
    # The JSON is stored as the very text that was hashed (json, not jsonb, on PostgreSQL).
    cast = "::text" if connection.vendor == "postgresql" else ""
    [(text,)] = _fetch(f"SELECT after{cast} FROM core_auditevent WHERE id = %s", [stored.pk])  # noqa: S608
    assert text == audit.canonical(stored.after) == audit.canonical(chain[2].after)


def test_snapshot_and_chinese_text_survive_canonical_serialisation(db):
    park = ParkFactory(name="苏州工业园“星湖”片区")
    event = audit.record(
        None, "errand.note", park, before={"name": "旧名"}, after=audit.snapshot(park)
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.after["name"] == "苏州工业园“星湖”片区"
    assert stored.actor_name == "系统"
    assert audit.verify_chain().ok


# ---------------------------------------------------------------------------------------------
# Typed, registered codes


def test_an_unregistered_action_code_is_refused_and_nothing_is_written(db):
    before = AuditEvent.objects.count()
    with pytest.raises(audit_actions.UnknownAuditAction) as refused:
        audit.record(None, "errand.teleport", ParkFactory())
    assert "errand.teleport" in str(refused.value) and "audit_actions.py" in str(refused.value)
    assert AuditEvent.objects.count() == before


def test_a_registered_action_object_is_accepted_as_its_code(db):
    action = audit_actions.REGISTRY["errand.note"]
    event = audit.record(None, action, ParkFactory(), after={"n": 1})
    assert event.action == "errand.note"
    assert audit_actions.label(event.action) == str(action.label)


@pytest.mark.parametrize("bad", [["a"], "text", 3])
def test_before_and_after_must_be_dicts(db, bad):
    with pytest.raises(TypeError):
        audit.record(None, "errand.note", ParkFactory(), after=bad)


def test_record_many_writes_events_in_one_statement_and_they_seal_in_order(
    db, django_assert_max_num_queries
):
    park = ParkFactory()
    audit.record(None, "errand.note", park)
    built = [audit.build(None, "errand.note", park, after={"i": i}) for i in range(50)]
    with django_assert_max_num_queries(1):
        written = audit.record_many(built)
    assert all(e.pk for e in written)
    audit.seal_pending()
    assert list(
        AuditSeal.objects.filter(event__in=written).order_by("seq").values_list("event", flat=True)
    ) == [e.pk for e in written]
    assert audit.verify_chain().ok


# ---------------------------------------------------------------------------------------------
# The database refuses changes; verification names what an owner did anyway


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


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditseal SET hash = leaf WHERE event_id = %s",
        "DELETE FROM core_auditseal WHERE event_id = %s",
    ],
    ids=["update", "delete"],
)
def test_database_refuses_to_change_or_delete_a_seal(chain, sql):
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(sql, [chain[1].pk])
    assert AuditSeal.objects.filter(event=chain[1]).exists()


def test_verify_names_the_first_event_whose_content_was_tampered(chain):
    _disable_append_only_triggers()
    _raw("UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [chain[2].pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_event_id == chain[2].pk
    assert "篡改" in report.problem


def test_verify_names_an_edit_of_the_stored_json_text(chain):
    _disable_append_only_triggers()
    _raw(
        "UPDATE core_auditevent SET after = %s WHERE id = %s",
        ['{"n":1,"name":"改过"}', chain[1].pk],
    )
    assert audit.verify_chain().broken_event_id == chain[1].pk


def test_verify_names_a_deleted_event_whose_seal_is_left(chain):
    _disable_append_only_triggers()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])
    report = audit.verify_chain()
    assert report.broken_event_id == chain[1].pk
    assert "已被删除" in report.problem


def test_verify_names_the_event_after_a_deleted_one_and_its_seal(chain):
    _disable_append_only_triggers()
    _raw("DELETE FROM core_auditseal WHERE event_id = %s", [chain[1].pk])
    _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_event_id == chain[2].pk


def test_verify_detects_a_rewritten_hash(chain):
    _disable_append_only_triggers()
    _raw("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, chain[4].pk])
    report = audit.verify_chain()
    assert report.broken_event_id == chain[4].pk


def test_verify_detects_two_events_swapped_in_the_order(chain):
    _disable_append_only_triggers()
    a, b = AuditSeal.objects.get(event=chain[1]), AuditSeal.objects.get(event=chain[2])
    _raw("UPDATE core_auditseal SET event_id = %s, leaf = %s WHERE seq = %s", [0, "x", a.seq])
    _raw(
        "UPDATE core_auditseal SET event_id = %s, leaf = %s WHERE seq = %s",
        [a.event_id, a.leaf, b.seq],
    )
    _raw(
        "UPDATE core_auditseal SET event_id = %s, leaf = %s WHERE seq = %s",
        [b.event_id, b.leaf, a.seq],
    )
    assert audit.verify_chain().broken_event_id == chain[2].pk


def test_an_event_slipped_in_without_a_seal_is_named(chain):
    """Inserted behind the application's back with the queue trigger off: not in the chain."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_enqueue")
    else:
        _raw("DROP TRIGGER core_auditevent_enqueue")
    forged = audit.build(None, "errand.note", ParkFactory(), after={"forged": True})
    forged.save(force_insert=True)
    report = audit.verify_chain()
    assert report.broken_event_id == forged.pk
    assert "不在哈希链中" in report.problem


def test_a_fork_in_the_chain_is_refused_by_the_database(chain):
    head = AuditSeal.objects.order_by("-seq").first()
    extra = audit.record(None, "errand.note", ParkFactory())
    with pytest.raises(DatabaseError), transaction.atomic():  # a second seal at the same place
        AuditSeal.objects.create(seq=head.seq, event=extra, leaf=extra.hash, hash="e" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():  # an event sealed twice
        AuditSeal.objects.create(seq=head.seq + 10, event=chain[0], leaf="e", hash="e" * 64)


# ---------------------------------------------------------------------------------------------
# Events written before the seals (D4) keep verifying


def _old_chain_event(park, prev_hash, n):
    event = audit.build(None, "errand.note", park, after={"old": n})
    event.prev_hash = prev_hash
    event.hash = audit.compute_hash(prev_hash, event)
    event.save(force_insert=True)
    return event


def test_events_of_the_old_chain_verify_once_sealed_in_id_order_and_tampering_is_named(db):
    """What migration 0013 does to the events it finds: it seals them in id order with their
    own hash as the leaf. Their old links and hashes are still checked."""
    park = ParkFactory()
    assert not AuditSeal.objects.exists()
    prev, old = audit.GENESIS_HASH, []
    for n in range(3):
        old.append(_old_chain_event(park, prev, n))
        prev = old[-1].hash
    AuditPending.objects.all().delete()  # written before the queue existed
    sealed = importlib.import_module("parkflow.conftest")._migration("audit_sealed_chain")
    assert sealed.seal_existing_events(connection) == 3
    audit.record(None, "errand.note", park, after={"new": True})  # the new kind after them
    assert audit.verify_chain().ok

    _disable_append_only_triggers()
    _raw("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [old[1].pk])
    assert audit.verify_chain().broken_event_id == old[1].pk


# ---------------------------------------------------------------------------------------------
# Concurrency (PostgreSQL): writers through a real service, at the same time


@pytest.mark.postgres
@pytest.mark.usefixtures("flushable_audit")
def test_concurrent_writers_through_a_service_leave_one_gap_free_chain_sealed_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency of the chain is a PostgreSQL property; SQLite serialises writers")
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff
    from parkflow.testdomain import services
    from parkflow.testdomain.tests.factories import errand

    park = ParkFactory()
    clerk = staff(Role.BUSINESS_STAFF, park)
    colleagues = [staff(Role.BUSINESS_STAFF, park) for _ in range(2)]
    errands = [errand(park, clerk) for _ in range(12)]
    before = AuditEvent.objects.count()
    barrier = threading.Barrier(12)
    errors = []

    def writer(n):
        try:
            barrier.wait(timeout=10)
            for i in range(5):
                services.errand_assign(actor=clerk, errand=errands[n], assignee=colleagues[i % 2])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.count() == before + 60
    audit.seal_pending()
    assert not AuditPending.objects.exists()
    seqs = list(AuditSeal.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no double
    assert len(seqs) == AuditEvent.objects.count()  # every event sealed exactly once
    report = audit.verify_chain()
    assert report.ok, report


@pytest.mark.postgres
@pytest.mark.usefixtures("flushable_audit")
def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    """The old chain lock was held until COMMIT: a second writer waited for the first one's
    whole transaction. Now a writer's INSERT goes through while another transaction that has
    written an event is still open, and the chain is sealed in commit order afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: SQLite has one writer at a time")
    park = ParkFactory()
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    ids = {}

    def slow_writer():
        try:
            with transaction.atomic():
                ids["slow"] = audit.record(None, "errand.note", park, after={"who": "slow"}).pk
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert holding.wait(timeout=10)
    try:
        with connection.cursor() as cursor:  # a lock wait would fail this statement
            cursor.execute("SET lock_timeout = '2s'")
        fast = audit.record(None, "errand.note", park, after={"who": "fast"})
        done.set()
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert done.is_set() and fast.pk > ids["slow"]  # later id, committed first
    audit.seal_pending()
    order = list(AuditSeal.objects.order_by("seq").values_list("event_id", flat=True))
    assert order.index(fast.pk) < order.index(ids["slow"])  # sealed in commit order
    assert audit.verify_chain().ok
