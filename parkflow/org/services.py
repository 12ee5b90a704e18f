"""Writes of the organisation app: each one function, atomic, permission-checked and audited."""

import datetime

from django.utils.translation import gettext_lazy as _

from parkflow.core import audit, clock
from parkflow.core.db import service
from parkflow.core.errors import ValidationFailed
from parkflow.core.rules import evaluate_on_commit
from parkflow.core.validation import full_clean

from . import access, compliance
from .models import ComplianceRecord, EmergencyContact, OrgUnit, RoleAssignment, User


def _full_clean(obj, requirement: str = ""):
    full_clean(obj, requirement=requirement)


@service
def emergency_contact_create(
    *, actor, unit: OrgUnit, name: str, phone: str, title: str = ""
) -> EmergencyContact:
    """R-ORG-6: a contact counts as confirmed when it is entered."""
    contact = EmergencyContact(
        unit=unit,
        park=unit.park,
        name=(name or "").strip(),
        phone=(phone or "").strip(),
        title=(title or "").strip(),
        confirmed_at=clock.now(),
        confirmed_by=actor,
    )
    access.ensure(actor, "contact.manage", contact, requirement="R-ORG-6")
    _full_clean(contact, "R-ORG-6")
    contact.save()
    audit.record(actor, "emergency_contact.create", contact, after=audit.snapshot(contact))
    evaluate_on_commit(contact)
    if unit.park_id:
        evaluate_on_commit(unit.park)
    return contact


@service
def emergency_contact_confirm(
    *, actor, contact: EmergencyContact, phone: str | None = None
) -> EmergencyContact:
    """Confirm (and optionally correct) a contact: resets the R-ORG-6 clock."""
    contact = EmergencyContact.objects.select_for_update(of=("self",), no_key=True).get(
        pk=contact.pk
    )
    access.ensure(actor, "contact.manage", contact, requirement="R-ORG-6")
    before = audit.snapshot(contact, ["phone", "confirmed_at", "confirmed_by_id"])
    if phone is not None:
        contact.phone = phone.strip()
    contact.confirmed_at = clock.now()
    contact.confirmed_by = actor
    _full_clean(contact, "R-ORG-6")
    contact.save()
    audit.record(
        actor,
        "emergency_contact.confirm",
        contact,
        before=before,
        after=audit.snapshot(contact, ["phone", "confirmed_at", "confirmed_by_id"]),
    )
    evaluate_on_commit(contact)
    return contact


@service
def compliance_record_add(
    *, actor, person: User, kind: str, completed_on: datetime.date, note: str = ""
) -> ComplianceRecord:
    """Record a signed commitment or a passed training (R-ORG-5)."""
    access.ensure(actor, "compliance.record", requirement="R-ORG-5")
    if completed_on > clock.today():
        raise ValidationFailed(
            {"completed_on": [_("完成日期不能晚于今天。")]}, requirement="R-ORG-5"
        )
    record = ComplianceRecord(
        user=person,
        kind=kind,
        completed_on=completed_on,
        valid_until=compliance.valid_until(kind, completed_on)
        if kind in compliance.VALIDITY
        else completed_on,
        note=note,
        recorded_by=actor,
    )
    _full_clean(record, "R-ORG-5")
    record.save()
    compliance.forget(person)
    audit.record(actor, "compliance_record.add", record, after=audit.snapshot(record))
    return record


@service
def role_assign(*, actor, person: User, role: str, unit: OrgUnit) -> RoleAssignment:
    access.ensure(actor, "org.manage", requirement="R-ORG-2")
    assignment, created = RoleAssignment.objects.get_or_create(user=person, role=role, unit=unit)
    if created:
        audit.record(actor, "role.assign", person, after={"role": role, "unit": unit.pk})
    access.forget(person)
    return assignment


@service
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    access.ensure(actor, "org.manage", requirement="R-ORG-2")
    person = assignment.user
    audit.record(
        actor, "role.revoke", person, before={"role": assignment.role, "unit": assignment.unit_id}
    )
    # A queryset delete leaves the caller's instance intact, so a retried call (D17) can run again.
    RoleAssignment.objects.filter(pk=assignment.pk).delete()
    access.forget(person)
