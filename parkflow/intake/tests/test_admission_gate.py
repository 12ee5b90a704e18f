"""The admission gate (R-ENT-3, R-CPL-1, R-ORG-4): the kernel gate applied to the enterprise application — its consequences, conflict and account-manager exclusions. The gate mechanism itself is tested on the test-only domain in core/tests/test_gates.py."""

import datetime

import pytest

from parkflow.core import gates, reviews
from parkflow.core.errors import Conflict, GateNotPassed, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import make_credit_code, prospect_create
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.tests.factories import under_review_without_draw, upload_licence
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import ParkFactory, grant_also, staff


@pytest.fixture
def people(park):
    return {
        "clerk": staff(Role.BUSINESS_STAFF, park),
        "reviewer": staff(Role.RISK_OFFICER, park),
        "second_reviewer": staff(Role.LEAD_STAFF, park),
    }


def _application(park, clerk, *, reviewers=None, **overrides):
    """Under review with one open review assigned to ``reviewers`` (default: none opened):
    these tests are about the gate itself; the double-random draw has its own tests."""
    enterprise = prospect_create(actor=clerk, park=park, **overrides)
    upload_licence(enterprise, clerk)
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    under_review_without_draw(enterprise)
    if reviewers:
        ADMISSION.request(actor=clerk, obj=enterprise, reviewers=reviewers)
    return enterprise


def _pending(enterprise):
    return gates.reviews_of(enterprise, ADMISSION).get(decision="pending")


