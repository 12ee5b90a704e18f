"""The drafter's agreements in the to-do centre: returned with an opinion, or approved and
waiting for the signature to be recorded — the drafter's own only."""

import pytest

from parkflow.core import todo

from ..gates import LEGAL_REVIEW
from .factories import decide_all, legally_approved, submitted

pytestmark = pytest.mark.django_db


def _items(user):
    source = next(s for s in todo.sources() if s.code == "agreements.agreement")
    return source.tabs[todo.PENDING](user, 50), source.count(user)


def test_the_drafter_sees_the_returned_and_the_approved_agreements_waiting_for_them(org):
    approved = legally_approved(org)
    returned = submitted(org)
    decide_all(returned, LEGAL_REVIEW, org.legal, decision="reject", opinion="违约金标准不明确")
    waiting = submitted(org)  # with legal: not the drafter's to do
    items, count = _items(org.drafter)
    assert count == 2
    titles = {item.title: item for item in items}
    assert str(approved) in titles and titles[str(approved)].action_label == "登记签署"
    returned.refresh_from_db()
    assert "违约金标准不明确" in titles[str(returned)].subtitle
    assert str(waiting) not in titles
    assert _items(org.lead) == ([], 0)  # another drafter's agreements are not theirs
