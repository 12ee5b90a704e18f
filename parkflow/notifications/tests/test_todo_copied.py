"""The to-do centre's "抄送我" tab lists the messages sent to me, and only to me (issue 8 §5)."""

import pytest

from parkflow.core import todo
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .factories import assigned_errand

pytestmark = pytest.mark.django_db


def test_a_message_sent_to_me_is_listed_as_copied_to_me_and_not_to_a_colleague(park):
    _errand, assignee = assigned_errand(park, title="甲园抄送事项")
    colleague = staff(Role.BUSINESS_STAFF, park)
    mine = [item for source, item in todo.items(assignee, todo.COPIED)]
    assert len(mine) == 1 and mine[0].source == "notifications.message"
    assert mine[0].url.endswith("/open/")
    assert todo.items(colleague, todo.COPIED) == []
