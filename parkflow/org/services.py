"""Writes of the organisation app: each one function, atomic, permission-checked and audited."""

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parkflow.core import audit, clock
from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.rules import evaluate_on_commit
from parkflow.core.validation import full_clean

from . import access, compliance
from .models import ComplianceRecord, EmergencyContact, OrgUnit, RoleAssignment, User


def _full_clean(obj, requirement: str = ""):
    full_clean(obj, requirement=requirement)


@transaction.atomic
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


@transaction.atomic
def emergency_contact_confirm(
    *, actor, contact: EmergencyContact, phone: str | None = None
) -> EmergencyContact:
    """Confirm (and optionally correct) a contact: resets the R-ORG-6 clock."""
    contact = EmergencyContact.objects.select_for_update().get(pk=contact.pk)
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


@transaction.atomic
def compliance_record_add(
    *, actor, person: User, kind: str, completed_on: datetime.date, note: str = ""
) -> ComplianceRecord:
    """Record a signed commitment or a passed training (R-ORG-5). The recorder must hold
    ``compliance.record`` for every unit the person works in (D21): a park's office cannot vouch
    for headquarters staff or for itself."""
    _ensure_over_person(actor, "compliance.record", person, requirement="R-ORG-5")
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


def _ensure_over_person(actor, action: str, person: User, *, requirement: str) -> None:
    """``actor`` may do ``action`` about ``person`` only for every park the person holds a role
    in (a headquarters role needs a headquarters actor), never about himself, and never about
    an enterprise's portal account (D21)."""
    if actor is not None and getattr(actor, "pk", None) == person.pk:
        raise PermissionDenied(
            "self_grant",
            _("不能为本人授予角色或登记合规记录，请由其他管理员办理。"),
            requirement=requirement,
        )
    if access.is_enterprise_user(person):
        raise ValidationFailed(
            {"person": [_("企业门户账号不能授予内部角色或登记合规记录。")]}, requirement=requirement
        )
    parks = set(person.role_assignments.values_list("unit__park_id", flat=True))
    if not parks:
        # Nobody's unit yet: the actor must hold the right somewhere; the role comes next.
        access.ensure_somewhere(actor, action, requirement=requirement)
    for park_id in parks:
        access.ensure(actor, action, park=park_id, requirement=requirement)


@transaction.atomic
def role_assign(*, actor, person: User, role: str, unit: OrgUnit) -> RoleAssignment:
    """Grant ``role`` in ``unit`` (R-ORG-2). Only an administrator of the unit's park grants a
    park role; only a headquarters administrator grants a headquarters role; nobody grants
    himself a role (D21)."""
    access.ensure(actor, "org.manage", unit, requirement="R-ORG-2")
    if getattr(actor, "pk", None) == person.pk:
        raise PermissionDenied(
            "self_grant", _("不能为本人授予角色，请由其他管理员办理。"), requirement="R-ORG-2"
        )
    if access.is_enterprise_user(person):
        raise ValidationFailed(
            {"person": [_("企业门户账号不能授予内部角色。")]}, requirement="R-ORG-2"
        )
    assignment, created = RoleAssignment.objects.get_or_create(user=person, role=role, unit=unit)
    if created:
        audit.record(actor, "role.assign", person, after={"role": role, "unit": unit.pk})
    access.forget(person)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    """Revoke a role: the same administrator rule as ``role_assign`` (D21)."""
    access.ensure(actor, "org.manage", assignment.unit, requirement="R-ORG-2")
    if getattr(actor, "pk", None) == assignment.user_id:
        raise PermissionDenied(
            "self_grant", _("不能撤销本人的角色，请由其他管理员办理。"), requirement="R-ORG-2"
        )
    person = assignment.user
    audit.record(
        actor, "role.revoke", person, before={"role": assignment.role, "unit": assignment.unit_id}
    )
    assignment.delete()
    access.forget(person)
