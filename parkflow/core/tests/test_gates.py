"""R-CPL-1 / R-ORG-4: the gate mechanism, on the test-only domain (parkflow.testdomain): a
guarded step needs a current approval by an eligible reviewer, bound to the content's hash; the
kernel records decisions and nothing else. Quorum, order, condition and the threshold are in
test_gates_multisig.py, the interfaces in test_gates_interfaces.py, the random sequences in
test_gates_stateful.py; the enterprise admission gate's consequences in intake's tests."""

import datetime

import pytest

from parkflow.core import gates, reviews, signals, workflow
from parkflow.core.errors import Conflict, GateNotPassed, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent, Review
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
    (review,) = SIGNOFF.request(actor=people["clerk"], obj=errand)
    return errand, review


def test_a_gate_is_an_imported_object_registered_under_its_stored_code():
    assert gates.get_gate(SIGNOFF.code) is SIGNOFF
    assert SIGNOFF.model_class is Errand
    with pytest.raises(ValueError):
        gates.register(gates.Gate(**{**SIGNOFF.__dict__, "label": "另一个"}))


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
    reviews.review_decide(actor=people["reviewer"], review=review, decision="approve")
    assert SIGNOFF.is_passed(errand)
    decided = gates.latest_decision(errand, SIGNOFF)
    assert decided.content_hash == gates.content_hash(errand, SIGNOFF)
    workflow.transition(actor=people["lead"], obj=errand, name="complete")
    errand.refresh_from_db()
    assert errand.status == "done" and errand.done_by == people["lead"]


def test_requesting_needs_the_declared_action_on_the_object(park, other_park, people):
    errand = submitted(park, people["clerk"])
    for outsider in (staff(Role.BUSINESS_STAFF, other_park), people["reviewer"]):
        with pytest.raises(PermissionDenied):
            SIGNOFF.request(actor=outsider, obj=errand)
    assert not gates.reviews_of(errand).exists()


def test_nobody_reviews_what_they_requested(park, people):
    errand, review = _requested(park, people)
    grant_also(people["clerk"], Role.RISK_OFFICER, park)
    with pytest.raises(PermissionDenied) as exc:
        reviews.review_decide(actor=people["clerk"], review=review, decision="approve")
    assert exc.value.code == "self_review"


def test_nobody_reviews_what_they_created_even_when_someone_else_requested_it(park, people):
    """The requester, the initiator and the creator never sign (R-ORG-4)."""
    creator = staff(Role.BUSINESS_STAFF, park)
    grant_also(creator, Role.RISK_OFFICER, park)
    errand = submitted(park, creator)
    (review,) = SIGNOFF.request(actor=people["clerk"], obj=errand)  # a colleague asks
    with pytest.raises(PermissionDenied) as exc:
        reviews.review_decide(actor=creator, review=review, decision="approve")
    assert exc.value.code == "self_review" and exc.value.requirement == "R-ORG-4"


def test_a_reviewer_without_the_role_in_this_park_is_refused(park, other_park, people):
    errand, review = _requested(park, people)
    for outsider in (staff(Role.RISK_OFFICER, other_park), staff(Role.FINANCE_STAFF, park)):
        with pytest.raises(PermissionDenied):
            reviews.review_decide(actor=outsider, review=review, decision="approve")
    assert Review.objects.get(pk=review.pk).is_pending


def test_a_reviewer_with_lapsed_compliance_cannot_review(park, people):
    """org's reviewer check (R-ORG-5) applies to every gate, registered through a hook."""
    errand, review = _requested(park, people)
    reviewer = people["reviewer"]
    ComplianceRecord.objects.filter(user=reviewer, kind=ComplianceKind.ONBOARDING).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    with pytest.raises(PermissionDenied) as exc:
        reviews.review_decide(actor=reviewer, review=review, decision="approve")
    assert exc.value.requirement == "R-ORG-5"


