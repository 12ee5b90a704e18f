"""Services for the lists administrators maintain by design in the admin (the holiday calendar,
the authority matrix): the admin calls these, never ``obj.save()`` itself, so each change runs
in one transaction with the permission check and its audit event (R-PLT-1)."""

from . import access, audit
from .db import service

ACTION = "admin.site"


@service
def maintained_save(*, actor, obj, label: str, change: bool):
    """Save a maintained record as the admin form left it; audited as ``<label>.create`` or
    ``<label>.update`` with the values as the database keeps them."""
    access.ensure_somewhere(actor, ACTION)
    model = type(obj)
    before = None
    if change and obj.pk:
        before = audit.snapshot(
            model._default_manager.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)
        )
    obj.save()
    stored = model._default_manager.get(pk=obj.pk)
    audit.record(
        actor,
        f"{label}.{'update' if change else 'create'}",
        obj,
        before=before,
        after=audit.snapshot(stored),
        reason="admin",
    )
    return obj


@service
def maintained_delete(*, actor, obj, label: str) -> None:
    access.ensure_somewhere(actor, ACTION)
    audit.record(actor, f"{label}.delete", obj, before=audit.snapshot(obj), reason="admin")
    type(obj)._default_manager.filter(pk=obj.pk).delete()
