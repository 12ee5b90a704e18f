"""R-PLT-1 / issue 6 §2: the audit chain is anchored outside the database by signed digests.

Every tamper class the hash chain alone cannot see — emptying the table, cutting its tail,
rewriting an event and recomputing every later hash — is named against the digests; digests
that are edited, forged or removed are named too. Attackers are simulated as someone who owns
the table would act (disabling or dropping the triggers inside the test's transaction, which
rolls back with it).
"""

import datetime
import http.server
import io
import json
import socket
import threading
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from parkflow.core import audit, audit_digest, checks
from parkflow.core.models import AuditEvent, AuditSeal, AuditVerification
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

HTMX = {"HTTP_HX_REQUEST": "true"}


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _attacker_disables_the_triggers():
    """What the tables' owner (or someone with the SQLite file) can do: switch the append-only
    guards of the events and their seals off (the queue trigger stays: the application carries
    on writing)."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        _raw("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")
        _raw("ALTER TABLE core_auditseal DISABLE TRIGGER core_auditseal_append_only")
        _raw("ALTER TABLE core_auditseal DISABLE TRIGGER core_auditseal_no_truncate")
    else:
        for name in ("auditevent_no_update", "auditevent_no_delete", "auditseal_no_update",
                     "auditseal_no_delete"):  # fmt: skip
            _raw(f"DROP TRIGGER core_{name}")


def _empty_the_table():
    """Both tables of the chain, as someone who knows the schema would."""
    audit.seal_pending()
    for table in ("core_auditevent", "core_auditseal"):
        if connection.vendor == "postgresql":
            _raw(f"TRUNCATE {table}")
        else:  # SQLite has no TRUNCATE; an unqualified DELETE is its equivalent (and flush's)
            _raw(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def _record(park, n, start=0):
    events = [
        audit.record(None, "errand.note", park, after={"i": i}) for i in range(start, start + n)
    ]
    audit.seal_pending()  # what the writers' commits do outside a test transaction
    return events


def _cut_tail(from_event_id):
    """Remove the newest events and their seals (the tail of the chain)."""
    audit.seal_pending()
    _raw("DELETE FROM core_auditseal WHERE event_id >= %s", [from_event_id])
    _raw("DELETE FROM core_auditevent WHERE id >= %s", [from_event_id])


def _rewrite_and_rehash(event_id, reason):
    """Change one event and recompute its content hash and every later chain hash with the
    public algorithm."""
    audit.seal_pending()
    _raw("UPDATE core_auditevent SET reason = %s WHERE id = %s", [reason, event_id])
    event = AuditEvent.objects.select_related("content_type").get(id=event_id)
    _raw(
        "UPDATE core_auditevent SET hash = %s WHERE id = %s", [audit.content_hash(event), event_id]
    )
    first = AuditSeal.objects.get(event_id=event_id).seq
    previous = AuditSeal.objects.filter(seq=first - 1).first()
    chain = previous.hash if previous else audit.GENESIS_HASH
    for seal in AuditSeal.objects.filter(seq__gte=first).order_by("seq"):
        leaf = AuditEvent.objects.get(id=seal.event_id).hash
        chain = audit.link(chain, seal.event_id, leaf)
        _raw(
            "UPDATE core_auditseal SET leaf = %s, hash = %s WHERE seq = %s", [leaf, chain, seal.seq]
        )


def _kinds(report):
    return [finding.kind for finding in report.findings]


@pytest.fixture
def park(db):
    return ParkFactory()


# ---------------------------------------------------------------------------------------------
# The database refuses to empty the table


def test_emptying_the_audit_table_is_refused_by_the_database(park):
    _record(park, 3)
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        _empty_the_table()
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_test_database_flush_still_works_and_leaves_the_guards_in_place():
    park = ParkFactory()
    _record(park, 3)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    park = ParkFactory()
    _record(park, 2)
    with pytest.raises(DatabaseError), transaction.atomic():
        _empty_the_table()
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE core_auditevent SET reason = 'x'")
    assert AuditEvent.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Tamper classes, named against the digests


def test_untampered_chain_verifies_and_is_anchored_to_the_latest_digest(park):
    _record(park, 3)
    audit_digest.write_digest()
    _record(park, 2, start=3)
    second = audit_digest.write_digest()
    _record(park, 1, start=5)  # events after the last digest are fine

    report = audit_digest.verify()

    assert report.ok, report.findings
    assert report.checked == AuditEvent.objects.count()
    assert report.anchor.sequence == second.sequence == 2
    assert report.digests == 2
    assert report.warnings == []


def test_truncated_table_is_named_against_the_last_digest(park):
    _record(park, 4)
    digest = audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _empty_the_table()

    assert audit.verify_chain().ok  # the chain alone cannot see it
    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.TRUNCATED]
    message = report.findings[0].message
    assert "已被清空（truncated）" in message
    assert "摘要 1" in message and f"记录了 {digest.event_count} 个事件" in message


def test_a_table_emptied_and_written_on_from_a_new_genesis_is_named_truncated(park):
    _record(park, 4)
    digest = audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _empty_the_table()
    _record(park, 2, start=4)  # the application carries on: a fresh chain from genesis

    assert audit.verify_chain().ok
    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.TRUNCATED]
    message = report.findings[0].message
    assert message.startswith("审计表已被清空（truncated）后又写入了 2 个事件")
    assert f"截至事件 #{digest.last_event_id}" in message
    assert report.anchor is None


def test_removed_tail_events_are_named_with_the_expected_count_and_head(park):
    events = _record(park, 5)
    digest = audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _cut_tail(events[3].pk)

    assert audit.verify_chain().ok
    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.TAIL_REMOVED]
    message = report.findings[0].message
    assert "末尾事件被删除（tail removed）" in message
    assert f"至少 {digest.event_count} 个事件" in message
    assert digest.head_hash[:16] in message
    assert f"最后一个是 #{events[2].pk}" in message
    assert report.anchor is None


def test_newest_event_removed_then_appended_over_is_named_as_rewritten_history(park):
    events = _record(park, 3)
    audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _cut_tail(events[-1].pk)
    _record(park, 2, start=3)  # the application carries on from the new head

    assert audit.verify_chain().ok
    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.REWRITTEN]
    assert report.findings[0].message == (
        f"摘要 1 所覆盖的历史被改写：摘要 1 锚定的事件 #{events[-1].pk} 已不存在"
    )


def test_history_rewritten_and_rehashed_is_named_since_the_last_agreeing_digest(park):
    _record(park, 3)
    first = audit_digest.write_digest()
    middle = _record(park, 3, start=3)
    audit_digest.write_digest()
    _record(park, 2, start=6)
    _attacker_disables_the_triggers()
    _rewrite_and_rehash(middle[1].pk, "改写过的原因")

    assert audit.verify_chain().ok  # every link recomputed: the chain alone agrees
    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.REWRITTEN]
    message = report.findings[0].message
    assert message.startswith("自摘要 1 以来历史被改写：摘要 2")
    assert f"#{middle[-1].pk}" in message
    assert report.anchor.sequence == first.sequence


def test_history_rewritten_before_the_first_digest_is_named(park):
    events = _record(park, 3)
    audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _rewrite_and_rehash(events[0].pk, "改写过的原因")

    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.REWRITTEN]
    assert report.findings[0].message.startswith("摘要 1 所覆盖的历史被改写")


def test_an_unrehashed_edit_is_still_named_at_the_first_broken_event(park):
    events = _record(park, 3)
    audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _raw("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [events[1].pk])

    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.CHAIN_BROKEN]
    assert report.broken_event_id == events[1].pk
    assert "事件被篡改" in report.findings[0].message


@pytest.mark.parametrize("how", ["edited", "other-key"])
def test_an_edited_or_forged_digest_is_named_as_an_invalid_signature(park, settings, how):
    _record(park, 3)
    digest = audit_digest.write_digest()
    if how == "edited":
        data = json.loads(digest.path.read_text())
        data["event_count"] = 2
        digest.path.write_text(json.dumps(data))
    else:  # someone without our key signs their own
        settings.PARKFLOW_AUDIT_DIGEST_KEY = "not-the-real-key"

    report = audit_digest.verify()

    assert audit_digest.FORGED in _kinds(report)
    assert f"摘要签名无效：{digest.path.name}" in report.problem
    assert report.anchor is None


def test_a_removed_digest_file_is_named(park):
    for i in range(3):
        _record(park, 1, start=i)
        audit_digest.write_digest()
    second = sorted(audit_digest.digest_dir().glob("digest-000002-*.json"))[0]
    second.unlink()

    report = audit_digest.verify()

    assert _kinds(report) == [audit_digest.MISSING]
    assert report.findings[0].message.startswith("摘要 2 缺失")


def test_a_stale_latest_digest_is_a_warning_not_a_failure(park):
    _record(park, 1)
    with time_machine.travel(datetime.datetime(2026, 11, 28, 8, 0, tzinfo=datetime.UTC)):
        audit_digest.write_digest()
    with time_machine.travel(datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)):
        report = audit_digest.verify()
    assert report.ok
    assert report.warnings and "已超过 3 小时" in report.warnings[0]


# ---------------------------------------------------------------------------------------------
# Writing digests


def test_digests_chain_by_signature_and_the_key_file_is_private(park, settings):
    _record(park, 2)
    first = audit_digest.write_digest()
    second = audit_digest.write_digest()

    assert second.body["previous_signature"] == first.signature
    assert first.path.name.startswith("digest-000001-") and first.path.parent.name == (
        "audit-digests"
    )
    stored = json.loads(second.path.read_text())
    head = AuditSeal.objects.order_by("-seq").first()
    assert stored["event_count"] == AuditEvent.objects.count() == head.seq
    assert stored["head_hash"] == head.hash and stored["last_event_id"] == head.event_id
    assert stored["format"] == audit_digest.FORMAT
    key_file = settings.PARKFLOW_AUDIT_DIGEST_KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64
    assert not AuditEvent.objects.filter(after__icontains=key).exists()


def test_a_key_from_the_environment_wins_and_no_key_file_is_made(park, settings):
    settings.PARKFLOW_AUDIT_DIGEST_KEY = "k" * 48
    _record(park, 1)
    audit_digest.write_digest()
    assert not settings.PARKFLOW_AUDIT_DIGEST_KEY_FILE.exists()
    assert audit_digest.verify().ok


def test_no_digest_is_signed_over_a_chain_that_disagrees_with_the_last_one(park):
    events = _record(park, 4)
    audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _cut_tail(events[-1].pk)

    with pytest.raises(audit_digest.DigestRefused) as refused:
        audit_digest.write_digest()

    assert audit_digest.TAIL_REMOVED in [f.kind for f in refused.value.findings]
    assert len(list(audit_digest.digest_dir().glob("digest-*.json"))) == 1
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("write_audit_digest", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "末尾事件被删除" in err.getvalue()


def test_no_digest_is_signed_over_a_broken_segment_since_the_last_one(park):
    _record(park, 2)
    audit_digest.write_digest()
    later = _record(park, 2, start=2)
    _attacker_disables_the_triggers()
    _raw("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [later[0].pk])

    with pytest.raises(audit_digest.DigestRefused) as refused:
        audit_digest.write_digest()

    assert [f.kind for f in refused.value.findings] == [audit_digest.CHAIN_BROKEN]


def test_the_worker_writes_a_digest_every_hour_and_alerts_instead_of_signing_tampering(
    park, caplog
):
    from parkflow.core import tasks

    on_the_hour = datetime.datetime(2026, 11, 28, 9, 0)
    assert tasks.write_audit_digest.task_class().validate_datetime(on_the_hour)
    assert not tasks.write_audit_digest.task_class().validate_datetime(
        on_the_hour.replace(minute=30)
    )
    events = _record(park, 2)
    tasks.write_audit_digest.call_local()
    assert [d.sequence for d in audit_digest.read_digests()] == [1]

    _attacker_disables_the_triggers()
    _cut_tail(events[-1].pk)
    tasks.write_audit_digest.call_local()  # does not raise: it alerts

    assert [d.sequence for d in audit_digest.read_digests()] == [1]
    assert any(
        r.levelname == "ERROR" and "disagrees with its last digest" in r.getMessage()
        for r in caplog.records
    )


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_digest_is_posted_to_the_webhook_and_mailed_to_the_recipients(park, settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    settings.PARKFLOW_AUDIT_DIGEST_WEBHOOK = f"http://127.0.0.1:{server.server_port}/digests"
    settings.PARKFLOW_AUDIT_DIGEST_EMAILS = ["audit@park.example", "board@park.example"]
    _record(park, 2)
    try:
        digest = audit_digest.write_digest()
    finally:
        thread.join(timeout=10)
        server.server_close()

    stored = json.loads(digest.path.read_text())
    assert _Collector.received == [("application/json", stored)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["audit@park.example", "board@park.example"]
    assert stored["signature"] in mail.outbox[0].body


@pytest.mark.parametrize("target", ["closed-port", "not-http"])
def test_a_failed_delivery_is_logged_and_the_digest_is_still_written(
    park, settings, caplog, target
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PARKFLOW_AUDIT_DIGEST_WEBHOOK = (
        f"http://127.0.0.1:{port}/digests" if target == "closed-port" else "file:///etc/passwd"
    )
    _record(park, 1)

    digest = audit_digest.write_digest()

    assert digest.path.exists()
    assert any(r.levelname == "ERROR" and "not delivered" in r.getMessage() for r in caplog.records)
    assert audit_digest.verify().ok


# ---------------------------------------------------------------------------------------------
# verify_audit and the audit page


def test_verify_audit_prints_ok_and_the_anchor(park):
    _record(park, 2)
    audit_digest.write_digest()
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == f"OK: {AuditEvent.objects.count()} events verified"
    assert lines[1].startswith("已锚定到摘要 1（")


def test_verify_audit_names_a_truncation_in_chinese_and_exits_1(park):
    _record(park, 2)
    audit_digest.write_digest()
    _attacker_disables_the_triggers()
    _empty_the_table()

    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)

    assert exit_info.value.code == 1
    assert "BROKEN: 审计表已被清空（truncated）" in err.getvalue()


@pytest.fixture
def auditor(db):
    return staff(Role.AUDITOR, OrgUnitFactory(name="园区运营公司"))


def test_audit_page_shows_the_anchor_and_verify_names_the_removed_tail(
    client, auditor, park, django_capture_on_commit_callbacks
):
    events = _record(park, 3)
    audit_digest.write_digest()
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "已锚定到外部摘要 1" in html
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs it after commit
        html = client.post(reverse("core:audit_verify"), **HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in html and "排队中" in html  # the request walks nothing
    first = AuditVerification.objects.get()
    html = client.get(reverse("core:audit_verification", args=[first.pk]), **HTMX).content.decode()
    assert "哈希链完整" in html and "已锚定到摘要 1" in html
    assert "every 1s" not in html  # finished: the page stops polling

    _attacker_disables_the_triggers()  # cuts the tail: the last event and the verification
    _cut_tail(events[-1].pk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:audit_verify"), **HTMX)
    second = AuditVerification.objects.exclude(pk=first.pk).get()
    html = client.get(reverse("core:audit_verification", args=[second.pk])).content.decode()

    # The verification's own request was appended after the cut: digest 1's anchor is gone,
    # and the checkpoint of the first verification no longer holds.
    assert "审计链与签名摘要不一致" in html
    assert f"摘要 1 所覆盖的历史被改写：摘要 1 锚定的事件 #{events[-1].pk} 已不存在" in html
    assert "检查点（截至第 4 个事件" in html
    verified = AuditEvent.objects.get(action="audit.verify")  # the first one was cut away
    assert verified.after["ok"] is False
    assert verified.after["findings"] == [audit_digest.CHECKPOINT, audit_digest.REWRITTEN]
    listed = client.get(reverse("core:audit"), {"action": "audit."}).content.decode()
    assert "与签名摘要不一致" in listed and "#None" not in listed


def test_audit_page_flags_a_latest_digest_with_an_invalid_signature(client, auditor, park):
    _record(park, 1)
    digest = audit_digest.write_digest()
    data = json.loads(digest.path.read_text())
    data["head_hash"] = "0" * 64
    digest.path.write_text(json.dumps(data))
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "最新的外部摘要 1 签名无效" in html
    assert "已锚定到外部摘要" not in html


def test_audit_page_warns_when_nothing_is_anchored_yet(client, auditor):
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "哈希链尚未锚定到数据库之外" in html


# ---------------------------------------------------------------------------------------------
# Deployment checks


def test_deploy_check_warns_until_a_digest_key_exists(park):
    assert [w.id for w in checks.audit_digest_key()] == ["parkflow.W003"]
    audit_digest.write_digest()  # makes the key file
    assert checks.audit_digest_key() == []


def test_deploy_check_warns_about_a_short_digest_key(settings):
    settings.PARKFLOW_AUDIT_DIGEST_KEY = "short"
    assert [w.id for w in checks.audit_digest_key()] == ["parkflow.W004"]
    settings.PARKFLOW_AUDIT_DIGEST_KEY = "k" * 64
    assert checks.audit_digest_key() == []


@pytest.mark.postgres
def test_deploy_check_warns_when_the_app_connects_as_superuser_owner(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are a PostgreSQL matter")
    ids = [w.id for w in checks.audit_database_role()]
    assert ids == ["parkflow.W001", "parkflow.W002"]  # the test suite connects as postgres


@pytest.mark.postgres
def test_the_documented_app_role_passes_the_check_and_cannot_erase_the_trail(park):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are a PostgreSQL matter")
    _record(park, 2)
    role = f"parkflow_app_{uuid.uuid4().hex[:10]}"
    # The grants of docs/deployment.md, made inside the test's transaction (rolled back).
    _raw(f"CREATE ROLE {role} NOLOGIN")
    _raw(f"GRANT USAGE ON SCHEMA public TO {role}")
    _raw(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    _raw(f"REVOKE UPDATE, DELETE ON core_auditevent, core_auditseal FROM {role}")
    _raw(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    before = AuditEvent.objects.count()
    _raw(f"SET LOCAL ROLE {role}")
    try:
        assert checks.audit_database_role() == []
        audit.record(None, "errand.note", park)  # the app can still append
        assert audit.seal_pending() == 1  # and seal (insert seals, empty the queue)
        for sql in [
            "TRUNCATE core_auditevent",
            "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
            "DROP TRIGGER core_auditevent_no_truncate ON core_auditevent",
            "DELETE FROM core_auditevent",
            "TRUNCATE core_auditseal",
            "ALTER TABLE core_auditseal DISABLE TRIGGER USER",
            "DELETE FROM core_auditseal",
            "UPDATE core_auditseal SET hash = leaf",
        ]:
            with pytest.raises(DatabaseError), transaction.atomic():
                _raw(sql)
    finally:
        _raw("RESET ROLE")
    assert AuditEvent.objects.count() == before + 1
    assert audit.verify_chain().ok
