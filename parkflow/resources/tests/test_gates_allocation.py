"""R-RES-3 Must show, through the service, the API and the admin: no allocation without the
risk-control review, no major allocation without the leading group's approval after it, and no
review decided by the request's own requester. Every refusal writes nothing — no allocation, no
change of the request's status, no audit event. (R-RES-5 and R-RES-6 through the service and the
API: test_gates_entitlement.py.)"""

import pytest

from parkflow.core import reviews, workflow
from parkflow.core.errors import DomainError, PermissionDenied
from parkflow.core.models import Review
from parkflow.org.choices import Role
from parkflow.org.tests.factories import grant_also

from ..choices import RequestStatus
from ..gates import LEADING_GROUP, RISK_REVIEW
from ..models import Allocation, ResourceRequest
from .factories import admitted, area_entitlement, at, book, decide_all, unit
from .interfaces import INTERFACES, admin_client, admin_url, api, snapshot, url

pytestmark = pytest.mark.django_db


def _pending(org):
    """A unit for 60 days above no entitlement: it waits for the risk review."""
    area_entitlement(org)
    request = book(org, admitted(org), unit(org), at(3), hours=24 * 60, purpose="研发办公")
    assert request.status == RequestStatus.SUBMITTED and not request.major
    return request


def _major(org):
    """A 500 m² unit: after the risk review, the leading group's approval is needed too."""
    area_entitlement(org, area="1000")
    request = book(org, admitted(org), unit(org, code="B-1", area="500"), at(3), hours=24 * 30)
    assert request.major
    decide_all(request, RISK_REVIEW, org.risk)
    assert RISK_REVIEW.is_passed(request) and LEADING_GROUP.state(request).pending
    assert request.status == RequestStatus.SUBMITTED
    return request


def _attempt_allocation(interface, org, request) -> list[dict]:
    """Allocate through the interface, expecting refusals: their ``{code, requirement}`` (none
    from the API and the admin, which have no way to allocate at all)."""
    if interface == "service":
        refusals = []
        # As the requester's colleague through the workflow, and as the system on its own
        # authority: the gates are checked either way.
        for attempt in (
            lambda: workflow.transition(actor=org.clerk, obj=request, name="allocate"),
            lambda: workflow.perform(
                actor=org.risk, obj=request, name="allocate", authorised_by="a test's attempt"
            ),
        ):
            with pytest.raises(DomainError) as refused:
                attempt()
            refusals.append({"code": refused.value.code, "requirement": refused.value.requirement})
        return refusals
    if interface == "api":
        for user in (org.clerk, org.risk, org.member, org.keeper):
            client = api(user)
            answers = [
                client.post(url("resource-requests", request, "allocate"), {}, format="json"),
                client.patch(url("resource-requests", request), {"status": "allocated"}, "json"),
                client.put(url("resource-requests", request), {"status": "allocated"}, "json"),
                client.post(url("allocations"), {"request": request.pk}, format="json"),
            ]
            assert {r.status_code for r in answers} <= {403, 404, 405}, [
                (r.status_code, r.content) for r in answers
            ]
        return []
    client = admin_client(org.keeper)
    answers = [
        client.get(admin_url(Allocation, "add")),
        client.post(admin_url(Allocation, "add"), {"request": request.pk, "status": "active"}),
        client.post(admin_url(ResourceRequest, "change", request.pk), {"status": "allocated"}),
        client.post(admin_url(ResourceRequest, "delete", request.pk), {"post": "yes"}),
    ]
    assert [r.status_code for r in answers] == [403] * len(answers)
    return []


def _refused(interface, org, request, gate) -> None:
    before = snapshot()
    refusals = _attempt_allocation(interface, org, request)
    assert snapshot() == before, "a refused allocation wrote something"
    assert not Allocation.objects.filter(request=request).exists()
    assert ResourceRequest.objects.get(pk=request.pk).status == RequestStatus.SUBMITTED
    for refusal in refusals:
        assert refusal == {"code": "gate_not_passed", "requirement": gate.requirement}


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_res_3_an_allocation_without_the_risk_review_is_refused(org, interface):
    request = _pending(org)
    _refused(interface, org, request, RISK_REVIEW)


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_res_3_a_major_allocation_without_the_leading_groups_approval_is_refused(org, interface):
    request = _major(org)
    _refused(interface, org, request, LEADING_GROUP)


def _requester_reviews(interface, org, request, gate):
    """The requester holds the reviewer's role too: only the segregation rule stops him."""
    (review,) = gate.state(request).pending
    before = snapshot()
    if interface == "service":
        with pytest.raises(PermissionDenied) as refused:
            reviews.review_claim(actor=org.clerk, review=review)
        assert refused.value.requirement == "R-ORG-4"
        with pytest.raises(PermissionDenied):
            reviews.decide(actor=org.clerk, review=review, decision="approve", opinion="同意")
    elif interface == "api":
        client = api(org.clerk)
        claimed = client.post(f"/api/v1/reviews/{review.pk}/claim/", {}, format="json")
        assert claimed.status_code == 403, claimed.content
        assert claimed.json()["requirement"] == "R-ORG-4"
        decided = client.post(
            f"/api/v1/reviews/{review.pk}/decide/",
            {"decision": "approve", "opinion": "同意"},
            format="json",
        )
        assert decided.status_code == 403, decided.content
    else:
        client = admin_client(org.clerk)
        response = client.post(admin_url(Review, "change", review.pk), {"decision": "approve"})
        assert response.status_code == 403
    assert snapshot() == before
    review.refresh_from_db()
    assert review.decision == "pending" and review.assigned_to_id is None


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_res_3_the_requester_cannot_take_or_decide_the_risk_review(org, interface):
    request = _pending(org)
    grant_also(org.clerk, Role.RISK_OFFICER, org.park)
    _requester_reviews(interface, org, request, RISK_REVIEW)
    # …and the request is still not allocatable, through any interface.
    _refused(interface, org, request, RISK_REVIEW)


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_res_3_the_requester_cannot_take_or_decide_the_leading_groups_approval(org, interface):
    request = _major(org)
    grant_also(org.clerk, Role.GROUP_MEMBER, org.park)
    _requester_reviews(interface, org, request, LEADING_GROUP)
    _refused(interface, org, request, LEADING_GROUP)


def test_r_res_3_through_the_review_api_the_risk_officer_and_the_leading_group_allocate(org):
    """The one way to an allocation that is not a standing approval: the reviews, decided by
    others than the requester, in order."""
    request = _major(org)  # the risk review decided through the service
    (review,) = LEADING_GROUP.state(request).pending
    client = api(org.member)
    assert client.post(f"/api/v1/reviews/{review.pk}/claim/", {}, "json").status_code == 200
    decided = client.post(
        f"/api/v1/reviews/{review.pk}/decide/",
        {"decision": "approve", "opinion": "同意整层使用"},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    detail = api(org.clerk).get(url("resource-requests", request)).json()
    assert detail["status"] == RequestStatus.ALLOCATED
    assert {g["code"]: g["status"] for g in detail["gates"]} == {
        RISK_REVIEW.code: "passed",
        LEADING_GROUP.code: "passed",
    }
    allocation = Allocation.objects.get(request=request)
    assert detail["allocation"] == allocation.pk and allocation.granted_by == org.member
