"""The enterprise API's admission steps (R-PLT-2): same scoping, gates and validation as the
services behind it. Moved from enterprises/tests/test_api.py (intake declares these steps, D37)."""

import pytest

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.enterprise_api import URL, detail, park_people, payload, writes
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import ConflictDeclaration
from parkflow.intake.tests.factories import (
    application_under_review,
    under_review_without_draw,
    upload_licence,
)
from parkflow.org.tests.clients import client_for


@pytest.fixture
def people(park):
    return park_people(park)


def _application(park, clerk, **overrides):
    """An application with a current licence under admission review, its reviewer drawn at
    random from the park's eligible reviewers — all through the services."""
    return application_under_review(park, clerk, reviewers=1, **overrides)


def _with_open_review(park, creator, reviewer):
    """Under review with one open review assigned to ``reviewer``: the tests of who may decide
    are about the gate, not about the draw."""
    values = {k: v for k, v in payload(park).items() if k != "park"}
    enterprise = services.enterprise_create(actor=creator, park=park, **values)
    upload_licence(enterprise, creator)
    services.enterprise_apply(actor=creator, enterprise=enterprise)
    under_review_without_draw(enterprise)
    ADMISSION.request(actor=creator, obj=enterprise, reviewers=[reviewer])
    return enterprise


def _pending(enterprise) -> Review:
    return gates.reviews_of(enterprise, ADMISSION).get(decision="pending")


# --- state transitions and the admission gate (R-CPL-1, R-ENT-3, R-ORG-4) -----------------------


