"""The enterprise admin's workflow actions go through the declared steps, so the admission gate
(R-CPL-1) and the service's permission hold in the admin as in the pages and the API (R-PLT-1)
— moved from core/tests/test_admin.py (the steps and the gate are intake's)."""

from decimal import Decimal

import pytest

from parkflow.core.models import AuditEvent
from parkflow.core.tests.admin_client import changelist_action, shown_messages
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus, Industry
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import make_credit_code
from parkflow.intake import services as intake_services
from parkflow.intake.tests.factories import upload_licence
from parkflow.org.choices import Role, UnitKind
from parkflow.org.tests.factories import OrgUnitFactory, grant_also, staff


@pytest.fixture
def hq(db):
    return OrgUnitFactory(name="运营公司总部", kind=UnitKind.COMPANY)


@pytest.fixture
def admin_client(client, hq):
    """A system administrator who also works in the special management office, so the
    enterprise workflow permissions allow the step and only the gate can stop it."""
    user = staff(Role.SYSTEM_ADMIN, hq, username="sysadmin", is_staff=True, is_superuser=True)
    grant_also(user, Role.OFFICE_STAFF, hq)
    client.force_login(user)
    return client


def _enterprise(park, status):
    creator = staff(Role.BUSINESS_STAFF, park)
    # Reviewers are drawn at random from the eligible pool (R-ENT-3): make it big enough.
    for _ in range(2):
        staff(Role.RISK_OFFICER, park)
    enterprise = services.enterprise_create(
        actor=creator,
        park=park,
        name="苏州纳微光电科技有限公司",
        credit_code=make_credit_code(7),
        legal_representative="林涛",
        registered_capital=Decimal("800"),
        industry=Industry.IT,
        contact_name="林涛",
        contact_phone="13912345678",
    )
    upload_licence(enterprise, creator)
    enterprise = services.enterprise_apply(actor=creator, enterprise=enterprise)
    if status == EnterpriseStatus.UNDER_REVIEW:
        enterprise = intake_services.enterprise_submit_for_review(
            actor=creator, enterprise=enterprise
        )
    return enterprise


def test_admin_approve_action_without_an_approved_review_shows_the_gate_error_and_changes_nothing(
    admin_client, park
):
    enterprise = _enterprise(park, EnterpriseStatus.UNDER_REVIEW)
    events_before = AuditEvent.objects.count()

    response = changelist_action(admin_client, Enterprise, "approve_admission", [enterprise.pk])

    assert response.status_code == 200
    messages = shown_messages(response)
    assert any("未经“企业准入资质审核”审查不得实施" in m for m in messages), messages
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert AuditEvent.objects.count() == events_before


def test_admin_submit_for_review_action_goes_through_the_service(admin_client, park):
    enterprise = _enterprise(park, EnterpriseStatus.APPLYING)

    response = changelist_action(admin_client, Enterprise, "submit_for_review", [enterprise.pk])

    assert any("已提交 1 家企业" in m for m in shown_messages(response))
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert AuditEvent.objects.filter(
        action="enterprise.start_review", object_id=str(enterprise.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="review.request", object_id=str(enterprise.pk)).exists()


def test_admin_action_refused_by_the_service_permission_shows_the_error(client, hq, park):
    """A pure system administrator has no business role: the service says no, in the admin too."""
    admin = staff(Role.SYSTEM_ADMIN, hq, is_staff=True, is_superuser=True)
    client.force_login(admin)
    enterprise = _enterprise(park, EnterpriseStatus.APPLYING)

    response = changelist_action(client, Enterprise, "submit_for_review", [enterprise.pk])

    assert any("没有执行此操作的权限" in m for m in shown_messages(response))
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLYING
