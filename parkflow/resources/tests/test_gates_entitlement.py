"""R-RES-5 and R-RES-6 Must show, through the service and the API: a request above the customer
grade's entitlement without a written justification is refused and writes nothing; with one it
is flagged (above_entitlement) and, once allocated, the rule ``resources.above_entitlement``
raises an alert. A key customer's allocation ending within 30 days opens one continuity alert
(``resources.key_customer_continuity``), closed when a renewal is requested."""

import datetime

import pytest

from parkflow.core import rules
from parkflow.core.errors import ValidationFailed
from parkflow.core.models import Alert
from parkflow.enterprises.tests.factories import enterprise_user

from ..choices import RequestStatus
from ..gates import RISK_REVIEW
from ..models import ResourceRequest
from .factories import admitted, at, book, decide_all, hours_entitlement, meeting_room
from .interfaces import api, snapshot, url

pytestmark = pytest.mark.django_db

ABOVE = "resources.above_entitlement"
CONTINUITY = "resources.key_customer_continuity"


def _body(enterprise, room, start, hours=2, **extra):
    return {
        "enterprise": enterprise.pk,
        "resource": room.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=hours)).isoformat(),
        "purpose": "季度路演",
        **extra,
    }


def _used_up(org):
    """Grade B may have 2 meeting-room hours a month; the enterprise has used them."""
    hours_entitlement(org, hours="2")
    enterprise = admitted(org)
    room = meeting_room(org)
    book(org, enterprise, room, at(1, 9), hours=2)
    return enterprise, room


def _alerts(code, obj=None, status="open"):
    found = Alert.objects.filter(rule_code=code, status=status)
    return found.filter(object_id=str(obj.pk)) if obj is not None else found


# ---------------------------------------------------------------------------------------------
# R-RES-5: above entitlement only with a written justification, flagged, then alerted


@pytest.mark.parametrize("actor", ["staff", "enterprise"])
@pytest.mark.parametrize("interface", ["service", "api"])
def test_r_res_5_above_entitlement_without_a_justification_is_refused_and_writes_nothing(
    org, interface, actor
):
    enterprise, room = _used_up(org)
    user = org.clerk if actor == "staff" else enterprise_user(enterprise)
    before = snapshot()
    if interface == "service":
        with pytest.raises(ValidationFailed) as refused:
            book(org, enterprise, room, at(1, 14), actor=user)
        errors, requirement = refused.value.errors, refused.value.requirement
    else:
        response = api(user).post(
            url("resource-requests"), _body(enterprise, room, at(1, 14)), format="json"
        )
        assert response.status_code == 400, response.content
        errors, requirement = response.json()["errors"], response.json()["requirement"]
    assert requirement == "R-RES-5"
    assert "须填写书面理由" in errors["justification"][0]
    assert "已用 2小时" in errors["justification"][0]  # the usage, in words
    assert snapshot() == before


@pytest.mark.parametrize("interface", ["service", "api"])
def test_r_res_5_with_a_justification_it_is_flagged_reviewed_and_alerted_once_allocated(
    org, interface
):
    enterprise, room = _used_up(org)
    if interface == "service":
        request = book(org, enterprise, room, at(1, 14), justification="季度路演，客户邀约")
    else:
        response = api(org.clerk).post(
            url("resource-requests"),
            _body(enterprise, room, at(1, 14), justification="季度路演，客户邀约"),
            format="json",
        )
        assert response.status_code == 201, response.content
        shown = response.json()
        assert shown["above_entitlement"] is True
        assert shown["justification"] == "季度路演，客户邀约"
        assert "已用 2小时" in shown["usage"] and "权益 2小时" in shown["usage"]
        request = ResourceRequest.objects.get(pk=shown["id"])
    # Flagged, and not a routine booking: the risk review decides it.
    assert request.above_entitlement and not request.standing_rule
    assert request.status == RequestStatus.SUBMITTED
    flagged = api(org.office).get(url("resource-requests"), {"above_entitlement": "true"})
    assert [row["id"] for row in flagged.json()["results"]] == [request.pk]
    rules.sweep_rule(ABOVE)
    assert not _alerts(ABOVE).exists()  # nothing allocated yet
    decide_all(request, RISK_REVIEW, org.risk)
    assert request.status == RequestStatus.ALLOCATED
    assert request.allocation.above_entitlement
    rules.sweep_rule(ABOVE)
    rules.sweep_rule(ABOVE)
    assert _alerts(ABOVE).count() == 1
    assert _alerts(ABOVE, request.allocation).exists()


# ---------------------------------------------------------------------------------------------
# R-RES-6: a key customer's resources about to lapse raise an alert until a renewal is requested


def _key_booking(org, room, days=1):
    """A key customer's allocation ending within 30 days (a meeting room tomorrow)."""
    enterprise = admitted(org, grade="key")
    return book(org, enterprise, room, at(days, 9), hours=2).allocation


@pytest.mark.parametrize("interface", ["service", "api"])
def test_r_res_6_a_key_customers_lapsing_allocation_alerts_until_a_renewal_is_requested(
    org, interface
):
    hours_entitlement(org, grade="key", hours="40")
    hours_entitlement(org, grade="b", hours="40")
    room = meeting_room(org)
    lapsing = _key_booking(org, room)
    ordinary = book(org, admitted(org, grade="b"), room, at(1, 14)).allocation
    rules.sweep_rule(CONTINUITY)
    rules.sweep_rule(CONTINUITY)  # de-duplicated: still one
    assert _alerts(CONTINUITY).count() == 1
    assert _alerts(CONTINUITY, lapsing).exists()
    assert not _alerts(CONTINUITY, ordinary).exists()  # not a key customer
    # The renewal's own period ends beyond the 30 days (else it would be a lapsing one itself).
    if interface == "service":
        renewal = book(org, lapsing.enterprise, room, at(40, 9), renewal_of=lapsing)
    else:
        response = api(enterprise_user(lapsing.enterprise)).post(
            url("resource-requests"),
            _body(lapsing.enterprise, room, at(40, 9), renewal_of=lapsing.pk),
            format="json",
        )
        assert response.status_code == 201, response.content
        renewal = ResourceRequest.objects.get(pk=response.json()["id"])
    assert renewal.renewal_of == lapsing
    rules.sweep_rule(CONTINUITY)
    assert not _alerts(CONTINUITY).exists()
    assert _alerts(CONTINUITY, lapsing, status="resolved").count() == 1


def test_r_res_6_an_allocation_ending_later_than_30_days_raises_no_alert_yet(org):
    hours_entitlement(org, grade="key", hours="40")
    far = _key_booking(org, meeting_room(org), days=45)
    rules.sweep_rule(CONTINUITY)
    assert not _alerts(CONTINUITY, far).exists()


@pytest.mark.parametrize("actor", ["staff", "enterprise"])
def test_r_res_6_only_the_enterprises_own_allocation_can_be_renewed(org, actor):
    """A renewal closes the continuity alert of the allocation it names: another enterprise's
    allocation is refused, writing nothing (its alert stays open)."""
    hours_entitlement(org, grade="key", hours="40")
    hours_entitlement(org, grade="b", hours="40")
    room = meeting_room(org)
    lapsing = _key_booking(org, room)
    other = admitted(org)
    rules.sweep_rule(CONTINUITY)
    user = org.clerk if actor == "staff" else enterprise_user(other)
    before = snapshot()
    response = api(user).post(
        url("resource-requests"),
        _body(other, room, at(8, 9), renewal_of=lapsing.pk),
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "renewal_of"
    assert snapshot() == before
    rules.sweep_rule(CONTINUITY)
    assert _alerts(CONTINUITY, lapsing).exists()
