"""§5 / D21: nobody grants beyond his own scope. A park's system administrator grants roles only
in units of his park, never a headquarters role, and never to himself; the same holds for
compliance records (R-ORG-2, R-ORG-5)."""

import datetime

import pytest

from parkflow.core import access, clock
from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org import services
from parkflow.org.choices import ComplianceKind, DepartmentKind, Role
from parkflow.org.models import ComplianceRecord, RoleAssignment
from parkflow.org.tests.factories import DepartmentFactory, OrgUnitFactory, UserFactory, staff


@pytest.fixture
def hq_unit(db):
    company = OrgUnitFactory()
    return DepartmentFactory(parent=company, park=None, department_kind=DepartmentKind.RISK)


def _nothing_written(fn):
    roles, records, events = (
        RoleAssignment.objects.count(),
        ComplianceRecord.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises((PermissionDenied, ValidationFailed)) as exc:
        fn()
    assert RoleAssignment.objects.count() == roles
    assert ComplianceRecord.objects.count() == records
    assert AuditEvent.objects.count() == events
    return exc.value


def test_a_park_admin_cannot_grant_himself_a_headquarters_role(park, hq_unit, other_park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    _nothing_written(
        lambda: services.role_assign(actor=admin, person=admin, role=Role.AUDITOR, unit=hq_unit)
    )
    access.forget(admin)
    assert access.visible_park_ids(admin) == {park.pk}


def test_a_park_admin_cannot_grant_anyone_a_headquarters_role(park, hq_unit):
    admin = staff(Role.SYSTEM_ADMIN, park)
    friend = staff(Role.BUSINESS_STAFF, park)
    _nothing_written(
        lambda: services.role_assign(
            actor=admin, person=friend, role=Role.SYSTEM_ADMIN, unit=hq_unit
        )
    )


def test_a_park_admin_cannot_grant_a_role_in_another_park(park, other_park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    person = UserFactory()
    _nothing_written(
        lambda: services.role_assign(
            actor=admin, person=person, role=Role.BUSINESS_STAFF, unit=other_park
        )
    )


def test_nobody_grants_himself_a_role_not_even_in_his_own_park(park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    error = _nothing_written(
        lambda: services.role_assign(actor=admin, person=admin, role=Role.OFFICE_STAFF, unit=park)
    )
    assert "本人" in str(error)


def test_a_park_admin_grants_a_role_in_a_department_of_his_park(park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    person = UserFactory()
    dept = DepartmentFactory(parent=park)
    services.role_assign(actor=admin, person=person, role=Role.BUSINESS_STAFF, unit=dept)
    assert access.visible_park_ids(person) == {park.pk}
    event = AuditEvent.objects.get(action="role.assign")
    assert event.after == {"role": Role.BUSINESS_STAFF, "unit": dept.pk}


def test_only_a_headquarters_admin_grants_a_headquarters_role(hq_unit):
    hq_admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory())
    person = UserFactory()
    services.role_assign(actor=hq_admin, person=person, role=Role.RISK_OFFICER, unit=hq_unit)
    assert access.visible_park_ids(person) is None


def test_a_park_admin_cannot_revoke_a_role_elsewhere_or_his_own(park, other_park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    elsewhere = RoleAssignment.objects.get(user=staff(Role.BUSINESS_STAFF, other_park))
    _nothing_written(lambda: services.role_revoke(actor=admin, assignment=elsewhere))
    own = RoleAssignment.objects.get(user=admin)
    _nothing_written(lambda: services.role_revoke(actor=admin, assignment=own))


def test_portal_accounts_get_no_staff_role(park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    outsider = enterprise_user(EnterpriseFactory(park=park))
    error = _nothing_written(
        lambda: services.role_assign(
            actor=admin, person=outsider, role=Role.BUSINESS_STAFF, unit=park
        )
    )
    assert "person" in error.errors


def _record(actor, person):
    return services.compliance_record_add(
        actor=actor,
        person=person,
        kind=ComplianceKind.COMMITMENT,
        completed_on=clock.today() - datetime.timedelta(days=1),
    )


def test_a_park_office_cannot_record_compliance_for_headquarters_staff(park, hq_unit):
    office = staff(Role.OFFICE_STAFF, park)
    hq_person = staff(Role.RISK_OFFICER, hq_unit)
    _nothing_written(lambda: _record(office, hq_person))


def test_a_park_office_cannot_record_compliance_for_another_parks_staff(park, other_park):
    office = staff(Role.OFFICE_STAFF, park)
    elsewhere = staff(Role.BUSINESS_STAFF, other_park)
    _nothing_written(lambda: _record(office, elsewhere))


def test_nobody_records_his_own_compliance(park):
    office = staff(Role.OFFICE_STAFF, park)
    _nothing_written(lambda: _record(office, office))


def test_a_park_office_records_compliance_for_its_own_staff(park):
    office = staff(Role.OFFICE_STAFF, park)
    clerk = staff(Role.BUSINESS_STAFF, park)
    record = _record(office, clerk)
    assert record.recorded_by == office
    assert AuditEvent.objects.filter(action="compliance_record.add").count() == 1