def test_apply_and_submit_for_review_draw_the_reviewers_and_open_their_reviews(park, people):
    client = client_for(people["clerk"])
    enterprise_id = client.post(URL, payload(park), format="json").json()["id"]
    upload_licence(Enterprise.objects.get(pk=enterprise_id), people["clerk"])
    response = client.post(detail(enterprise_id, "apply"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == EnterpriseStatus.APPLYING
    response = client.post(detail(enterprise_id, "submit-for-review"), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == EnterpriseStatus.UNDER_REVIEW
    rows = client.get(detail(enterprise_id, "reviews")).json()["results"]
    assert {r["gate"] for r in rows} == {ADMISSION.code}
    assert {r["decision"] for r in rows} == {"pending"}
    # The eligible pool is the risk officer and the lead staff member; the submitter is out.
    assert {r["assigned_to"]["id"] for r in rows} == {people["reviewer"].pk, people["lead"].pk}
    assert (
        AuditEvent.objects.filter(action="review.draw", object_id=str(enterprise_id)).count() == 1
    )


def test_submit_for_review_without_a_licence_is_409_and_changes_nothing(park, people):
    enterprise = EnterpriseFactory(park=park)
    services.enterprise_apply(actor=people["clerk"], enterprise=enterprise)
    before = writes()
    response = client_for(people["clerk"]).post(detail(enterprise.pk, "submit-for-review"))
    assert response.status_code == 409
    assert response.json()["code"] == "licence_required"
    assert response.json()["requirement"] == "R-ENT-2"
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLYING
    assert writes() == before


def test_submit_for_review_with_too_few_eligible_reviewers_is_409_and_changes_nothing(park, people):
    enterprise = EnterpriseFactory(park=park, account_manager=people["reviewer"])
    upload_licence(enterprise, people["clerk"])
    intake_services.conflict_declare(actor=people["lead"], enterprise=enterprise, reason="亲属持股")
    services.enterprise_apply(actor=people["clerk"], enterprise=enterprise)
    before = writes()
    response = client_for(people["clerk"]).post(detail(enterprise.pk, "submit-for-review"))
    assert response.status_code == 409
    assert response.json()["code"] == "reviewer_pool_too_small"
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLYING
    assert writes() == before


def test_enterprise_user_may_submit_their_own_application_but_not_another(park, people):
    own = EnterpriseFactory(park=park)
    upload_licence(own, people["clerk"])
    services.enterprise_apply(actor=people["clerk"], enterprise=own)
    other = EnterpriseFactory(park=park)
    client = client_for(enterprise_user(own))
    assert client.post(detail(other.pk, "submit-for-review")).status_code == 404
    response = client.post(detail(own.pk, "submit-for-review"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == EnterpriseStatus.UNDER_REVIEW


def test_a_step_not_allowed_from_the_current_state_is_409(park, people):
    enterprise = EnterpriseFactory(park=park)
    before = writes()
    response = client_for(people["clerk"]).post(detail(enterprise.pk, "reject"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert writes() == before


def test_approve_without_an_approved_admission_review_is_409_and_changes_nothing(park, people):
    enterprise = _application(park, people["clerk"])
    before = writes()
    response = client_for(people["clerk"]).post(detail(enterprise.pk, "approve"), {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "gate_not_passed"
    assert body["requirement"] == "R-ENT-3"
    assert "企业准入资质审核" in body["detail"]
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert writes() == before


def test_eligible_reviewer_approving_through_the_api_admits_the_enterprise(park, people):
    enterprise = _with_open_review(park, people["clerk"], people["reviewer"])
    response = client_for(people["reviewer"]).post(
        f"/api/v1/reviews/{_pending(enterprise).pk}/decide/",
        {"decision": "approve", "opinion": "资料齐全"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["decision"] == "approve"
    assert response.json()["reviewer"]["id"] == people["reviewer"].pk
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED


def test_self_review_through_the_api_is_403_and_changes_nothing(park, people):
    lead = people["lead"]  # may both register enterprises and review admissions
    enterprise = _with_open_review(park, lead, people["reviewer"])
    review = _pending(enterprise)
    before = writes()
    response = client_for(lead).post(
        f"/api/v1/reviews/{review.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["requirement"] == "R-ORG-4"
    assert "职责分离" in response.json()["detail"]
    assert _pending(enterprise).pk == review.pk
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert writes() == before


def test_reviewer_with_a_declared_conflict_is_refused_through_the_api(park, people):
    enterprise = _with_open_review(park, people["clerk"], people["reviewer"])
    intake_services.conflict_declare(
        actor=people["reviewer"], enterprise=enterprise, reason="配偶在该企业任职"
    )
    before = writes()
    response = client_for(people["reviewer"]).post(
        f"/api/v1/reviews/{_pending(enterprise).pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["requirement"] == "R-ENT-4"
    assert "利益冲突" in response.json()["detail"]
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert writes() == before


def test_conflict_declared_through_the_api_excludes_the_reviewer(park, people):
    enterprise = _with_open_review(park, people["clerk"], people["reviewer"])
    client = client_for(people["reviewer"])
    response = client.post(
        detail(enterprise.pk, "declare-conflict"), {"reason": "曾任该企业财务顾问"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert ConflictDeclaration.objects.filter(
        person=people["reviewer"], enterprise=enterprise
    ).exists()
    response = client.post(
        f"/api/v1/reviews/{_pending(enterprise).pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    again = client.post(
        detail(enterprise.pk, "declare-conflict"), {"reason": "重复"}, format="json"
    )
    assert again.status_code == 409


def test_declaring_a_conflict_needs_a_reason(park, people):
    enterprise = EnterpriseFactory(park=park)
    response = client_for(people["reviewer"]).post(
        detail(enterprise.pk, "declare-conflict"), {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]


def _approved_then_under_review_again(park, people):
    """An application under review whose admission review round has already approved its
    content (reviewed before it entered review, so nothing admitted it yet): the approve step
    checks that approval against the content as it is now."""
    clerk = people["clerk"]
    values = {k: v for k, v in payload(park).items() if k != "park"}
    enterprise = services.enterprise_create(actor=clerk, park=park, **values)
    upload_licence(enterprise, clerk)
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    (review,) = ADMISSION.request(actor=clerk, obj=enterprise, reviewers=[people["reviewer"]])
    reviews.decide(actor=people["reviewer"], review=review, decision="approve", opinion="资料齐全")
    return under_review_without_draw(enterprise)


def test_approve_with_a_current_approval_passes_the_gate(park, people):
    enterprise = _approved_then_under_review_again(park, people)
    response = client_for(people["clerk"]).post(detail(enterprise.pk, "approve"), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == EnterpriseStatus.APPROVED


def test_editing_a_reviewed_field_after_approval_makes_approve_409_gate_stale(park, people):
    enterprise = _approved_then_under_review_again(park, people)
    client = client_for(people["clerk"])
    edit = client.patch(
        detail(enterprise.pk), {"name": "苏州星河智能科技集团有限公司"}, format="json"
    )
    assert edit.status_code == 200
    before = writes()
    response = client.post(detail(enterprise.pk, "approve"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "gate_stale"
    assert response.json()["requirement"] == "R-ENT-3"
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert writes() == before


def test_audit_sub_route_lists_the_timeline_oldest_first(park, people):
    enterprise = _application(park, people["clerk"])
    response = client_for(people["clerk"]).get(detail(enterprise.pk, "audit"))
    assert response.status_code == 200
    events = response.json()["results"]
    assert events[0]["action"] == "enterprise.create"
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    actions = [e["action"] for e in events]
    assert actions.index("enterprise.apply") < actions.index("enterprise.start_review")
    assert "review.request" in actions
    # Each event's content hash; its place in the chain once sealed (after commit, D41).
    assert all(e["hash"] and "seq" in e and "chain_hash" in e for e in events)
