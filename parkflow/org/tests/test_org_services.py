"""R-ORG-6 emergency contacts and R-ORG-7 authority matrix."""

from decimal import Decimal

import pytest

from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.org import authority, services
from parkflow.org.choices import AuthorityKind, Role
from parkflow.org.models import AuthorityLimit, EmergencyContact
from parkflow.org.tests.factories import EmergencyContactFactory, staff


def test_an_invalid_phone_number_is_refused_and_nothing_is_written(park):
    office = staff(Role.OFFICE_STAFF, park)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.emergency_contact_create(actor=office, unit=park, name="值班经理", phone="12345")
    assert "phone" in exc.value.errors
    assert not EmergencyContact.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_empty_name_is_refused(park):
    with pytest.raises(ValidationFailed) as exc:
        services.emergency_contact_create(
            actor=staff(Role.OFFICE_STAFF, park), unit=park, name="  ", phone="13800138000"
        )
    assert "name" in exc.value.errors


def test_confirming_a_contact_of_another_park_is_refused(park, other_park):
    contact = EmergencyContactFactory(unit=other_park)
    with pytest.raises(PermissionDenied):
        services.emergency_contact_confirm(actor=staff(Role.OFFICE_STAFF, park), contact=contact)


def test_confirmation_is_audited_with_before_and_after(park):
    contact = EmergencyContactFactory(unit=park)
    office = staff(Role.OFFICE_STAFF, park)
    services.emergency_contact_confirm(actor=office, contact=contact, phone="13900001111")
    event = AuditEvent.objects.get(action="emergency_contact.confirm")
    assert event.before["phone"] == "13800138000"
    assert event.after["phone"] == "13900001111"
    assert event.actor == office


@pytest.mark.parametrize(
    ("value", "needed"),
    [(Decimal("5"), None), (Decimal("10"), None), (Decimal("10.01"), Role.DEPUTY)],
)
def test_authority_matrix_names_the_leader_beyond_the_limit(park, value, needed):
    AuthorityLimit.objects.create(
        role=Role.BUSINESS_STAFF,
        kind=AuthorityKind.DISCOUNT_PERCENT,
        limit=10,
        approver_role=Role.DEPUTY,
    )
    assert (
        authority.approver_needed(
            staff(Role.BUSINESS_STAFF, park), AuthorityKind.DISCOUNT_PERCENT, value
        )
        == needed
    )


def test_a_role_without_a_matrix_entry_has_no_authority(park):
    assert (
        authority.approver_needed(staff(Role.FINANCE_STAFF, park), AuthorityKind.AMOUNT, 1)
        == Role.DEPUTY
    )
