"""Random sequences against the gates (R-CPL-1, R-ORG-4, R-BIL-4): Hypothesis plays the people of
a park — sign, reject, take a signature, withdraw a round, edit the errand, re-submit, change the
large-amount threshold, try to complete — and after every step checks that no gate reports
"passed", and the gated step (completing the errand) is never released, unless an independent
oracle agrees: every gate that applies has, in its latest round, at least its quorum of distinct
approvers, all eligible (the role; not the initiator or requester, not lapsed, not conflicted),
all of them approving the content as it is now, its prerequisites passed too.

The oracle does not use the kernel's evaluation: it reads the review rows and compares each
approval with the content the machine itself recorded when the round was requested."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from parkflow.core import gates, reviews, workflow
from parkflow.core.errors import DomainError
from parkflow.core.models import GateSetting, Review
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, grant_also, staff
from parkflow.testdomain import services
from parkflow.testdomain.gates import CHAIN, LARGE_AMOUNT, LEADERSHIP, SIGNOFF
from parkflow.testdomain.models import Errand

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SIGNERS = ("clerk", "requester", "r1", "r2", "f1", "f2", "lapsed", "conflicted", "d1")
EDITS = [
    ("amount", "10000"),
    ("amount", "50000"),
    ("amount", "80000"),
    ("title", "乙"),
    ("title", "甲"),
]


class GateMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example in a savepoint of the test's transaction, rolled back in teardown().
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        park = ParkFactory()
        self.park = park
        p = {
            "clerk": staff(Role.BUSINESS_STAFF, park),  # raises the errands
            "requester": staff(Role.BUSINESS_STAFF, park),  # asks for the reviews
            "lead": staff(Role.LEAD_STAFF, park),  # completes them
            "r1": staff(Role.RISK_OFFICER, park),
            "r2": staff(Role.RISK_OFFICER, park),
            "f1": staff(Role.FINANCE_STAFF, park),
            "f2": staff(Role.FINANCE_STAFF, park),
            "lapsed": staff(Role.FINANCE_STAFF, park),
            "conflicted": staff(Role.FINANCE_STAFF, park),
            "d1": staff(Role.DEPUTY, park),
            "admin": staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部")),
        }
        # Who holds what: the initiator and the requester hold every reviewer role, so only
        # segregation stops them; the lapsed and conflicted ones hold two.
        for name in ("clerk", "requester"):
            for role in (Role.RISK_OFFICER, Role.FINANCE_STAFF, Role.DEPUTY):
                grant_also(p[name], role, park)
        for name in ("lapsed", "conflicted"):
            grant_also(p[name], Role.RISK_OFFICER, park)
        ComplianceRecord.objects.filter(user=p["lapsed"], kind=ComplianceKind.ONBOARDING).update(
            completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
        )
        self.p = p
        self.roles = {
            SIGNOFF.code: {"clerk", "requester", "r1", "r2", "lapsed", "conflicted"},
            LARGE_AMOUNT.code: {"clerk", "requester", "f1", "f2", "lapsed", "conflicted"},
            LEADERSHIP.code: {"clerk", "requester", "d1"},
        }
        self.ineligible = {"clerk", "requester", "lapsed", "conflicted"}
        self.requested_content: dict[int, tuple] = {}
        self.released = 0

    @initialize(amount=st.sampled_from(["10000", "80000", "80000"]))
    def first_errand(self, amount):
        self.amount = amount
        self._new_errand()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _new_errand(self):
        self.errand = services.errand_create(
            actor=self.p["clerk"],
            park=self.park,
            title="甲",
            assignee=self.p["clerk"],
            amount=self.amount,
        )
        workflow.transition(actor=self.p["clerk"], obj=self.errand, name="submit")
        services.errand_declare_conflict(
            actor=self.p["conflicted"], errand=self.errand, reason="亲属为收款方"
        )

    # --- what the kernel is asked to do -----------------------------------------------------

    def _content(self):
        errand = Errand.objects.get(pk=self.errand.pk)
        return (errand.title, Decimal(errand.amount))

    def _latest(self, gate):
        return gates.latest_round(self.errand, gate)

    def _next_gate(self):
        """The first gate of the chain the errand needs and has not passed."""
        errand = gates.stored(self.errand)
        for gate in CHAIN:
            if gate.applies_to(errand) and not gate.is_passed(errand):
                return gate
        return SIGNOFF

    def _open_reviews(self):
        return [r for gate in CHAIN for r in self._latest(gate) if r.is_pending]

    @rule(
        which=st.sampled_from(["next", "next", "next", *CHAIN]),
        named=st.sampled_from(["d1", "d1", "clerk", "requester"]),
    )
    def request(self, which, named):
        """Submit (or re-submit) a gate: usually the next one the errand needs."""
        gate = self._next_gate() if which == "next" else which
        reviewers = [self.p[named]] if gate.mode == gates.ASSIGNED else []
        try:
            created = gate.request(actor=self.p["requester"], obj=self.errand, reviewers=reviewers)
        except DomainError:
            return
        for review in created:
            self.requested_content[review.pk] = self._content()

    def _decide(self, who, decision, review):
        with contextlib.suppress(DomainError):  # refused: nothing written, the point
            reviews.review_decide(
                actor=self.p[who],
                review=review,
                decision=decision,
                opinion="" if decision == "approve" else "意见",
            )

    @rule(pick=st.integers(0, 3), person=st.integers(0, 1))
    def an_eligible_person_signs(self, pick, person):
        """A holder of the gate's role, not excluded, approves an open review (so rounds
        complete and steps are released)."""
        open_ = self._open_reviews()
        if open_:
            review = open_[pick % len(open_)]
            by_pk = {user.pk: name for name, user in self.p.items()}
            took_part = {
                by_pk.get(r.reviewer_id or r.assigned_to_id)
                for r in self._latest(gates.get_gate(review.gate))
                if r.pk != review.pk
            }
            eligible = sorted(self.roles[review.gate] - self.ineligible - took_part)
            if eligible:
                self._decide(eligible[person % len(eligible)], "approve", review)

    @rule(
        action=st.sampled_from(["sign", "sign", "claim", "withdraw", "edit", "threshold"]),
        who=st.sampled_from(SIGNERS),
        decision=st.sampled_from(["approve", "approve", "approve", "reject", "return"]),
        pick=st.integers(0, 3),
        edit=st.sampled_from(EDITS),
        threshold=st.sampled_from([50000, 80000, 100000]),
    )
    def disturb(self, action, who, decision, pick, edit, threshold):
        """Anything else that may happen meanwhile: anyone signs (the initiator, the requester,
        the lapsed, the conflicted, someone twice) or rejects, takes a signature, withdraws a
        round (the requester or not), edits the errand, changes the large-amount threshold."""
        open_ = self._open_reviews()
        review = open_[pick % len(open_)] if open_ else None
        try:
            if action == "sign" and review:
                self._decide(who, decision, review)
            elif action == "claim" and review:
                reviews.review_claim(actor=self.p[who], review=review)
            elif action == "withdraw" and review:
                actor = self.p["f1" if pick == 3 else "requester"]
                reviews.review_withdraw(actor=actor, review=review, reason="撤回")
            elif action == "edit":
                field, value = edit
                services.errand_update(actor=self.p["clerk"], errand=self.errand, **{field: value})
            elif action == "threshold":
                reviews.gate_setting_update(
                    actor=self.p["admin"], gate=LARGE_AMOUNT, params={"threshold": threshold}
                )
        except DomainError:
            pass

    @rule()
    def complete(self):
        try:
            workflow.transition(actor=self.p["lead"], obj=self.errand, name="complete")
        except DomainError:
            return
        # Released: the oracle must agree on every gate of the step, right now.
        for gate in CHAIN:
            assert self._oracle_passes(gate), f"completed without {gate.code}"
        event("released: " + ("large" if self._applies(LARGE_AMOUNT) else "small"))
        self.released += 1
        self._new_errand()

    # --- the oracle -------------------------------------------------------------------------

    def _threshold(self):
        stored = GateSetting.objects.filter(code=LARGE_AMOUNT.code).first()
        return Decimal(stored.params["threshold"]) if stored else Decimal(50000)

    def _applies(self, gate):
        return gate is SIGNOFF or self._content()[1] >= self._threshold()

    def _oracle_passes(self, gate) -> bool:
        if not self._applies(gate):
            return True
        if not all(self._oracle_passes(before) for before in gate.after):
            return False
        rows = list(
            Review.objects.filter(
                content_type=ContentType.objects.get_for_model(Errand),
                object_id=str(self.errand.pk),
                gate=gate.code,
            )
        )
        if not rows:
            return False
        last = max(r.round for r in rows)
        latest = [r for r in rows if r.round == last]
        if any(r.decision != "approve" for r in latest):
            return False
        current = self._content()
        if any(self.requested_content.get(r.pk) != current for r in latest):
            return False
        by_name = {user.pk: name for name, user in self.p.items()}
        approvers = [by_name[r.reviewer_id] for r in latest]
        return (
            len(set(approvers)) == len(approvers) >= gate.quorum
            and not set(approvers) & self.ineligible
            and set(approvers) <= self.roles[gate.code]
        )

    @invariant()
    def no_gate_passes_without_its_quorum_of_eligible_approvers_of_the_current_content(self):
        """Each gate the kernel says has passed — and so the gated step, which asks the same
        guard (``complete`` re-checks the oracle when it is released) — the oracle agrees."""
        for gate in CHAIN:
            if gate.is_passed(self.errand):
                assert self._oracle_passes(gate), f"{gate.code} passed, the oracle disagrees"


def test_random_sequences_never_release_a_gated_step_without_the_quorum(db):
    run_state_machine_as_test(GateMachine, settings=SETTINGS)


def test_the_machine_bites_when_the_lapsed_status_check_is_removed(db, monkeypatch):
    """Proof that the machine can tell: without org's reviewer check (R-ORG-5) a lapsed signer's
    approval counts, and the oracle catches a gate passed with an ineligible approver."""
    monkeypatch.setattr(gates, "REVIEWER_CHECKS", [])
    with pytest.raises(AssertionError, match="oracle disagrees|completed without"):
        run_state_machine_as_test(
            GateMachine,
            settings=settings(
                SETTINGS,
                max_examples=200,
                derandomize=True,
                database=None,
                phases=[Phase.generate],  # found is enough: no shrinking
            ),
        )
