"""§5 / D21: the account manager (客户经理) must be active business staff of the enterprise's
park. Anyone else named there would be taken out of the double-random reviewer pool at will."""

import pytest

from parkflow.core.errors import ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
)
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff


def test_staff_of_another_park_cannot_be_made_account_manager_through_the_api(
    park, other_park, clerk
):
    enterprise = EnterpriseFactory(park=park)
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    events = AuditEvent.objects.count()
    response = client_for(clerk).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"account_manager": outsider.pk}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert "account_manager" in response.json()["errors"]
    assert "客户经理" in response.json()["errors"]["account_manager"][0]
    enterprise.refresh_from_db()
    assert enterprise.account_manager_id is None
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("kind", ["reviewer", "inactive", "portal"])
def test_only_active_business_staff_of_the_park_can_be_account_manager(park, clerk, kind):
    enterprise = EnterpriseFactory(park=park)
    if kind == "reviewer":
        person = staff(Role.RISK_OFFICER, park)  # a chosen reviewer, not a business role
    elif kind == "inactive":
        person = staff(Role.BUSINESS_STAFF, park, is_active=False)
    else:
        person = enterprise_user(EnterpriseFactory(park=park))
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_update(actor=clerk, enterprise=enterprise, account_manager=person)
    assert "account_manager" in exc.value.errors


def test_business_staff_of_the_park_becomes_account_manager_and_it_is_audited(park, clerk):
    enterprise = EnterpriseFactory(park=park)
    manager = staff(Role.BUSINESS_STAFF, park)
    response = client_for(clerk).patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"account_manager": manager.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert enterprise.account_manager == manager
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.after == {"account_manager_id": manager.pk}


def test_creating_with_another_parks_account_manager_is_refused(park, other_park, clerk):
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    response = client_for(clerk).post(
        "/api/v1/enterprises/",
        {
            "park": park.pk,
            "name": "苏州客户经理测试有限公司",
            "credit_code": make_credit_code(4242),
            "legal_representative": "周明",
            "registered_capital": "800",
            "industry": "it",
            "contact_name": "陈静",
            "contact_phone": "13912345678",
            "account_manager": outsider.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "account_manager" in response.json()["errors"]
