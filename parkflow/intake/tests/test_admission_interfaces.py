"""R-ENT-5 / R-CPL-1 through every interface: an enterprise without a valid licence, with an
expired licence, with a failed review or with an unresolved brand flag cannot be approved —
not through the service, not through the API, not through the admin."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core import reviews
from parkflow.core.errors import Conflict
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import make_credit_code, prospect_create
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import ProtectedBrand
from parkflow.intake.tests.factories import under_review_without_draw, upload_licence
from parkflow.org.choices import Role
from parkflow.org.models import RoleAssignment
from parkflow.org.tests.factories import OrgUnitFactory, staff

CONDITIONS = ["no_licence", "expired_licence", "failed_review", "brand_flag"]
INTERFACES = ["service", "api", "admin"]


def _under_review(park, clerk, reviewer, condition):
    """An application put into the state the condition describes, through the services. Where
    the condition needs an approved review, the review is decided while the application is still
    "applying" so that the approval does not admit it on the spot."""
    if condition == "brand_flag":
        ProtectedBrand.objects.create(name="华为", aliases="HUAWEI", reading="hua2 wei2")
    # The name is what matters: a homophone of a protected brand raises the flag.
    name = "苏州华维通信有限公司" if condition == "brand_flag" else "苏州清源检测有限公司"
    enterprise = prospect_create(
        actor=clerk, park=park, name=name, credit_code=make_credit_code(31)
    )
    if condition != "no_licence":
        upload_licence(
            enterprise, clerk, valid_until=timezone.localdate() + datetime.timedelta(days=30)
        )
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    (review,) = ADMISSION.request(actor=clerk, obj=enterprise, reviewers=[reviewer])
    if condition == "failed_review":
        under_review_without_draw(enterprise)
        reviews.decide(actor=reviewer, review=review, decision="reject", opinion="资质不符")
        Enterprise.objects.filter(pk=enterprise.pk).update(status=EnterpriseStatus.UNDER_REVIEW)
    else:
        reviews.decide(actor=reviewer, review=review, decision="approve", opinion="同意")
        under_review_without_draw(enterprise)
    return Enterprise.objects.get(pk=enterprise.pk)


def _approve(interface, enterprise, approver):
    if interface == "service":
        try:
            intake_services.enterprise_approve(actor=approver, enterprise=enterprise)
        except Conflict as exc:
            return str(exc)
        return ""
    if interface == "api":
        client = APIClient()
        client.force_authenticate(approver)
        response = client.post(f"/api/v1/enterprises/{enterprise.pk}/approve/")
        assert response.status_code == 409, response.content
        return response.json()["detail"]
    from django.test import Client

    approver.is_staff = approver.is_superuser = True
    approver.save()
    client = Client()
    client.force_login(approver)
    url = reverse("admin:enterprises_enterprise_changelist")
    response = client.post(
        url, {"action": "approve_admission", "_selected_action": [enterprise.pk]}, follow=True
    )
    return " ".join(str(m) for m in response.context["messages"])


EXPECTED = {
    "no_licence": "未上传营业执照",
    "expired_licence": "过期",
    "failed_review": "不通过",
    "brand_flag": "品牌冒用嫌疑",
}


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize("condition", CONDITIONS)
def test_an_enterprise_that_fails_a_condition_cannot_be_approved_through_any_interface(
    park, condition, interface
):
    clerk = staff(Role.BUSINESS_STAFF, park)
    reviewer = staff(Role.RISK_OFFICER, park)
    approver = staff(Role.OFFICE_STAFF, OrgUnitFactory())
    RoleAssignment.objects.create(
        user=approver, role=Role.SYSTEM_ADMIN, unit=approver.role_assignments.get().unit
    )
    enterprise = _under_review(park, clerk, reviewer, condition)
    later = time_machine.travel(
        timezone.now() + datetime.timedelta(days=45 if condition == "expired_licence" else 0)
    )
    with later:
        events = AuditEvent.objects.count()
        message = _approve(interface, enterprise, approver)
        assert EXPECTED[condition] in message, message
        assert Enterprise.objects.get(pk=enterprise.pk).status == EnterpriseStatus.UNDER_REVIEW
        assert AuditEvent.objects.filter(action="enterprise.approve").count() == 0
        assert AuditEvent.objects.count() == events
