"""R-RES-3 … R-RES-5 through the services: the risk review before any allocation, the leading
group for a major one, a standing approval for routine bookings, no double allocation, above
entitlement only with a written justification."""

import datetime

import pytest

from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent

from .. import services
from ..choices import AllocationStatus, RequestStatus
from ..gates import LEADING_GROUP, RISK_REVIEW
from ..models import Allocation
from .factories import (
    admitted,
    area_entitlement,
    at,
    book,
    decide_all,
    hours_entitlement,
    meeting_room,
    unit,
)

pytestmark = pytest.mark.django_db


def test_r_res_3_a_routine_booking_within_entitlement_is_allocated_by_the_standing_rule(org):
    hours_entitlement(org)
    enterprise = admitted(org)
    request = book(org, enterprise, meeting_room(org), at(1))
    assert request.status == RequestStatus.ALLOCATED
    assert request.standing_rule == "resources.routine_meeting_room"
    assert request.allocation.granted_by is None
    assert AuditEvent.objects.filter(action="resource_request.standing_approve").count() == 1


def test_r_res_3_anything_else_waits_for_the_risk_review_and_is_allocated_after_it(org):
    area_entitlement(org)
    enterprise = admitted(org)
    request = book(org, enterprise, unit(org), at(3), hours=24 * 90, purpose="研发办公")
    assert request.status == RequestStatus.SUBMITTED
    assert not Allocation.objects.exists()
    with pytest.raises(PermissionDenied):  # the requester never reviews his own request
        decide_all(request, RISK_REVIEW, org.clerk)
    decide_all(request, RISK_REVIEW, org.risk)
    assert request.status == RequestStatus.ALLOCATED
    assert request.allocation.granted_by == org.risk


def test_r_res_3_a_major_allocation_also_needs_the_leading_group(org):
    area_entitlement(org, area="1000")
    enterprise = admitted(org)
    big = unit(org, code="B-1", area="500")
    request = book(org, enterprise, big, at(3), hours=24 * 30, purpose="整层办公")
    assert request.major
    decide_all(request, RISK_REVIEW, org.risk)
    assert request.status == RequestStatus.SUBMITTED and not Allocation.objects.exists()
    decide_all(request, LEADING_GROUP, org.member)
    assert request.status == RequestStatus.ALLOCATED


def test_r_res_3_a_rejection_closes_the_request(org):
    enterprise = admitted(org)
    request = book(org, enterprise, unit(org), at(3), hours=48, justification="临时展示需要")
    decide_all(request, RISK_REVIEW, org.risk, decision="reject", opinion="理由不充分")
    assert request.status == RequestStatus.REJECTED and request.decision_note == "理由不充分"
    assert not Allocation.objects.exists()


def test_r_res_4_a_taken_slot_is_refused_naming_the_period_and_adjacent_slots_are_fine(org):
    hours_entitlement(org, hours="40")
    first, second = admitted(org), admitted(org)
    room = meeting_room(org)
    book(org, first, room, at(1, 9), hours=2)
    with pytest.raises(Conflict) as refused:
        book(org, second, room, at(1, 10), hours=2)
    assert refused.value.code == "slot_taken"
    assert "09:00" in refused.value.message and "11:00" in refused.value.message
    assert first.name in refused.value.message  # staff may see who holds it
    adjacent = book(org, second, room, at(1, 11), hours=2)  # starts when the first ends
    assert adjacent.status == RequestStatus.ALLOCATED


def test_r_res_4_a_portal_user_is_not_told_who_holds_the_slot(org):
    from parkflow.enterprises.tests.factories import enterprise_user

    hours_entitlement(org, hours="40")
    first, second = admitted(org), admitted(org)
    room = meeting_room(org)
    book(org, first, room, at(1, 9), hours=2)
    with pytest.raises(Conflict) as refused:
        book(org, second, room, at(1, 10), hours=1, actor=enterprise_user(second))
    assert first.name not in refused.value.message and "09:00" in refused.value.message


