"""R-CPL-1 / R-ORG-4: the gate mechanism, on the test-only domain (parkflow.testdomain): a
guarded step needs a current approval by an eligible reviewer, bound to the content's hash.
The enterprise admission gate's consequences are tested in intake/tests/test_admission_gate.py."""

import datetime

import pytest

from parkflow.core import gates, workflow
from parkflow.core.errors import Conflict, GateNotPassed, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import grant_also, staff
from parkflow.testdomain.gates import SIGNOFF
from parkflow.testdomain.models import Errand
from parkflow.testdomain.tests.factories import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(park):
    return {
        "clerk": staff(Role.BUSINESS_STAFF, park),
        "lead": staff(Role.LEAD_STAFF, park),
        "reviewer": staff(Role.RISK_OFFICER, park),
        "second_reviewer": staff(Role.RISK_OFFICER, park),
    }


def _requested(park, people, **kwargs):
    errand = submitted(park, people["clerk"], **kwargs)
    review = gates.review_request(actor=people["clerk"], obj=errand, gate_code=SIGNOFF)
    return errand, review


def test_a_guarded_step_without_approval_is_refused_and_names_the_gate(park, people):
    errand, _review = _requested(park, people)
    before = AuditEvent.objects.count()
    with pytest.raises(GateNotPassed) as exc:
        workflow.transition(actor=people["lead"], obj=errand, name="complete")
    assert exc.value.code == "gate_not_passed" and exc.value.requirement == "R-CPL-1"
    assert "园区事项办结审查" in str(exc.value)
    assert AuditEvent.objects.count() == before  # a refusal writes nothing
    errand.refresh_from_db()
    assert errand.status == "submitted"


def test_approval_by_an_eligible_reviewer_opens_the_gate(park, people):
    errand, review = _requested(park, people)
    gates.review_decide(actor=people["reviewer"], review=review, decision="approve")
    assert gates.is_approved(errand, SIGNOFF)
    decided = gates.latest_decision(errand, SIGNOFF)
    assert decided.content_hash == gates.content_hash(errand, gates.get_gate(SIGNOFF))
    workflow.transition(actor=people["lead"], obj=errand, name="complete")
    errand.refresh_from_db()
    assert errand.status == "done" and errand.done_by == people["lead"]


def test_nobody_reviews_what_they_requested(park, people):
    errand, review = _requested(park, people)
    grant_also(people["clerk"], Role.RISK_OFFICER, park)
    with pytest.raises(PermissionDenied) as exc:
        gates.review_decide(actor=people["clerk"], review=review, decision="approve")
    assert exc.value.code == "self_review"


def test_a_reviewer_without_the_role_in_this_park_is_refused(park, other_park, people):
    errand, review = _requested(park, people)
    for outsider in (staff(Role.RISK_OFFICER, other_park), staff(Role.FINANCE_STAFF, park)):
        with pytest.raises(PermissionDenied):
            gates.review_decide(actor=outsider, review=review, decision="approve")


def test_a_reviewer_with_lapsed_compliance_cannot_review(park, people):
    """org's reviewer check (R-ORG-5) applies to every gate, registered through a hook."""
    errand, review = _requested(park, people)
    reviewer = people["reviewer"]
    ComplianceRecord.objects.filter(user=reviewer, kind=ComplianceKind.ONBOARDING).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    with pytest.raises(PermissionDenied) as exc:
        gates.review_decide(actor=reviewer, review=review, decision="approve")
    assert exc.value.requirement == "R-ORG-5"


def test_a_change_of_the_reviewed_content_invalidates_the_approval(park, people):
    errand, review = _requested(park, people)
    gates.review_decide(actor=people["reviewer"], review=review, decision="approve")
    Errand.objects.filter(pk=errand.pk).update(title="改过的事项")
    with pytest.raises(GateNotPassed) as exc:
        gates.require_approved(errand, SIGNOFF)
    assert exc.value.code == "gate_stale"


def test_a_change_outside_the_reviewed_content_keeps_it(park, people):
    errand, review = _requested(park, people)
    gates.review_decide(actor=people["reviewer"], review=review, decision="approve")
    Errand.objects.filter(pk=errand.pk).update(assignee=people["lead"])
    assert gates.is_approved(errand, SIGNOFF)


def test_a_rejection_needs_an_opinion_and_closes_the_gate(park, people):
    errand, review = _requested(park, people)
    with pytest.raises(ValidationFailed):
        gates.review_decide(actor=people["reviewer"], review=review, decision="reject")
    gates.review_decide(
        actor=people["reviewer"], review=review, decision="reject", opinion="现场未整改"
    )
    with pytest.raises(GateNotPassed) as exc:
        gates.require_approved(errand, SIGNOFF)
    assert exc.value.code == "gate_rejected"


def test_a_decided_review_cannot_be_decided_again(park, people):
    _errand, review = _requested(park, people)
    gates.review_decide(actor=people["reviewer"], review=review, decision="approve")
    with pytest.raises(Conflict):
        gates.review_decide(actor=people["second_reviewer"], review=review, decision="approve")


def test_a_round_of_two_opens_the_gate_only_when_both_approve(park, people):
    errand = submitted(park, people["clerk"])
    first = gates.review_request(
        actor=people["clerk"], obj=errand, gate_code=SIGNOFF, assigned_to=people["reviewer"]
    )
    second = gates.review_request(
        actor=people["clerk"],
        obj=errand,
        gate_code=SIGNOFF,
        assigned_to=people["second_reviewer"],
        round=first.round,
    )
    gates.review_decide(actor=people["reviewer"], review=first, decision="approve")
    assert not gates.is_approved(errand, SIGNOFF)
    gates.review_decide(actor=people["second_reviewer"], review=second, decision="approve")
    assert len(gates.require_approved(errand, SIGNOFF)) == 2
