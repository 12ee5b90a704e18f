"""Multi-signature gates (R-CPL-1, R-ORG-4, R-BIL-4) on the test-only domain's chain: the sign-off
(any risk officer) → two finance signatures at or above the large-amount threshold (pooled,
quorum 2) → the named in-charge leader (assigned). Never released with fewer than the quorum of
distinct eligible approvers of the current content; in order; selected by the condition; the
threshold is an administrator's audited parameter."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from parkflow.core import gates, reviews, workflow
from parkflow.core.errors import Conflict, GateNotPassed, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent, GateSetting, Review
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import OrgUnitFactory, grant_also, staff
from parkflow.testdomain import services
from parkflow.testdomain.gates import LARGE_AMOUNT, LEADERSHIP, SIGNOFF
from parkflow.testdomain.tests.factories import submitted

pytestmark = pytest.mark.django_db

LARGE = Decimal("80000.00")


@pytest.fixture
def people(park):
    return {
        "clerk": staff(Role.BUSINESS_STAFF, park, display_name="王晓明"),
        "lead": staff(Role.LEAD_STAFF, park),
        "risk": staff(Role.RISK_OFFICER, park, display_name="陈静"),
        "f1": staff(Role.FINANCE_STAFF, park, display_name="李会计"),
        "f2": staff(Role.FINANCE_STAFF, park, display_name="赵出纳"),
        "f3": staff(Role.FINANCE_STAFF, park, display_name="孙审核"),
        "deputy": staff(Role.DEPUTY, park, display_name="周副总"),
    }


@pytest.fixture
def admin(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))


def _signed_off(park, people, amount=LARGE, **kwargs):
    """A submitted errand of ``amount`` whose sign-off a risk officer approved."""
    errand = submitted(park, people["clerk"], amount=amount, **kwargs)
    (review,) = SIGNOFF.request(actor=people["clerk"], obj=errand)
    reviews.review_decide(actor=people["risk"], review=review, decision="approve")
    return errand


def _sign(person, review, decision="approve", opinion=""):
    return reviews.review_decide(actor=person, review=review, decision=decision, opinion=opinion)


def _open_signatures(errand, gate=LARGE_AMOUNT):
    return [r for r in gates.latest_round(errand, gate) if r.is_pending]


def _complete(people, errand):
    return workflow.transition(actor=people["lead"], obj=errand, name="complete")


def _lapse(user):
    ComplianceRecord.objects.filter(user=user, kind=ComplianceKind.ONBOARDING).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    return type(user).objects.get(pk=user.pk)  # as the next request reads it


# --- the condition and the threshold (R-BIL-4) -------------------------------------------------


def test_the_condition_selects_the_two_signature_gate_only_at_or_above_the_threshold(park, people):
    below = _signed_off(park, people, amount=Decimal("49999.99"))
    at = _signed_off(park, people, amount=Decimal("50000.00"))
    assert gates.applicable(below, (SIGNOFF, LARGE_AMOUNT, LEADERSHIP)) == [SIGNOFF]
    assert gates.applicable(at, (SIGNOFF, LARGE_AMOUNT, LEADERSHIP)) == [
        SIGNOFF,
        LARGE_AMOUNT,
        LEADERSHIP,
    ]
    _complete(people, below)  # the sign-off is all it needs
    with pytest.raises(GateNotPassed) as exc:
        _complete(people, at)
    assert exc.value.code == "gate_not_passed" and exc.value.requirement == "R-BIL-4"
    assert "大额事项财务双签" in str(exc.value) and "须 2 名不同人员签署，已签 0 人" in str(
        exc.value
    )
    with pytest.raises(Conflict) as exc:
        LARGE_AMOUNT.request(actor=people["clerk"], obj=below)
    assert exc.value.code == "gate_not_applicable"


def test_the_threshold_is_an_administrators_audited_parameter_that_takes_effect_at_once(
    park, people, admin
):
    errand = _signed_off(park, people, amount=LARGE)
    assert LARGE_AMOUNT.param("threshold") == 50000 and LARGE_AMOUNT.applies_to(errand)
    # Only who configures the rules; values checked against the declared bounds.
    for outsider in (people["lead"], staff(Role.SYSTEM_ADMIN, park)):
        with pytest.raises(PermissionDenied):
            reviews.gate_setting_update(
                actor=outsider, gate=LARGE_AMOUNT, params={"threshold": 100000}
            )
    for bad in (-1, "五万", 10**12):
        with pytest.raises(ValidationFailed):
            reviews.gate_setting_update(actor=admin, gate=LARGE_AMOUNT, params={"threshold": bad})
    assert not AuditEvent.objects.filter(action="gate.configure").exists()

    reviews.gate_setting_update(
        actor=admin, gate=LARGE_AMOUNT, params={"threshold": 100000}, reason="集团调整大额标准"
    )
    event = AuditEvent.objects.get(action="gate.configure")
    assert event.before == {"params": {"threshold": 50000}}
    assert event.after == {"params": {"threshold": 100000}}
    assert event.reason == "集团调整大额标准" and event.actor_id == admin.pk
    assert event.object_repr == "大额事项财务双签"
    assert not LARGE_AMOUNT.applies_to(errand) and not LEADERSHIP.applies_to(errand)
    _complete(people, errand)  # ¥80,000 is no longer a large amount
    errand.refresh_from_db()
    assert errand.status == "done"


def test_a_stored_parameter_out_of_its_range_falls_back_to_the_default(park, people):
    GateSetting.objects.create(code=LARGE_AMOUNT.code, params={"threshold": -5})
    assert LARGE_AMOUNT.param("threshold") == 50000


# --- quorum and segregation (R-ORG-4) -----------------------------------------------------------


def test_two_signatures_are_two_distinct_people(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    _sign(people["f1"], first)
    assert not LARGE_AMOUNT.is_passed(errand)
    assert LARGE_AMOUNT.state(errand).signed == 1
    with pytest.raises(PermissionDenied) as exc:
        _sign(people["f1"], second)  # the same person twice
    assert exc.value.code == "already_signed" and exc.value.requirement == "R-ORG-4"
    assert Review.objects.get(pk=second.pk).is_pending
    with pytest.raises(GateNotPassed):
        _complete(people, errand)
    _sign(people["f2"], second)
    assert LARGE_AMOUNT.is_passed(errand)
    assert {r.reviewer for r in LARGE_AMOUNT.require(errand)} == {people["f1"], people["f2"]}


def test_a_round_opened_before_the_quorum_was_raised_does_not_pass(park, people):
    """The quorum is counted when the step is taken, not trusted from the round's size: a
    round of two signatures does not pass a gate that now asks for three."""
    import dataclasses

    errand = _signed_off(park, people)
    signatures = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    for review, person in zip(signatures, (people["f1"], people["f2"]), strict=True):
        _sign(person, review)
    assert LARGE_AMOUNT.is_passed(errand)
    three = dataclasses.replace(LARGE_AMOUNT, quorum=3)
    with pytest.raises(GateNotPassed) as exc:
        three.require(errand)
    assert "须 3 名不同人员签署，已签 2 人" in str(exc.value)


def test_the_database_refuses_a_second_signature_by_the_same_person(park, people):
    """The same rule as a constraint: written around the service, it still cannot stand."""
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    _sign(people["f1"], first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=second.pk).update(
            decision="approve", reviewer=people["f1"], decided_at=first.decided_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=second.pk).update(
            decision="approve", reviewer=people["clerk"], decided_at=first.decided_at
        )


def test_quorum_two_with_the_initiator_trying_to_sign_is_never_released(park, people):
    """The errand's creator holds the finance role too, and a colleague asked for the
    signatures: the creator (initiator) and the requester are both refused."""
    grant_also(people["clerk"], Role.FINANCE_STAFF, park)
    requester = staff(Role.BUSINESS_STAFF, park)
    grant_also(requester, Role.FINANCE_STAFF, park)
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=requester, obj=errand)
    for person in (people["clerk"], requester):
        with pytest.raises(PermissionDenied) as exc:
            _sign(person, first)
        assert exc.value.code == "self_review"
        with pytest.raises(PermissionDenied):
            reviews.review_claim(actor=person, review=second)
    _sign(people["f1"], first)
    with pytest.raises(GateNotPassed):
        _complete(people, errand)
    assert LARGE_AMOUNT.state(errand).signed == 1


def test_a_lapsed_signer_never_signs(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    _sign(people["f1"], first)
    lapsed = _lapse(people["f2"])
    with pytest.raises(PermissionDenied) as exc:
        _sign(lapsed, second)
    assert exc.value.requirement == "R-ORG-5"
    assert not LARGE_AMOUNT.is_passed(errand)
    _sign(people["f3"], second)
    assert LARGE_AMOUNT.is_passed(errand)


def test_a_conflicted_signer_never_signs(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    services.errand_declare_conflict(actor=people["f2"], errand=errand, reason="配偶为收款方")
    _sign(people["f1"], first)
    with pytest.raises(PermissionDenied) as exc:
        _sign(people["f2"], second)
    assert exc.value.code == "reviewer_excluded" and "利益冲突" in str(exc.value)
    with pytest.raises(PermissionDenied):
        reviews.review_claim(actor=people["f2"], review=second)
    assert not LARGE_AMOUNT.is_passed(errand)


def test_a_claimed_signature_is_signed_only_by_who_took_it(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    reviews.review_claim(actor=people["f1"], review=first)
    with pytest.raises(PermissionDenied) as exc:
        _sign(people["f2"], first)
    assert exc.value.code == "signature_claimed"
    with pytest.raises(PermissionDenied) as exc:  # one person, one signature per round
        reviews.review_claim(actor=people["f1"], review=second)
    assert exc.value.code == "already_signed"
    with pytest.raises(Conflict):
        reviews.review_claim(actor=people["f3"], review=first)
    _sign(people["f1"], first)
    _sign(people["f2"], second)
    assert LARGE_AMOUNT.is_passed(errand)


def test_one_refusal_decides_the_round_and_withdraws_its_open_signatures(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    _sign(people["f1"], first, "reject", "收款账户与合同不符")
    assert Review.objects.get(pk=second.pk).decision == "withdrawn"
    with pytest.raises(GateNotPassed) as exc:
        LARGE_AMOUNT.require(errand)
    assert exc.value.code == "gate_rejected"


def test_a_withdrawn_round_is_void_and_the_next_needs_all_its_signatures_again(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    _sign(people["f1"], first)
    with pytest.raises(PermissionDenied):  # only the requester withdraws
        reviews.review_withdraw(actor=people["f1"], review=second)
    reviews.review_withdraw(actor=people["clerk"], review=second, reason="补充付款依据")
    assert AuditEvent.objects.filter(action="review.withdraw_round").count() == 1
    with pytest.raises(Conflict):
        _sign(people["f2"], second)
    assert not LARGE_AMOUNT.is_passed(errand)
    third, fourth = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    assert third.round == first.round + 1
    _sign(people["f2"], third)
    assert not LARGE_AMOUNT.is_passed(errand)  # the first round's signature does not count
    _sign(people["f1"], fourth)  # a new round: f1 may sign again
    assert LARGE_AMOUNT.is_passed(errand)


# --- order: legal → finance → leadership ------------------------------------------------------


def test_the_finance_signatures_wait_for_the_sign_off(park, people):
    errand = submitted(park, people["clerk"], amount=LARGE)
    events = AuditEvent.objects.count()
    with pytest.raises(GateNotPassed) as exc:
        LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    assert exc.value.code == "gate_prerequisite_open"
    assert "须在“园区事项办结审查”通过后进行" in str(exc.value)
    assert AuditEvent.objects.count() == events and not gates.reviews_of(errand).exists()
    # The sign-off passes, the signatures are asked for; then the sign-off is submitted again
    # (a new round, still open): the finance staff may not sign while it is open.
    (signoff,) = SIGNOFF.request(actor=people["clerk"], obj=errand)
    _sign(people["risk"], signoff)
    first, _second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    SIGNOFF.request(actor=people["clerk"], obj=errand)
    with pytest.raises(GateNotPassed) as exc:
        _sign(people["f1"], first)
    assert exc.value.code == "gate_prerequisite_open" and "园区事项办结审查" in str(exc.value)
    with pytest.raises(GateNotPassed):
        reviews.review_claim(actor=people["f1"], review=first)
    assert Review.objects.get(pk=first.pk).is_pending


def test_the_leader_approves_after_the_finance_signatures_and_only_when_named(park, people):
    errand = _signed_off(park, people)
    with pytest.raises(GateNotPassed) as exc:
        LEADERSHIP.request(actor=people["clerk"], obj=errand, reviewers=[people["deputy"]])
    assert "大额事项财务双签" in str(exc.value)
    signatures = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    for review, person in zip(signatures, (people["f1"], people["f2"]), strict=True):
        _sign(person, review)
    with pytest.raises(ValidationFailed):  # an assigned gate needs its reviewer named
        LEADERSHIP.request(actor=people["clerk"], obj=errand)
    (approval,) = LEADERSHIP.request(
        actor=people["clerk"], obj=errand, reviewers=[people["deputy"]]
    )
    other_deputy = staff(Role.DEPUTY, park)
    with pytest.raises(PermissionDenied) as exc:
        _sign(other_deputy, approval)
    assert exc.value.code == "not_assigned"
    with pytest.raises(GateNotPassed) as exc:
        _complete(people, errand)
    assert "大额事项分管领导审批" in str(exc.value)
    _sign(people["deputy"], approval)
    _complete(people, errand)
    errand.refresh_from_db()
    assert errand.status == "done"


# --- content: an edit voids, a re-submission starts a new round --------------------------------


def _fully_approved(park, people):
    errand = _signed_off(park, people)
    signatures = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    for review, person in zip(signatures, (people["f1"], people["f2"]), strict=True):
        _sign(person, review)
    (approval,) = LEADERSHIP.request(
        actor=people["clerk"], obj=errand, reviewers=[people["deputy"]]
    )
    _sign(people["deputy"], approval)
    return errand


def test_an_edit_after_approval_voids_the_approvals(park, people):
    errand = _fully_approved(park, people)
    services.errand_update(actor=people["clerk"], errand=errand, amount="80001")
    for gate in (SIGNOFF, LARGE_AMOUNT, LEADERSHIP):
        assert not gate.is_passed(errand)
    with pytest.raises(GateNotPassed) as exc:
        _complete(people, errand)
    assert exc.value.code == "gate_stale"
    # Re-submitted, the chain starts again in order; the old signatures do not count.
    (signoff,) = SIGNOFF.request(actor=people["clerk"], obj=errand)
    assert signoff.round == 2
    _sign(people["risk"], signoff)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    assert first.round == 2 and LARGE_AMOUNT.state(errand).signed == 0


def test_a_pending_round_on_changed_content_is_withdrawn_when_resubmitted(park, people):
    errand = _signed_off(park, people)
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    _sign(people["f1"], first)
    services.errand_update(actor=people["clerk"], errand=errand, title="改过的大额事项")
    with pytest.raises(Conflict) as exc:
        _sign(people["f2"], second)
    # The sign-off is stale too, so the order holds: it is re-submitted first.
    assert exc.value.code == "gate_prerequisite_open"
    (signoff,) = SIGNOFF.request(actor=people["clerk"], obj=errand)
    _sign(people["risk"], signoff)
    with pytest.raises(Conflict) as exc:
        _sign(people["f2"], second)
    assert exc.value.code == "review_content_changed"
    new_first, new_second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    assert Review.objects.get(pk=second.pk).decision == "withdrawn"
    assert new_first.round == first.round + 1
    _sign(people["f1"], new_first)
    _sign(people["f2"], new_second)
    assert LARGE_AMOUNT.is_passed(errand)
