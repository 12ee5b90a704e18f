"""Background work of the kernel: the periodic rule sweep and event-driven evaluation."""

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
