"""The service desk in the to-do centre: a transfer offered to me, a request of my park nobody
took, my pending call-backs — and nothing of another park."""

import datetime

import pytest

from parkflow.core import todo
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from .factories import submitted, taken

pytestmark = pytest.mark.django_db


def _codes(user):
    return [(source.code, item.title) for source, item in todo.items(user, todo.PENDING)]


def test_transfers_untaken_requests_and_call_backs_wait_in_the_to_do_centre(desk, other_park):
    made = taken(desk, title="空调不制冷")
    services.transfer_offer(actor=desk.first, request=made, to_person=desk.second, reason="协助")
    submitted(desk, title="无人受理")
    company = EnterpriseFactory(
        park=desk.park, status=EnterpriseStatus.RESIDENT, account_manager=desk.first
    )
    services.callbacks_generate(today=datetime.date(2026, 11, 16))
    assert ("servicedesk.transfer", "空调不制冷") in _codes(desk.second)
    assert ("servicedesk.transfer", "空调不制冷") not in _codes(desk.third)
    assert ("servicedesk.untaken", "无人受理") in _codes(desk.third)
    assert ("servicedesk.callback", company.name) in _codes(desk.first)
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    assert not [c for c, _t in _codes(outsider) if c.startswith("servicedesk.")]
    assert todo.pending_count(desk.second) >= 2


def test_complaint_transfers_and_untaken_complaints_wait_in_the_to_do_centre(desk, other_park):
    from .. import services_complaints
    from .factories import complaint

    made = complaint(desk, title="电梯困人")
    services_complaints.complaint_take(actor=desk.first, complaint=made)
    services_complaints.complaint_transfer_offer(
        actor=desk.first, complaint=made, to_person=desk.second, reason="请协助"
    )
    complaint(desk, title="无人受理的投诉")
    assert ("servicedesk.complaint_transfer", "电梯困人") in _codes(desk.second)
    assert ("servicedesk.complaint_transfer", "电梯困人") not in _codes(desk.third)
    assert ("servicedesk.complaint_untaken", "无人受理的投诉") in _codes(desk.third)
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    assert not [c for c, _t in _codes(outsider) if c.startswith("servicedesk.complaint")]
