"""Background work of the kernel: the periodic rule sweep and event-driven evaluation, the audit
chain's digests, seals and verifications."""

from django.apps import apps
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import rules


@db_task()
def evaluate_object_task(model_label: str, pk) -> None:
    obj = apps.get_model(model_label)._default_manager.filter(pk=pk).first()
    if obj is not None:
        rules.evaluate_object(obj)


@db_periodic_task(crontab(minute="*/15"))
def sweep_rules() -> None:
    rules.sweep_all()


@db_periodic_task(crontab(minute="0"))
def write_audit_digest() -> None:
    """Anchor the audit chain outside the database every hour (D18)."""
    from . import audit_digest

    try:
        audit_digest.write_digest()
    except audit_digest.DigestRefused as refused:
        audit_digest.alert_admins(
            "ParkFlow audit chain disagrees with its last digest", str(refused)
        )


@db_task()
def verify_audit_chain(run_id: int) -> None:
    """A verification started from the audit page (``core.audit_verify``)."""
    from . import audit_verify

    audit_verify.run(run_id)


@db_periodic_task(crontab(hour="2", minute="30"))
def verify_audit_chain_nightly() -> None:
    """Every night, a full verification: it re-reads the content of every event, which the
    incremental ones started from the page do only after their checkpoint (D44)."""
    from . import audit_verify

    if audit_verify.current() is None:
        audit_verify.run_now(full=True)


@db_periodic_task(crontab(minute="*"))
def seal_audit_chain() -> None:
    """Seal whatever a writer left queued (a process stopped between its commit and its seal);
    writers seal after their own commits, so this usually finds nothing (D44)."""
    from . import audit

    audit.seal_pending(wait=True)