def test_guarded_step_without_approval_is_refused_and_names_the_gate(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    with pytest.raises(GateNotPassed) as exc:
        intake_services.enterprise_approve(actor=people["clerk"], enterprise=enterprise)
    assert exc.value.code == "gate_not_passed"
    assert "企业准入资质审核" in str(exc.value)
    assert exc.value.requirement == "R-ENT-3"
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW


def test_approval_by_an_eligible_reviewer_opens_the_gate(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    reviews.decide(
        actor=people["reviewer"],
        review=_pending(enterprise),
        decision="approve",
        opinion="资料齐全",
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED
    assert ADMISSION.is_passed(enterprise)
    review = gates.latest_decision(enterprise, ADMISSION)
    assert review.reviewer == people["reviewer"]
    assert review.content_hash == gates.content_hash(enterprise, ADMISSION)


def test_nobody_reviews_what_they_created(park, people):
    # The clerk also holds a reviewer role in this park: still may not review their own application.
    from parkflow.org.models import RoleAssignment

    RoleAssignment.objects.create(user=people["clerk"], role=Role.RISK_OFFICER, unit=park)
    enterprise = _application(park, people["clerk"])
    events = AuditEvent.objects.count()
    # Named as the reviewer of one's own application: refused when the round is opened ...
    with pytest.raises(ValidationFailed) as exc:
        ADMISSION.request(actor=people["clerk"], obj=enterprise, reviewers=[people["clerk"]])
    assert "职责分离" in str(exc.value.errors)
    assert not gates.reviews_of(enterprise, ADMISSION).exists()
    assert AuditEvent.objects.count() == events
    # ... and as its creator, whoever asked for the review (R-ORG-4).
    refusal = gates.reviewer_refusal(people["clerk"], enterprise, ADMISSION)
    assert refusal.code == "self_review" and "职责分离" in str(refusal.message)


def test_a_declared_conflict_of_interest_excludes_the_reviewer(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    intake_services.conflict_declare(
        actor=people["reviewer"], enterprise=enterprise, reason="配偶在该企业任职"
    )
    with pytest.raises(PermissionDenied) as exc:
        reviews.decide(actor=people["reviewer"], review=_pending(enterprise), decision="approve")
    assert "利益冲突" in str(exc.value)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW


def test_account_manager_cannot_review_their_own_client(park, people):
    grant_also(people["reviewer"], Role.BUSINESS_STAFF, park)  # also an account manager
    enterprise = _application(park, people["clerk"], account_manager=people["reviewer"])
    with pytest.raises(ValidationFailed) as exc:
        ADMISSION.request(actor=people["clerk"], obj=enterprise, reviewers=[people["reviewer"]])
    assert "客户经理" in str(exc.value.errors)
    refusal = gates.reviewer_refusal(people["reviewer"], enterprise, ADMISSION)
    assert refusal.requirement == "R-ENT-3" and "客户经理" in str(refusal.message)


def test_reviewer_without_the_role_in_this_park_is_refused(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    outsider = staff(Role.RISK_OFFICER, ParkFactory())
    with pytest.raises(PermissionDenied):
        reviews.decide(actor=outsider, review=_pending(enterprise), decision="approve")
    finance = staff(Role.FINANCE_STAFF, park)
    with pytest.raises(PermissionDenied):
        reviews.decide(actor=finance, review=_pending(enterprise), decision="approve")


def test_reviewer_with_lapsed_compliance_status_cannot_review(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    reviewer = people["reviewer"]
    ComplianceRecord.objects.filter(user=reviewer, kind=ComplianceKind.ONBOARDING).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # as the next request reads them
    with pytest.raises(PermissionDenied) as exc:
        reviews.decide(actor=reviewer, review=_pending(enterprise), decision="approve")
    assert exc.value.requirement == "R-ORG-5"
    assert "新员工服务规范培训" in str(exc.value)


def test_change_after_approval_invalidates_it(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    reviews.decide(actor=people["reviewer"], review=_pending(enterprise), decision="approve")
    services.enterprise_update(
        actor=people["clerk"], enterprise=enterprise, name="苏州星河智能科技集团有限公司"
    )
    enterprise.refresh_from_db()
    assert not ADMISSION.is_passed(enterprise)
    with pytest.raises(GateNotPassed) as exc:
        ADMISSION.require(enterprise)
    assert exc.value.code == "gate_stale"


def test_editing_fields_outside_the_review_keeps_the_approval(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    reviews.decide(actor=people["reviewer"], review=_pending(enterprise), decision="approve")
    services.enterprise_update(
        actor=people["clerk"], enterprise=enterprise, contact_phone="13700000000"
    )
    enterprise.refresh_from_db()
    assert ADMISSION.is_passed(enterprise)


def test_filling_in_the_licence_fields_after_approval_keeps_the_approval(park, people):
    """类型, 成立日期, 住所 and 经营范围 (issue 13) are register facts, not reviewed ones: a
    licence read after admission may fill them in without a new review."""
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    reviews.decide(actor=people["reviewer"], review=_pending(enterprise), decision="approve")
    services.enterprise_update(
        actor=people["clerk"],
        enterprise=enterprise,
        company_type="有限责任公司（自然人投资或控股）",
        established_on=datetime.date(2019, 3, 12),
        registered_address="上海市浦东新区张江路665号3层",
        business_scope="一般项目：软件开发；信息系统集成服务",
    )
    enterprise.refresh_from_db()
    assert ADMISSION.is_passed(enterprise)


def test_content_changed_while_under_review_cannot_be_approved(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    services.enterprise_update(
        actor=people["clerk"], enterprise=enterprise, registered_capital="900"
    )
    with pytest.raises(Conflict) as exc:
        reviews.decide(actor=people["reviewer"], review=_pending(enterprise), decision="approve")
    assert exc.value.code == "review_content_changed"


def test_rejection_needs_a_written_opinion_and_suspends_the_application(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    with pytest.raises(ValidationFailed) as exc:
        reviews.decide(
            actor=people["reviewer"], review=_pending(enterprise), decision="reject", opinion=" "
        )
    assert "opinion" in exc.value.errors
    reviews.decide(
        actor=people["reviewer"],
        review=_pending(enterprise),
        decision="reject",
        opinion="营业执照已过期",
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.REJECTED
    with pytest.raises(GateNotPassed) as exc:
        ADMISSION.require(enterprise)
    assert exc.value.code == "gate_rejected"


def test_a_decided_review_cannot_be_decided_again(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    review = _pending(enterprise)
    reviews.decide(actor=people["reviewer"], review=review, decision="approve")
    with pytest.raises(Conflict):
        reviews.decide(
            actor=people["second_reviewer"], review=review, decision="reject", opinion="不同意"
        )
    assert Review.objects.get(pk=review.pk).decision == "approve"


def test_review_assigned_to_someone_else_cannot_be_taken(park, people):
    enterprise = _application(park, people["clerk"], reviewers=[people["second_reviewer"]])
    with pytest.raises(PermissionDenied):
        reviews.decide(actor=people["reviewer"], review=_pending(enterprise), decision="approve")
    assert list(gates.pending_for(people["reviewer"])) == []
    assert list(gates.pending_for(people["second_reviewer"])) == [_pending(enterprise)]


def test_review_inbox_shows_open_reviews_to_eligible_roles_in_scope_only(park, people, other_park):
    enterprise = _application(park, people["clerk"], reviewers=[people["reviewer"]])
    assert _pending(enterprise) in gates.pending_for(people["reviewer"])
    assert not gates.pending_for(people["clerk"]).exists()
    assert not gates.pending_for(staff(Role.RISK_OFFICER, other_park)).exists()


def _two_reviewer_round(park, people):
    return _application(
        park,
        people["clerk"],
        reviewers=[people["reviewer"], people["second_reviewer"]],
        name="常州双审新能源有限公司",
        credit_code=make_credit_code(9),
    )


def test_a_round_of_two_reviewers_opens_the_gate_only_when_both_approve(park, people):
    enterprise = _two_reviewer_round(park, people)
    first, second = gates.latest_round(enterprise, ADMISSION)
    reviews.decide(actor=people["reviewer"], review=first, decision="approve")
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    with pytest.raises(GateNotPassed):
        ADMISSION.require(enterprise)
    reviews.decide(actor=people["second_reviewer"], review=second, decision="approve")
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED
    assert len(ADMISSION.require(enterprise)) == 2


def test_one_refusal_in_the_round_rejects_and_withdraws_the_other_review(park, people):
    enterprise = _two_reviewer_round(park, people)
    first, second = gates.latest_round(enterprise, ADMISSION)
    reviews.decide(
        actor=people["reviewer"], review=first, decision="reject", opinion="财务报表不实"
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.REJECTED
    second.refresh_from_db()
    assert second.decision == "withdrawn"
    assert not gates.pending_for(people["second_reviewer"]).exists()
