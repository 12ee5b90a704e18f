"""Writes of the organisation app: each one function, atomic, permission-checked and audited."""

import datetime

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, clock, hooks
from parkflow.core.db import service
from parkflow.core.errors import NotFound, PermissionDenied, ValidationFailed
from parkflow.core.rules import evaluate_on_commit
from parkflow.core.validation import full_clean

from . import compliance
from .models import (
    ComplianceRecord,
    EmergencyContact,
    OrgUnit,
    RoleAssignment,
    User,
    compliance_evidence_path,
)
from .selectors import people_in_scope


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


def _checked_evidence(upload):
    """The evidence file passes the same content checks as any qualification document
    (type sniffed from the bytes, size limit, safe name); errors are reported on ``evidence``."""
    # The checks belong to the app that owns uploaded documents; it registers them (D30).
    try:
        return hooks.require("check_upload")(upload)
    except ValidationFailed as exc:
        messages = [m for field_messages in exc.errors.values() for m in field_messages]
        raise ValidationFailed({"evidence": messages}, requirement="R-ORG-5") from None


@service
def compliance_record_add(
    *,
    actor,
    person: User,
    kind: str,
    completed_on: datetime.date,
    note: str = "",
    valid_until: datetime.date | None = None,
    evidence=None,
) -> ComplianceRecord:
    """Record a signed commitment or a passed training (R-ORG-5), with the signed letter or
    certificate as evidence. ``valid_until`` defaults to the regulation's validity and may be
    shorter, never longer. A lapsed person may act again as soon as this commits. The recorder
    must hold ``compliance.record`` for every unit the person works in (D21): a park's office
    cannot vouch for headquarters staff or for itself."""
    _ensure_over_person(actor, "compliance.record", person, requirement="R-ORG-5")
    errors = {}
    if completed_on > clock.today():
        errors["completed_on"] = [_("完成日期不能晚于今天。")]
    longest = (
        compliance.valid_until(kind, completed_on) if kind in compliance.VALIDITY else completed_on
    )
    if valid_until is None:
        valid_until = longest
    elif valid_until < completed_on:
        errors["valid_until"] = [_("有效期至不能早于完成日期。")]
    elif valid_until > longest:
        errors["valid_until"] = [
            _("有效期至不能晚于规定的有效期（%(date)s）。") % {"date": longest.isoformat()}
        ]
    if errors:
        raise ValidationFailed(errors, requirement="R-ORG-5")
    record = ComplianceRecord(
        user=person,
        kind=kind,
        completed_on=completed_on,
        valid_until=valid_until,
        note=(note or "").strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    checked = _checked_evidence(evidence) if evidence is not None else None
    if checked:
        record.evidence_name = checked.original_name
        record.evidence_mime = checked.mime_type
        record.evidence_sha256 = checked.sha256
    _full_clean(record, "R-ORG-5")
    stored_name = ""
    if checked:
        stored_name = default_storage.save(compliance_evidence_path(record, ""), evidence)
        record.evidence = stored_name
    try:
        record.save()
        compliance.forget(person)
        audit.record(actor, "compliance_record.add", record, after=audit.snapshot(record))
    except BaseException:
        if stored_name:
            default_storage.delete(stored_name)
        raise
    return record


def compliance_evidence_open(*, actor, record: ComplianceRecord):
    """Open a record's evidence for someone who may see the person's status; audited."""
    access.ensure_somewhere(actor, "org.view", requirement="R-ORG-5")
    # The record's person must be one the actor sees: another park's staff get "not found".
    if not people_in_scope(actor=actor).filter(pk=record.user_id).exists():
        raise NotFound()
    handle = record.evidence.open("rb")
    audit.record(
        actor,
        "compliance_record.evidence_download",
        record,
        after={"sha256": record.evidence_sha256},
    )
    return handle


def may_record_compliance_for(actor, person: User) -> bool:
    """Whether ``compliance_record_add`` would let ``actor`` record for ``person`` (for the page
    to offer the form only where the service will accept it)."""
    try:
        _ensure_over_person(actor, "compliance.record", person, requirement="R-ORG-5")
    except (PermissionDenied, ValidationFailed):
        return False
    return True


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


USER_AUDIT_FIELDS = [
    "username",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "employee_no",
    "hired_on",
    "is_active",
    "is_staff",
    "is_superuser",
]


@service
def user_save(*, actor, person: User, change: bool) -> User:
    """Create or change a user as an administrator's form left him (the admin site; R-ORG-2).
    Audited with the fields that changed (``user.create`` / ``user.update``); a change that
    changes nothing records nothing."""
    access.ensure_somewhere(actor, "org.manage", requirement="R-ORG-2")
    before = None
    if change:
        stored = User.objects.select_for_update(of=("self",), no_key=True).get(pk=person.pk)
        before = audit.snapshot(stored, USER_AUDIT_FIELDS)
    person.save()
    after = audit.snapshot(person, USER_AUDIT_FIELDS)
    if change:
        changed = [k for k in after if before.get(k) != after.get(k)]
        if not changed:
            return person
        before, after = {k: before[k] for k in changed}, {k: after[k] for k in changed}
    action = "user.update" if change else "user.create"
    audit.record(actor, action, person, before=before, after=after, reason="admin")
    access.forget(person)
    return person


@service
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


@service
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
    # A queryset delete leaves the caller's instance intact, so a retried call (D17) can run again.
    RoleAssignment.objects.filter(pk=assignment.pk).delete()
    access.forget(person)
