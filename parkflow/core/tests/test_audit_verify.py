"""R-PLT-1 / issue 8 §7: the audit chain is verified in the background, from the last checkpoint.

The page's button queues a verification and shows its progress; the request walks nothing. A
verification resumes from the latest signed checkpoint, re-checks that checkpoint against the
chain (a history rewritten before it and re-hashed forward is caught there, then the whole chain
is walked), checks everything after it event by event, and leaves a new signed checkpoint. A
checkpoint forged in the database is not believed.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from parkflow.core import audit, audit_digest, audit_verify, clock
from parkflow.core.choices import VerificationKind, VerificationStatus
from parkflow.core.models import AuditEvent, AuditSeal, AuditVerification
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

HTMX = {"HTTP_HX_REQUEST": "true"}


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _attacker_disables_the_triggers():
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        _raw("ALTER TABLE core_auditseal DISABLE TRIGGER core_auditseal_append_only")
    else:
        for name in ("auditevent_no_update", "auditevent_no_delete", "auditseal_no_update",
                     "auditseal_no_delete"):  # fmt: skip
            _raw(f"DROP TRIGGER core_{name}")


def _rewrite_and_rehash(event_id, reason):
    """Change one event, recompute its content hash and every later chain hash."""
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


@pytest.fixture
def auditor(db):
    return staff(Role.AUDITOR, OrgUnitFactory(name="园区运营公司"))


@pytest.fixture
def park(db):
    return ParkFactory()


def _record(park, n, start=0):
    events = [
        audit.record(None, "errand.note", park, after={"i": i}) for i in range(start, start + n)
    ]
    audit.seal_pending()
    return events


def _verify(actor=None, *, full=False):
    """Start a verification and run it, as the worker does after the request's commit."""
    run = audit_verify.start(actor=actor, full=full)
    return audit_verify.run(run.pk)


# ---------------------------------------------------------------------------------------------
# The page: the request queues, the worker walks, the page polls


def test_the_verify_button_queues_a_job_and_the_request_walks_nothing(
    client, auditor, park, monkeypatch
):
    _record(park, 3)
    client.force_login(auditor)

    def walked(*args, **kwargs):
        raise AssertionError("the request walked the chain")

    monkeypatch.setattr(audit_digest, "verify", walked)
    html = client.post(reverse("core:audit_verify"), **HTMX).content.decode()

    run = AuditVerification.objects.get()
    assert run.status == VerificationStatus.QUEUED and run.requested_by == auditor
    assert f'hx-get="{reverse("core:audit_verification", args=[run.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    assert "排队中" in html and "等待后台任务开始" in html
    request = AuditEvent.objects.get(action="audit.verify_request")  # who asked is audited
    assert request.actor == auditor and request.after == {"run": run.pk, "kind": "incremental"}


def test_without_htmx_the_button_leads_to_the_verification_page(client, auditor, park):
    client.force_login(auditor)
    response = client.post(reverse("core:audit_verify"), {"full": "1"})
    run = AuditVerification.objects.get()
    assert run.kind == VerificationKind.FULL
    assert response.status_code == 302
    assert response["Location"] == reverse("core:audit_verification", args=[run.pk])
    html = client.get(response["Location"]).content.decode()
    assert f"哈希链验证 #{run.pk}" in html and "完整验证" in html
    assert 'href="/audit/"' in html  # breadcrumb back to the audit page


def test_the_progress_shows_a_bar_with_counts_in_chinese_and_stops_polling_when_done(
    client, auditor, park
):
    run = AuditVerification.objects.create(
        kind=VerificationKind.INCREMENTAL,
        status=VerificationStatus.RUNNING,
        requested_by=auditor,
        requested_at=clock.now(),
        started_at=clock.now(),
        from_seq=0,
        to_seq=1_000_000,
        checked=250_000,
    )
    client.force_login(auditor)
    url = reverse("core:audit_verification", args=[run.pk])
    html = client.get(url, **HTMX).content.decode()
    assert '<progress class="import-progress" max="100" value="25"' in html
    assert "250000 / 1000000 个事件（25%）" in html and "正在逐一核对" in html
    assert 'hx-trigger="every 1s"' in html
    assert "验证中" in html  # the coloured status tag

    AuditVerification.objects.filter(pk=run.pk).update(
        status=VerificationStatus.OK, checked=1_000_000, finished_at=clock.now()
    )
    html = client.get(url, **HTMX).content.decode()
    assert "哈希链完整" in html and "every 1s" not in html and "<progress" not in html


