"""R-ENT-5 and R-ENT-2: without a valid licence and an approved review nothing goes ahead;
licence expiry alerts; admission fees only from the published tariff."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from parkflow.core import gates, reviews, rules
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.intake import guards
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import AdmissionFee
from parkflow.intake.tests.factories import application_under_review, upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

TODAY = timezone.localdate


def test_an_application_without_a_licence_cannot_be_submitted(park, clerk, reviewers):
    enterprise = EnterpriseFactory(park=park)
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    with pytest.raises(Conflict) as exc:
        intake_services.enterprise_submit_for_review(actor=clerk, enterprise=enterprise)
    assert "未上传营业执照" in str(exc.value)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLYING


def test_a_licence_that_expires_during_review_blocks_the_approval(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    upload_licence(
        enterprise,
        clerk,
        valid_from=TODAY() - datetime.timedelta(days=400),
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    first, second = gates.latest_round(enterprise, ADMISSION)
    reviews.decide(actor=first.assigned_to, review=first, decision="approve")
    decided = reviews.decide(actor=second.assigned_to, review=second, decision="approve")
    # The reviewers' decision on the content stands; admitting the enterprise is intake's own
    # step after it, refused while the licence is expired — and said so (R-ENT-5).
    assert decided.review.decision == "approve"
    error = decided.consequence_error
    assert isinstance(error, Conflict)
    assert "营业执照（第2版）已于" in str(error) and "过期" in str(error)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    with pytest.raises(Conflict):  # applying the outcome again changes nothing yet
        intake_services.enterprise_record_admission_outcome(actor=clerk, review=second)
    # A current licence: the same step now admits the enterprise on the reviewers' approval.
    upload_licence(enterprise, clerk)
    intake_services.enterprise_record_admission_outcome(actor=clerk, review=second)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED


def test_a_failed_review_cannot_be_approved_by_any_other_step(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    review = gates.latest_round(enterprise, ADMISSION)[0]
    reviews.decide(actor=review.assigned_to, review=review, decision="reject", opinion="资质不符")
    enterprise.refresh_from_db()
    with pytest.raises(Conflict):
        intake_services.enterprise_approve(actor=clerk, enterprise=enterprise)
    with pytest.raises(Conflict):
        guards.ensure_in_good_standing(enterprise)


def test_good_standing_guard_names_the_expired_document(approved, clerk):
    guards.ensure_in_good_standing(approved, purpose="签订协议")
    later = time_machine.travel(timezone.now() + datetime.timedelta(days=3651))
    with later, pytest.raises(Conflict) as exc:
        guards.ensure_in_good_standing(approved, purpose="签订协议")
    assert exc.value.requirement == "R-ENT-5"
    assert "不能签订协议" in str(exc.value) and "营业执照（第1版）已于" in str(exc.value)


def test_an_approved_enterprise_becomes_resident_only_with_a_valid_licence(approved, clerk):
    later = time_machine.travel(timezone.now() + datetime.timedelta(days=3651))
    with later, pytest.raises(Conflict):
        services.enterprise_transition(actor=clerk, enterprise=approved, action="move_in")
    services.enterprise_transition(actor=clerk, enterprise=approved, action="move_in")
    assert Enterprise.objects.get(pk=approved.pk).status == EnterpriseStatus.RESIDENT


def test_editing_registration_facts_after_approval_takes_the_enterprise_out_of_good_standing(
    approved, clerk
):
    services.enterprise_update(actor=clerk, enterprise=approved, legal_representative="新法人")
    with pytest.raises(Conflict) as exc:
        guards.ensure_in_good_standing(Enterprise.objects.get(pk=approved.pk))
    assert "审核后信息已变更" in str(exc.value)


def test_licence_expiring_in_thirty_days_raises_one_alert_and_expiry_raises_another(
    approved, clerk
):
    upload_licence(approved, clerk, valid_until=TODAY() + datetime.timedelta(days=20))
    assert rules.sweep_rule("enterprises.licence_expiring") == (1, 0)
    assert rules.sweep_rule("enterprises.licence_expiring") == (0, 0)
    assert rules.sweep_rule("enterprises.licence_expired") == (0, 0)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=21)):
        assert rules.sweep_rule("enterprises.licence_expiring") == (0, 1)
        assert rules.sweep_rule("enterprises.licence_expired") == (1, 0)
    alert = Alert.objects.get(rule_code="enterprises.licence_expired")
    assert alert.park == approved.park and alert.severity == "high"


def test_a_renewed_licence_clears_the_expiry_alert(
    approved, clerk, django_capture_on_commit_callbacks
):
    old = upload_licence(approved, clerk, valid_until=TODAY() + datetime.timedelta(days=10))
    rules.sweep_rule("enterprises.licence_expiring")
    assert Alert.objects.get(rule_code="enterprises.licence_expiring").object_id == str(old.pk)
    upload_licence(approved, clerk, valid_until=TODAY() + datetime.timedelta(days=1000))
    rules.sweep_rule("enterprises.licence_expiring")
    assert Alert.objects.get(rule_code="enterprises.licence_expiring").status == "resolved"


def test_uploading_a_renewed_licence_resolves_the_expiring_alert_at_once_without_a_sweep(
    approved, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = upload_licence(approved, clerk, valid_until=TODAY() + datetime.timedelta(days=10))
    alert = Alert.objects.get(rule_code="enterprises.licence_expiring")
    assert alert.object_id == str(old.pk) and alert.status == "open"  # opened by the upload
    with django_capture_on_commit_callbacks(execute=True):
        new = upload_licence(approved, clerk, valid_until=TODAY() + datetime.timedelta(days=1000))
    alert.refresh_from_db()
    assert alert.status == "resolved"  # no sweep ran: the upload re-checked the old licence
    assert alert.resolved_at is not None
    assert not Alert.objects.filter(object_id=str(new.pk)).exists()
    assert rules.sweep_rule("enterprises.licence_expiring") == (0, 0)  # nothing left to do


def test_an_enterprise_leaving_resolves_its_licence_alert_at_once(
    approved, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_licence(approved, clerk, valid_until=TODAY() + datetime.timedelta(days=10))
        services.enterprise_transition(actor=clerk, enterprise=approved, action="move_in")
    assert Alert.objects.get(rule_code="enterprises.licence_expiring").status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_transition(actor=clerk, enterprise=approved, action="start_exit")
        services.enterprise_transition(actor=clerk, enterprise=approved, action="complete_exit")
    assert Alert.objects.get(rule_code="enterprises.licence_expiring").status == "resolved"


def test_the_rules_kernel_names_no_domain_model():
    from pathlib import Path

    source = (Path(rules.__file__)).read_text(encoding="utf-8")
    assert "enterprise" not in source.lower() and "QualificationDocument" not in source


def test_admission_fee_is_the_published_tariff_and_cannot_be_discounted(approved, park):
    lead = staff(Role.LEAD_STAFF, park)
    finance = staff(Role.FINANCE_STAFF, park)
    with pytest.raises(ValidationFailed):
        intake_services.tariff_publish(
            actor=lead,
            park=park,
            amount="5000",
            effective_from=TODAY() - datetime.timedelta(days=1),
        )
    intake_services.tariff_publish(actor=lead, park=park, amount="5000", effective_from=TODAY())
    with pytest.raises(TypeError):
        intake_services.admission_fee_charge(
            actor=finance, enterprise=approved, amount=Decimal("100")
        )  # no such argument
    fee = intake_services.admission_fee_charge(actor=finance, enterprise=approved)
    assert fee.amount == Decimal("5000.00")
    with pytest.raises(Conflict):
        intake_services.admission_fee_charge(actor=finance, enterprise=approved)
    assert AdmissionFee.objects.count() == 1


def test_frontline_staff_cannot_publish_a_tariff(park):
    with pytest.raises(PermissionDenied):
        intake_services.tariff_publish(
            actor=staff(Role.BUSINESS_STAFF, park), park=park, amount="1", effective_from=TODAY()
        )


def test_no_fee_is_charged_to_an_enterprise_not_in_good_standing(park, clerk):
    lead = staff(Role.LEAD_STAFF, park)
    intake_services.tariff_publish(actor=lead, park=park, amount="5000", effective_from=TODAY())
    with pytest.raises(Conflict):
        intake_services.admission_fee_charge(
            actor=staff(Role.FINANCE_STAFF, park), enterprise=EnterpriseFactory(park=park)
        )