def test_r_res_5_above_entitlement_needs_a_written_justification_and_is_flagged(org):
    from parkflow.core import rules
    from parkflow.core.models import Alert

    hours_entitlement(org, hours="2")
    enterprise = admitted(org)
    room = meeting_room(org)
    book(org, enterprise, room, at(1, 9), hours=2)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        book(org, enterprise, room, at(1, 14), hours=2)  # the same month: 2 + 2 > 2 hours
    assert "justification" in refused.value.errors
    assert "已用 2小时" in str(refused.value.errors["justification"][0])
    assert AuditEvent.objects.count() == events
    justified = book(org, enterprise, room, at(1, 14), hours=2, justification="季度路演，客户邀约")
    assert justified.above_entitlement and justified.status == RequestStatus.SUBMITTED
    decide_all(justified, RISK_REVIEW, org.risk)
    rules.sweep_rule("resources.above_entitlement")
    assert Alert.objects.filter(
        rule_code="resources.above_entitlement", object_id=str(justified.allocation.pk)
    ).exists()


def test_r_ent_5_an_enterprise_not_in_good_standing_gets_no_resource(org):
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    hours_entitlement(org)
    prospect = EnterpriseFactory(park=org.park)
    with pytest.raises(Conflict) as refused:
        book(org, prospect, meeting_room(org), at(1))
    assert refused.value.code == "enterprise_not_in_good_standing"


def test_r_res_4_releasing_an_allocation_frees_the_slot(org):
    hours_entitlement(org, hours="40")
    first, second = admitted(org), admitted(org)
    room = meeting_room(org)
    held = book(org, first, room, at(1, 9), hours=2).allocation
    services.allocation_release(actor=org.clerk, allocation=held, reason="会议取消")
    held.refresh_from_db()
    assert held.status == AllocationStatus.RELEASED
    assert book(org, second, room, at(1, 9), hours=2).status == RequestStatus.ALLOCATED


def test_a_withdrawn_request_closes_its_open_review(org):
    from parkflow.core import workflow

    enterprise = admitted(org)
    request = book(org, enterprise, unit(org), at(3), hours=48, justification="临时展示需要")
    workflow.transition(actor=org.clerk, obj=request, name="cancel")
    assert not RISK_REVIEW.state(request).pending
    assert request.ends_at - request.starts_at == datetime.timedelta(hours=48)


def test_r_res_4_the_database_refuses_an_overlapping_allocation_written_behind_the_services_back(
    org,
):
    from django.db import IntegrityError, connection, transaction

    from ..models import ResourceRequest

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on the service")
    hours_entitlement(org, hours="40")
    enterprise = admitted(org)
    room = meeting_room(org)
    held = book(org, enterprise, room, at(1, 9), hours=2).allocation
    sneaked = ResourceRequest.objects.create(
        park=org.park,
        enterprise=enterprise,
        resource=room,
        starts_at=at(1, 10),
        ends_at=at(1, 11),
        purpose="绕过服务",
        channel="staff",
        requested_by=org.clerk,
        created_at=held.created_at,
    )
    with pytest.raises(IntegrityError, match="allocation_no_overlap"), transaction.atomic():
        Allocation.objects.create(
            request=sneaked,
            park=org.park,
            enterprise=enterprise,
            resource=room,
            starts_at=sneaked.starts_at,
            ends_at=sneaked.ends_at,
            created_at=held.created_at,
        )
    # Adjacent is fine for the database too: [09:00, 11:00) and [11:00, 12:00).
    Allocation.objects.filter(pk=held.pk).update(ends_at=at(1, 10))
    Allocation.objects.create(
        request=sneaked,
        park=org.park,
        enterprise=enterprise,
        resource=room,
        starts_at=at(1, 10),
        ends_at=at(1, 11),
        created_at=held.created_at,
    )