def test_a_declared_conflict_excludes_the_reviewer(park, people):
    """The gate's ``excluded`` hook (R-ORG-4): a declared conflict of interest."""
    from parkflow.testdomain import services

    errand, review = _requested(park, people)
    services.errand_declare_conflict(
        actor=people["reviewer"], errand=errand, reason="亲属为该事项供应商"
    )
    with pytest.raises(PermissionDenied) as exc:
        reviews.review_decide(actor=people["reviewer"], review=review, decision="approve")
    assert exc.value.code == "reviewer_excluded" and "利益冲突" in str(exc.value)


def test_a_change_of_the_reviewed_content_invalidates_the_approval(park, people):
    errand, review = _requested(park, people)
    reviews.review_decide(actor=people["reviewer"], review=review, decision="approve")
    Errand.objects.filter(pk=errand.pk).update(title="改过的事项")
    with pytest.raises(GateNotPassed) as exc:
        SIGNOFF.require(errand)
    assert exc.value.code == "gate_stale"


def test_a_change_outside_the_reviewed_content_keeps_it(park, people):
    errand, review = _requested(park, people)
    reviews.review_decide(actor=people["reviewer"], review=review, decision="approve")
    Errand.objects.filter(pk=errand.pk).update(assignee=people["lead"])
    assert SIGNOFF.is_passed(errand)


def test_a_rejection_needs_an_opinion_and_closes_the_gate(park, people):
    errand, review = _requested(park, people)
    with pytest.raises(ValidationFailed):
        reviews.review_decide(actor=people["reviewer"], review=review, decision="reject")
    reviews.review_decide(
        actor=people["reviewer"], review=review, decision="reject", opinion="现场未整改"
    )
    with pytest.raises(GateNotPassed) as exc:
        SIGNOFF.require(errand)
    assert exc.value.code == "gate_rejected"


def test_a_decided_review_cannot_be_decided_again(park, people):
    _errand, review = _requested(park, people)
    reviews.review_decide(actor=people["reviewer"], review=review, decision="approve")
    with pytest.raises(Conflict):
        reviews.review_decide(actor=people["second_reviewer"], review=review, decision="approve")


def test_a_second_request_on_the_same_content_is_refused_while_a_round_is_open(park, people):
    errand, _review = _requested(park, people)
    with pytest.raises(Conflict) as exc:
        SIGNOFF.request(actor=people["clerk"], obj=errand)
    assert exc.value.code == "review_pending"


def test_the_kernel_only_records_a_decision_and_announces_it(park, people):
    """review_decide records the decision and sends ``review_decided`` inside its transaction;
    ``review_requested`` when a review is created. No domain code runs: the errand stays
    submitted until someone completes it (the step the gate guards)."""
    requested, decided = [], []

    def on_requested(sender, review, **kwargs):
        requested.append(review.pk)

    def on_decided(sender, review, **kwargs):
        decided.append((review.pk, review.decision))

    signals.review_requested.connect(on_requested)
    signals.review_decided.connect(on_decided)
    try:
        errand, review = _requested(park, people)
        reviews.review_decide(actor=people["reviewer"], review=review, decision="approve")
    finally:
        signals.review_requested.disconnect(on_requested)
        signals.review_decided.disconnect(on_decided)
    assert requested == [review.pk] and decided == [(review.pk, "approve")]
    errand.refresh_from_db()
    assert errand.status == "submitted"


def test_decide_runs_the_declared_consequence_after_the_decision_and_reports_a_refusal(
    park, people, monkeypatch
):
    """``reviews.decide`` (what the page and the API call): the decision first, then the gate's
    consequence in a transaction of its own; a refused consequence leaves the decision."""
    import dataclasses

    calls = []

    def consequence(*, actor, review):
        calls.append((actor, review.decision))
        raise Conflict("not_now", "暂不能办理", requirement="R-CPL-1")

    monkeypatch.setitem(
        gates.GATES, SIGNOFF.code, dataclasses.replace(SIGNOFF, consequence=consequence)
    )
    _errand, review = _requested(park, people)
    result = reviews.decide(actor=people["reviewer"], review=review, decision="approve")
    assert calls == [(people["reviewer"], "approve")]
    assert result.consequence_error.code == "not_now"
    assert Review.objects.get(pk=review.pk).decision == "approve"
