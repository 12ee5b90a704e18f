"""R-ORG-5: a person whose compliance status has lapsed cannot act in the role that needs it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.org import compliance, services
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import UserFactory, staff


def test_new_employee_without_onboarding_training_cannot_act(park):
    newcomer = UserFactory(compliant=False)
    with pytest.raises(PermissionDenied) as exc:
        compliance.ensure_may_act(newcomer, Role.BUSINESS_STAFF)
    assert exc.value.requirement == "R-ORG-5"
    assert "岗位合规承诺书" in str(exc.value) and "新员工服务规范培训" in str(exc.value)


def test_leader_needs_the_semi_annual_management_training(park):
    leader = UserFactory()
    ComplianceRecord.objects.filter(user=leader, kind=ComplianceKind.MANAGER_TRAINING).delete()
    compliance.forget(leader)
    compliance.ensure_may_act(leader, Role.BUSINESS_STAFF)  # frontline work is fine
    with pytest.raises(PermissionDenied) as exc:
        compliance.ensure_may_act(leader, Role.DEPUTY)
    assert "管理层合规履职培训" in str(exc.value)


def test_manager_training_lapses_after_six_months(db):
    leader = UserFactory()
    compliance.ensure_may_act(leader, Role.PRINCIPAL)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=200)):
        compliance.forget(leader)
        assert compliance.lapse_reason(leader, Role.PRINCIPAL)
        assert (
            compliance.lapse_reason(leader, Role.BUSINESS_STAFF) is None
        )  # annual ones still valid


def test_recording_a_training_restores_the_status_and_is_audited(park):
    office = staff(Role.OFFICE_STAFF, park)
    newcomer = UserFactory(compliant=False)
    today = timezone.localdate()
    for kind in (ComplianceKind.COMMITMENT, ComplianceKind.ONBOARDING):
        services.compliance_record_add(actor=office, person=newcomer, kind=kind, completed_on=today)
    compliance.ensure_may_act(newcomer, Role.BUSINESS_STAFF)
    record = ComplianceRecord.objects.get(user=newcomer, kind=ComplianceKind.COMMITMENT)
    assert record.valid_until == today.replace(year=today.year + 1)
    assert AuditEvent.objects.filter(action="compliance_record.add").count() == 2


def test_a_training_cannot_be_recorded_in_the_future(park):
    office = staff(Role.OFFICE_STAFF, park)
    with pytest.raises(ValidationFailed) as exc:
        services.compliance_record_add(
            actor=office,
            person=UserFactory(compliant=False),
            kind=ComplianceKind.ONBOARDING,
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "completed_on" in exc.value.errors
    assert not ComplianceRecord.objects.filter(recorded_by=office).exists()


def test_frontline_staff_cannot_record_trainings(park):
    with pytest.raises(PermissionDenied):
        services.compliance_record_add(
            actor=staff(Role.BUSINESS_STAFF, park),
            person=UserFactory(compliant=False),
            kind=ComplianceKind.ONBOARDING,
            completed_on=timezone.localdate(),
        )
