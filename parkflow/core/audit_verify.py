"""Verifying the audit chain in the background, from the last checkpoint (issue 8 §7, D44).

The audit page's button starts a verification (``start``): a row of ``AuditVerification`` and a
huey task (``core.tasks.verify_audit_chain``) that runs it (``run``) while the page polls its
progress. A request never walks the chain itself.

A verification is *incremental* by default: it resumes from the latest checkpoint — the head of
the last verification that found the chain intact — instead of the beginning. A checkpoint is
only believed if its signature (HMAC-SHA256 under the digest key, which is not in the database,
D18) is right, and only used if the seal at its position is still the one it names with the same
hash: a history rewritten before it and re-hashed forward (the only rewrite a walk of the whole
chain cannot see either) changes that hash, and the verification then walks the whole chain. The
checks that are cheap whatever the size also run every time: every digest's anchor, and whether
the table holds an event that is not in the chain or lost one that is (two counts).

What an incremental verification does not re-read is the content of events before the
checkpoint: an event edited in place without re-hashing is named by the next *full*
verification — the page offers one, and the worker runs one every night.
"""

import datetime
import hashlib
import hmac
import logging

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import access, audit, audit_digest, clock
from .canonical import canonical
from .db import service
from .errors import PermissionDenied
from .models import AuditVerification

logger = logging.getLogger("parkflow.audit")

# A run still "queued" or "running" after this long lost its worker: it is marked failed and a new
# one may start.
STALE_AFTER = datetime.timedelta(minutes=30)
PROGRESS_EVERY = 50_000  # rows between two progress writes (each walk batch reports; throttled)

# The worker's side and reads for the page, which checks ``audit.verify`` itself (the service
# table's static check, ``core/tests/test_service_permissions.py``, fails on any other).
SYSTEM_OPERATIONS = {
    "latest_checkpoint": "read: the newest checkpoint whose signature is right",
    "current": "read: the verification queued or running (the page's poll)",
    "latest_finished": "read: the last result, for the audit page",
    "run": "the worker runs what an auditor queued through start()",
    "run_now": "the worker's nightly verification, by the system",
}

Status = AuditVerification.Status
Kind = AuditVerification.Kind


# ---------------------------------------------------------------------------------------------
# Checkpoints


def _checkpoint_body(run: AuditVerification) -> dict:
    return {
        "run": run.pk,
        "seq": run.to_seq,
        "hash": run.head_hash,
        "event_id": run.head_event_id,
        "finished_at": run.finished_at.astimezone(datetime.UTC).isoformat(),
    }


def _signature(key: bytes, run: AuditVerification) -> str:
    body = canonical({"checkpoint": _checkpoint_body(run)})
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def latest_checkpoint() -> audit_digest.Checkpoint | None:
    """The newest intact verification whose signature is right (a checkpoint written into the
    database by someone without the key is passed over)."""
    key = audit_digest.signing_key()
    if key is None:
        return None
    runs = (
        AuditVerification.objects.filter(status=Status.OK, to_seq__isnull=False)
        .exclude(signature="")
        .order_by("-finished_at", "-id")[:20]
    )
    for run in runs:
        if hmac.compare_digest(run.signature, _signature(key, run)):
            return audit_digest.Checkpoint(
                seq=run.to_seq,
                hash=run.head_hash,
                event_id=run.head_event_id,
                verified_at=run.finished_at,
            )
        logger.error("audit verification #%s carries an invalid checkpoint signature", run.pk)
    return None


# ---------------------------------------------------------------------------------------------
# Starting a verification (the page) and running it (the worker)


def current() -> AuditVerification | None:
    """The verification queued or running now, if any (a stale one is marked failed)."""
    run = AuditVerification.objects.filter(status__in=[Status.QUEUED, Status.RUNNING]).first()
    if run is None:
        return None
    since = run.started_at or run.requested_at
    if clock.now() - since > STALE_AFTER:
        AuditVerification.objects.filter(pk=run.pk, status=run.status).update(
            status=Status.FAILED, finished_at=clock.now(), error="worker lost (timed out)"
        )
        return None
    return run


def latest_finished() -> AuditVerification | None:
    return (
        AuditVerification.objects.filter(status__in=[Status.OK, Status.BROKEN, Status.FAILED])
        .select_related("requested_by")
        .first()
    )


