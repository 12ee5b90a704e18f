"""The kernel's permission engine on a declaration written in the test (D30): per-object rules
are expressible — an assignee may act (a grant field), two approvers must be distinct (a check
function) — and an action declared on a model that belongs to no park needs no object."""

import pytest

from parkflow.core import access, clock
from parkflow.core.errors import PermissionDenied
from parkflow.core.models import Review
from parkflow.org.choices import Role
from parkflow.org.tests.factories import UserFactory, staff

APPROVE = "test_review.approve"


def _distinct_approvers(user, review):
    """Two approvers of one round must be different people (the four-eyes rule)."""
    same_round = Review.objects.filter(
        content_type=review.content_type,
        object_id=review.object_id,
        gate=review.gate,
        round=review.round,
        reviewer=user,
        decision="approve",
    ).exclude(pk=review.pk)
    if same_round.exists():
        return "同一轮审查的两名审批人不得为同一人。"
    return None


@pytest.fixture
def declared():
    """Swap core.Review's declaration for one with a test action, then restore it."""
    original = access.declaration_of(Review)
    access.undeclare(Review)
    access.declare(
        access.Permissions(
            model="core.Review",
            park="park",
            actions={**original.actions, APPROVE: frozenset({Role.RISK_OFFICER})},
            grants={APPROVE: "assigned_to"},
            checks={APPROVE: (_distinct_approvers,)},
        )
    )
    yield
    access.undeclare(Review)
    access.declare(original)


def _review(park, *, assigned_to=None, round=1, object_id="1", reviewer=None, decision="pending"):
    from django.contrib.contenttypes.models import ContentType

    return Review.objects.create(
        content_type=ContentType.objects.get_for_model(Review),
        object_id=object_id,
        object_repr="test",
        gate="test.gate",
        round=round,
        park=park,
        requested_at=clock.now(),
        assigned_to=assigned_to,
        reviewer=reviewer,
        decision=decision,
        decided_at=None if decision == "pending" else clock.now(),
    )


def test_an_assignee_may_act_without_the_role_and_restrict_lists_the_row(declared, park):
    assignee = staff(Role.BUSINESS_STAFF, park)
    mine, other = _review(park, assigned_to=assignee), _review(park, object_id="2")
    assert access.may(assignee, APPROVE, mine)
    assert not access.may(assignee, APPROVE, other)
    assert set(access.restrict(assignee, APPROVE, Review)) == {mine}


def test_two_approvers_of_a_round_must_be_distinct(declared, park):
    officer = staff(Role.RISK_OFFICER, park)
    first = _review(park, reviewer=officer, decision="approve")
    second = _review(park)
    assert not access.may(officer, APPROVE, second)
    with pytest.raises(PermissionDenied) as refused:
        access.ensure(officer, APPROVE, second)
    assert "不得为同一人" in str(refused.value.as_dict()["detail"])
    assert access.may(staff(Role.RISK_OFFICER, park), APPROVE, second)
    # a check is per object: restrict still lists the row by role and park
    assert second in access.restrict(officer, APPROVE, Review)
    assert first.pk != second.pk


def test_the_check_bites_when_removed(declared, park, monkeypatch):
    decl = access.declaration_of(Review)
    import dataclasses

    monkeypatch.setitem(access.DECLARATIONS, "core.review", dataclasses.replace(decl, checks={}))
    with pytest.raises(AssertionError):
        test_two_approvers_of_a_round_must_be_distinct(None, park)


def test_actions_of_models_that_belong_to_no_park_need_no_object(db):
    from parkflow.org.tests.factories import OrgUnitFactory

    hq_admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory())
    assert not access.is_scoped_action("rules.configure")
    assert access.may(hq_admin, "rules.configure")
    assert not access.may(UserFactory(), "rules.configure")


def test_every_scoped_action_refuses_without_object(db):
    user = UserFactory()
    for action in access.actions():
        if access.is_scoped_action(action):
            with pytest.raises(access.ScopeRequired):
                access.may(user, action)


def test_a_superuser_sees_every_parks_rows_of_a_model_with_a_declared_view_action(park, other_park):
    """The admin promises a superuser every park (core/admin.py); a model that names its own
    "view" action (the errand's) must not hide its rows from him. Acting still needs the role."""
    from parkflow.testdomain.models import Errand
    from parkflow.testdomain.tests.factories import errand

    theirs = errand(other_park, title="乙园事项")
    root = UserFactory(is_superuser=True, is_staff=True)
    assert list(access.scope(root, Errand.objects.all())) == [theirs]
    assert not access.restrict(root, "errand.submit", Errand.objects.all()).exists()
    assert not access.scope(staff(Role.AUDITOR, park), Errand.objects.all()).exists()