def test_the_audit_page_shows_a_running_verification_and_else_the_last_result(
    client, auditor, park
):
    _record(park, 2)
    client.force_login(auditor)
    running = audit_verify.start(actor=auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert 'hx-trigger="every 1s"' in html  # the page picks the polling up again
    audit_verify.run(running.pk)
    html = client.get(reverse("core:audit")).content.decode()
    assert "上次验证" in html and "查看结果" in html and "every 1s" not in html


def test_a_second_click_while_one_runs_returns_the_same_job(auditor, park):
    first = audit_verify.start(actor=auditor)
    assert audit_verify.start(actor=auditor, full=True) == first
    assert AuditVerification.objects.count() == 1


def test_a_job_whose_worker_was_lost_is_marked_failed_and_a_new_one_starts(auditor, park):
    first = audit_verify.start(actor=auditor)
    AuditVerification.objects.filter(pk=first.pk).update(
        requested_at=clock.now() - audit_verify.STALE_AFTER * 2
    )
    second = audit_verify.start(actor=auditor)
    assert second != first
    first.refresh_from_db()
    assert first.status == VerificationStatus.FAILED


def test_only_auditors_and_administrators_may_start_one(park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    from parkflow.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        audit_verify.start(actor=clerk)
    assert not AuditVerification.objects.exists()


def test_a_job_that_fails_is_shown_as_not_finished_and_alerted(
    client, auditor, park, monkeypatch, caplog
):
    run = audit_verify.start(actor=auditor)

    def broken(**kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(audit_digest, "verify", broken)
    audit_verify.run(run.pk)
    run.refresh_from_db()
    assert run.status == VerificationStatus.FAILED and "disk gone" in run.error
    client.force_login(auditor)
    html = client.get(reverse("core:audit_verification", args=[run.pk]), **HTMX).content.decode()
    assert "验证未能完成" in html
    assert any("verification" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


# ---------------------------------------------------------------------------------------------
# Incremental from the checkpoint


def test_a_verification_resumes_from_the_signed_checkpoint_and_walks_only_what_is_new(
    auditor, park
):
    _record(park, 20)
    first = _verify(auditor, full=True)
    assert first.status == VerificationStatus.OK and first.signature
    assert first.from_seq == 0 and first.checked == first.to_seq
    _record(park, 5, start=20)

    second = _verify(auditor)

    assert second.status == VerificationStatus.OK
    assert second.from_seq == first.to_seq  # resumed there …
    assert second.checked == second.to_seq - first.to_seq < 10  # … and walked only the rest
    event = AuditEvent.objects.filter(action="audit.verify").order_by("-id").first()
    assert event.actor == auditor and event.after["ok"] and event.after["from_seq"] == first.to_seq


def test_an_edit_after_the_checkpoint_is_named(auditor, park):
    _record(park, 5)
    _verify(auditor, full=True)
    later = _record(park, 3, start=5)
    _attacker_disables_the_triggers()
    _raw("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [later[1].pk])

    run = _verify(auditor)

    assert run.status == VerificationStatus.BROKEN
    assert run.broken_event_id == later[1].pk
    assert run.from_seq > 0  # it did resume: the break is after the checkpoint
    assert "事件被篡改" in run.findings[0]["message"]


def test_history_rewritten_before_the_checkpoint_and_rehashed_forward_is_caught(auditor, park):
    early = _record(park, 5)
    checkpoint = _verify(auditor, full=True)
    _record(park, 2, start=5)
    _attacker_disables_the_triggers()
    _rewrite_and_rehash(early[2].pk, "改写过的原因")
    assert audit.verify_chain().ok  # every link recomputed: the chain alone agrees

    run = _verify(auditor)

    assert run.status == VerificationStatus.BROKEN
    kinds = [f["kind"] for f in run.findings]
    assert kinds == [audit_digest.CHECKPOINT]
    assert f"截至第 {checkpoint.to_seq} 个事件" in run.findings[0]["message"]
    assert run.from_seq == 0 and run.checked == run.to_seq  # then it walked everything


def test_an_event_deleted_before_the_checkpoint_is_named(auditor, park):
    early = _record(park, 5)
    _verify(auditor, full=True)
    _record(park, 2, start=5)
    _attacker_disables_the_triggers()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [early[1].pk])

    run = _verify(auditor)

    assert run.status == VerificationStatus.BROKEN and run.from_seq > 0
    assert run.broken_event_id == early[1].pk
    assert "已被删除" in run.findings[0]["message"]


def test_an_in_place_edit_before_the_checkpoint_is_left_to_the_full_verification(auditor, park):
    """What an incremental verification does not re-read (D44): the content of events before
    its checkpoint. The full one — on the page, and every night — names it."""
    early = _record(park, 5)
    _verify(auditor, full=True)
    _attacker_disables_the_triggers()
    _raw("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [early[1].pk])

    assert _verify(auditor).status == VerificationStatus.OK
    full = _verify(auditor, full=True)
    assert full.status == VerificationStatus.BROKEN and full.broken_event_id == early[1].pk


def test_a_checkpoint_forged_in_the_database_is_not_believed(auditor, park):
    _record(park, 3)
    genuine = _verify(auditor, full=True)  # signed with the key, which is not in the database
    later = _record(park, 3, start=3)
    _attacker_disables_the_triggers()
    _raw("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [later[1].pk])
    head = AuditSeal.objects.order_by("-seq").first()
    # Someone with the database but not the key claims the chain was verified up to its head.
    AuditVerification.objects.create(
        kind=VerificationKind.FULL,
        status=VerificationStatus.OK,
        requested_at=clock.now(),
        finished_at=clock.now(),
        to_seq=head.seq,
        head_hash=head.hash,
        head_event_id=head.event_id,
        signature="0" * 64,
    )
    assert audit_verify.latest_checkpoint().seq == genuine.to_seq  # the forged one is passed over

    run = _verify(auditor)

    assert run.from_seq == genuine.to_seq and run.broken_event_id == later[1].pk


def test_a_checkpoint_needs_the_key_and_is_bound_to_its_run(auditor, park, settings):
    _record(park, 3)
    good = _verify(auditor, full=True)
    checkpoint = audit_verify.latest_checkpoint()
    assert (checkpoint.seq, checkpoint.hash) == (good.to_seq, good.head_hash)
    AuditVerification.objects.filter(pk=good.pk).update(to_seq=good.to_seq + 1)  # edited
    assert audit_verify.latest_checkpoint() is None
    AuditVerification.objects.filter(pk=good.pk).update(to_seq=good.to_seq)
    settings.PARKFLOW_AUDIT_DIGEST_KEY = "another-key-" * 4  # other key: not ours
    assert audit_verify.latest_checkpoint() is None


# ---------------------------------------------------------------------------------------------
# The command and the worker


def test_verify_audit_resumes_from_the_checkpoint_with_incremental(auditor, park):
    _record(park, 4)
    run = _verify(auditor, full=True)
    _record(park, 2, start=4)
    out = io.StringIO()
    call_command("verify_audit", "--incremental", stdout=out, stderr=io.StringIO())
    first = out.getvalue().splitlines()[0]
    assert first.startswith("OK: ") and f"since checkpoint {run.to_seq}" in first


def test_the_worker_runs_a_full_verification_every_night(park):
    from parkflow.core import tasks

    night = __import__("datetime").datetime(2026, 11, 28, 2, 30)
    assert tasks.verify_audit_chain_nightly.task_class().validate_datetime(night)
    _record(park, 3)
    tasks.verify_audit_chain_nightly.call_local()
    run = AuditVerification.objects.get()
    assert run.kind == VerificationKind.FULL and run.status == VerificationStatus.OK
    assert run.requested_by is None and not AuditEvent.objects.filter(action="audit.verify")


def test_the_worker_seals_what_a_writer_left_queued(park):
    from parkflow.core import tasks

    event = audit.record(None, "errand.note", park)
    tasks.seal_audit_chain.call_local()
    assert AuditSeal.objects.filter(event=event).exists()