@service
def start(*, actor, full: bool = False) -> AuditVerification:
    """Queue a verification of the chain (R-PLT-1): incremental from the last checkpoint, or
    ``full``. If one is already queued or running, that one is returned (its progress is what the
    page shows). The request is audited; the result is audited when the run ends."""
    if actor is not None and not access.may_somewhere(actor, "audit.verify"):
        raise PermissionDenied(
            "forbidden", _("只有审计人员和系统管理员可以验证审计哈希链。"), requirement="R-PLT-1"
        )
    running = current()
    if running is not None:
        return running
    kind = Kind.FULL if full else Kind.INCREMENTAL
    run = AuditVerification.objects.create(kind=kind, requested_by=actor, requested_at=clock.now())
    audit.record(
        actor,
        "audit.verify_request",
        None,
        after={"run": run.pk, "kind": kind},
        object_repr=str(_("审计哈希链")),
    )
    from .tasks import verify_audit_chain

    run_id = run.pk
    transaction.on_commit(lambda: verify_audit_chain(run_id))
    return run


def run(run_id: int) -> AuditVerification:
    """Run a queued verification: walk, record the findings, sign the checkpoint if intact, audit
    the result for whoever asked, alert the administrators if anything is wrong."""
    claimed = AuditVerification.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=clock.now()
    )
    verification = AuditVerification.objects.get(pk=run_id)
    if not claimed:
        return verification  # already run (or running) elsewhere
    reported = {"at": 0}

    def on_start(from_seq, head_seq):
        AuditVerification.objects.filter(pk=run_id).update(from_seq=from_seq, to_seq=head_seq)

    def progress(checked):
        if checked - reported["at"] >= PROGRESS_EVERY:
            reported["at"] = checked
            AuditVerification.objects.filter(pk=run_id).update(checked=checked)

    checkpoint = latest_checkpoint() if verification.kind == Kind.INCREMENTAL else None
    try:
        report = audit_digest.verify(checkpoint=checkpoint, progress=progress, on_start=on_start)
    except Exception as exc:  # noqa: BLE001 - recorded on the run and reported, never silent
        logger.exception("audit verification #%s failed", run_id)
        AuditVerification.objects.filter(pk=run_id).update(
            status=Status.FAILED,
            finished_at=clock.now(),
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        audit_digest.alert_admins(f"ParkFlow audit verification #{run_id} failed", str(exc))
        return AuditVerification.objects.get(pk=run_id)

    verification.refresh_from_db()
    verification.status = Status.OK if report.ok else Status.BROKEN
    verification.finished_at = clock.now()
    verification.from_seq = report.from_seq
    verification.to_seq = report.head_seq
    verification.checked = report.checked
    verification.head_hash = report.head_hash
    verification.head_event_id = report.head_event_id
    verification.broken_event_id = report.broken_event_id
    verification.findings = [{"kind": f.kind, "message": f.message} for f in report.findings]
    verification.warnings = list(report.warnings)
    verification.anchor = (
        {
            "sequence": report.anchor.sequence,
            "written_at": report.anchor.body["written_at"],
            "event_count": report.anchor.event_count,
        }
        if report.anchor
        else None
    )
    if report.ok and (key := audit_digest.signing_key(create=True)):
        verification.signature = _signature(key, verification)
    verification.save()
    if verification.requested_by_id is not None:
        audit.record(
            verification.requested_by,
            "audit.verify",
            None,
            after={
                "ok": report.ok,
                "kind": verification.kind,
                "run": verification.pk,
                "checked": report.checked,
                "from_seq": report.from_seq,
                "broken_event_id": report.broken_event_id,
                "problem": report.problem,
                "findings": [finding.kind for finding in report.findings],
                "anchor_digest": report.anchor.sequence if report.anchor else None,
            },
            object_repr=str(_("审计哈希链")),
        )
    if not report.ok:
        audit_digest.alert_admins(
            f"ParkFlow audit verification #{run_id} found problems", report.problem
        )
    return verification


def run_now(*, full: bool = True) -> AuditVerification:
    """A verification by the system (the nightly job, ``verify_audit --record``): queued and run
    in this process, not audited as anyone's request."""
    verification = AuditVerification.objects.create(
        kind=Kind.FULL if full else Kind.INCREMENTAL, requested_at=clock.now()
    )
    return run(verification.pk)
