"""R-AGR-4, R-AGR-5, R-AGR-6 and R-ENT-5 Must show, through the service, the API and the admin:
an agreement is signed only after the legal review by someone other than the drafter approved its
content as stored, a price above the tariff only with the leader's approval after it, and only by
an enterprise in good standing. Every refusal writes nothing — no audit event, no change of
status, no stored scan."""

import datetime
from decimal import Decimal

import pytest

from parkflow.core import audit, reviews, workflow
from parkflow.core import gates as core_gates
from parkflow.core.errors import DomainError, PermissionDenied
from parkflow.core.models import AuditEvent, Review
from parkflow.notifications.models import Notification
from parkflow.org.choices import Role
from parkflow.org.tests.factories import grant_also

from .. import services
from ..choices import AgreementStatus
from ..gates import LEGAL_REVIEW, PRICE_EXCEPTION
from ..models import Agreement, AgreementClause, FeeLine
from .factories import (
    approved_by_leader,
    complete_clauses,
    decide_all,
    draft,
    legally_approved,
    sign,
    submitted,
    unadmitted,
)
from .interfaces import (
    INTERFACES,
    admin_change_url,
    admin_client,
    admin_sign_attempt,
    api,
    sign_body,
    signed_scans,
    snapshot,
    url,
)

pytestmark = pytest.mark.django_db


def _attempt_sign(interface, org, agreement, actor=None) -> dict | None:
    """Sign through the interface, expecting a refusal: its ``{code, detail, requirement}``
    (None from the admin, which has no way to sign at all)."""
    actor = actor or org.drafter
    if interface == "service":
        with pytest.raises(DomainError) as refused:
            sign(org, agreement, actor=actor)
        exc = refused.value
        return {"code": exc.code, "detail": str(exc.message), "requirement": exc.requirement}
    if interface == "api":
        response = api(actor).post(url(agreement, "sign"), sign_body(), format="multipart")
        assert response.status_code in (403, 409), response.content
        return response.json()
    response = admin_sign_attempt(actor, agreement)
    assert response.status_code == 403
    return None


def _refused(interface, org, agreement, code, requirement, actor=None) -> dict | None:
    before = snapshot(agreement)
    body = _attempt_sign(interface, org, agreement, actor)
    assert snapshot(agreement) == before, "a refused signature wrote something"
    assert not signed_scans()
    assert not AuditEvent.objects.filter(action="agreement.sign").exists()
    if body is not None:
        assert body["code"] == code, body
        assert body["requirement"] == requirement, body
    return body


# ---------------------------------------------------------------------------------------------
# R-AGR-4: no signature without the legal review of the content as stored


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_4_a_draft_never_reviewed_cannot_be_signed(org, interface):
    agreement = draft(org)
    body = _refused(interface, org, agreement, "invalid_transition", "R-AGR-6")
    if body:
        assert "草稿" in body["detail"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_4_an_agreement_whose_legal_review_is_open_cannot_be_signed(org, interface):
    agreement = submitted(org)
    body = _refused(interface, org, agreement, "gate_not_passed", "R-AGR-4")
    if body:
        assert "未经“协议法律审查”审查不得实施" in body["detail"]


def _drafter_also_legal(org, agreement):
    """The drafter holds the legal officer's role too: only the segregation rule stops him."""
    grant_also(org.drafter, Role.LEGAL_OFFICER, org.park)
    (review,) = LEGAL_REVIEW.state(agreement).pending
    return review


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_4_the_drafter_cannot_take_or_decide_the_legal_review(org, interface):
    agreement = submitted(org)
    review = _drafter_also_legal(org, agreement)
    before = snapshot(agreement)
    if interface == "service":
        with pytest.raises(PermissionDenied) as refused:
            reviews.review_claim(actor=org.drafter, review=review)
        assert refused.value.requirement == "R-ORG-4"
        with pytest.raises(PermissionDenied):
            reviews.decide(actor=org.drafter, review=review, decision="approve", opinion="同意")
    elif interface == "api":
        client = api(org.drafter)
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
        client = admin_client(org.drafter)
        response = client.post(admin_change_url(review), {"decision": "approve"})
        assert response.status_code == 403
    assert snapshot(agreement) == before
    review.refresh_from_db()
    assert review.decision == "pending" and review.assigned_to_id is None
    # …and the agreement is still not signable, through any interface.
    _refused(interface, org, agreement, "gate_not_passed", "R-AGR-4")


def _edit_fee(org, agreement):
    fee = agreement.fees.get()
    services.fee_line_update(actor=org.drafter, fee=fee, quantity="150")


def _edit_clause(org, agreement):
    clauses = complete_clauses()
    clauses[3]["text"] = "任何一方违约，应向守约方支付协议总额百分之二十的违约金。"
    services.agreement_clauses_set(actor=org.drafter, agreement=agreement, clauses=clauses)


@pytest.mark.parametrize("edit", [_edit_fee, _edit_clause], ids=["fee", "clause"])
def test_r_agr_4_an_edit_after_approval_sends_the_agreement_back_to_review(org, edit):
    agreement = legally_approved(org)
    assert agreement.status == AgreementStatus.APPROVED
    edit(org, agreement)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_REVIEW
    voided = AuditEvent.objects.filter(action="agreement.review_voided").get()
    assert voided.before == {"status": "approved"}
    state = LEGAL_REVIEW.state(agreement)
    assert state.number == 2 and len(state.pending) == 1


def test_r_agr_4_an_edit_after_approval_through_the_api_sends_it_back_to_review(org):
    agreement = legally_approved(org)
    fee = agreement.fees.get()
    client = api(org.drafter)
    response = client.patch(url(agreement, f"fees/{fee.pk}"), {"unit_price": "75.00"}, "json")
    assert response.status_code == 200, response.content
    detail = client.get(url(agreement)).json()
    assert detail["status"] == AgreementStatus.IN_REVIEW
    legal = {g["code"]: g for g in detail["gates"]}[LEGAL_REVIEW.code]
    assert legal["status"] == "open"


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize("edit", [_edit_fee, _edit_clause], ids=["fee", "clause"])
def test_r_agr_4_after_a_post_review_edit_signing_is_refused(org, interface, edit):
    agreement = legally_approved(org)
    edit(org, agreement)
    _refused(interface, org, agreement, "gate_not_passed", "R-AGR-4")


def _fee_behind_the_back(agreement):
    FeeLine.objects.filter(agreement=agreement).update(quantity=Decimal("999"))


def _clause_behind_the_back(agreement):
    AgreementClause.objects.filter(agreement=agreement, kind="breach").update(text="无违约责任。")


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize(
    "edit", [_fee_behind_the_back, _clause_behind_the_back], ids=["fee", "clause"]
)
def test_r_agr_4_an_edit_behind_the_services_back_is_caught_by_the_content_hash(
    org, interface, edit
):
    agreement = legally_approved(org)
    edit(agreement)  # straight to the database: no service, no status change
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.APPROVED
    body = _refused(interface, org, agreement, "gate_stale", "R-AGR-4")
    if body:
        assert "审查失效" in body["detail"]
    detail = api(org.drafter).get(url(agreement)).json()
    assert {g["code"]: g["status"] for g in detail["gates"]}[LEGAL_REVIEW.code] == "void"


def test_r_agr_4_the_admin_cannot_edit_an_approved_agreements_content(org):
    agreement = legally_approved(org)
    fee = agreement.fees.get()
    clause = agreement.clauses.first()
    client = admin_client(org.drafter)
    before = snapshot(agreement)
    assert client.post(admin_change_url(fee), {"unit_price": "1.00"}).status_code == 403
    assert client.post(admin_change_url(clause), {"text": "改"}).status_code == 403
    assert client.post(admin_change_url(agreement), {"title": "改"}).status_code == 403
    assert snapshot(agreement) == before


# ---------------------------------------------------------------------------------------------
# R-ENT-5: only an enterprise in good standing signs


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_ent_5_an_enterprise_not_in_good_standing_cannot_sign(org, interface):
    agreement = legally_approved(org, enterprise=unadmitted(org.park))
    assert agreement.status == AgreementStatus.APPROVED
    body = _refused(interface, org, agreement, "enterprise_not_in_good_standing", "R-ENT-5")
    if body:
        assert "企业不符合签约条件" in body["detail"]


# ---------------------------------------------------------------------------------------------
# R-AGR-5: a price above the tariff needs the leader's approval, after the legal review


def _above_tariff(org):
    agreement = draft(org, unit_price="100.00")  # the rent tariff is 80.00
    services.agreement_update(actor=org.drafter, agreement=agreement, price_approver=org.deputy)
    workflow.transition(actor=org.drafter, obj=agreement, name="submit")
    decide_all(agreement, LEGAL_REVIEW, org.legal)
    agreement.refresh_from_db()
    return agreement


def test_r_agr_5_submitting_a_price_above_tariff_needs_a_named_leader(org):
    agreement = draft(org, unit_price="100.00")
    response = api(org.drafter).post(url(agreement, "submit"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "price_approver_required"
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.DRAFT


@pytest.mark.parametrize("interface", ["service", "api"])
def test_r_agr_5_a_fee_above_tariff_is_refused_at_signing_without_the_leaders_approval(
    org, interface
):
    agreement = _above_tariff(org)
    assert agreement.status == AgreementStatus.IN_REVIEW
    assert LEGAL_REVIEW.is_passed(agreement)
    assert PRICE_EXCEPTION.state(agreement).pending[0].assigned_to == org.deputy
    body = _refused(interface, org, agreement, "gate_not_passed", "R-AGR-5")
    assert "价格例外领导审批" in body["detail"]


@pytest.mark.parametrize("interface", ["service", "api"])
def test_r_agr_5_with_the_leaders_approval_it_is_signed_and_legal_decided_first(org, interface):
    agreement = approved_by_leader(_above_tariff(org), org.deputy)
    assert agreement.status == AgreementStatus.APPROVED
    if interface == "service":
        sign(org, agreement)
    else:
        response = api(org.drafter).post(url(agreement, "sign"), sign_body(), format="multipart")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == AgreementStatus.SIGNED
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert len(signed_scans()) == 1
    trail = audit.events_for(agreement).filter(action__in=["review.approve", "agreement.sign"])
    assert [(e.action, e.after.get("gate")) for e in trail] == [
        ("review.approve", LEGAL_REVIEW.code),
        ("review.approve", PRICE_EXCEPTION.code),
        ("agreement.sign", None),
    ]


def test_r_agr_5_the_leader_cannot_decide_before_the_legal_review(org):
    agreement = draft(org, unit_price="100.00")
    services.agreement_update(actor=org.drafter, agreement=agreement, price_approver=org.deputy)
    workflow.transition(actor=org.drafter, obj=agreement, name="submit")
    # Nobody has asked the leader yet: the price exception opens only after the legal approval.
    assert not PRICE_EXCEPTION.state(agreement).reviews
    assert core_gates.latest_round(agreement, PRICE_EXCEPTION) == []


# ---------------------------------------------------------------------------------------------
# A rejection returns the agreement to draft with the opinion; the drafter is told


def _told_drafter(org, agreement):
    return Notification.objects.filter(
        recipient=org.drafter, message__title__contains="退回"
    ).exists()


def test_r_agr_4_a_rejection_returns_the_agreement_to_draft_and_tells_the_drafter(org):
    agreement = submitted(org)
    decide_all(agreement, LEGAL_REVIEW, org.legal, decision="reject", opinion="违约条款不对等")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.return_opinion == "违约条款不对等"
    assert _told_drafter(org, agreement)


def test_r_agr_4_a_rejection_through_the_review_api_returns_it_to_draft(org):
    agreement = submitted(org)
    (review,) = LEGAL_REVIEW.state(agreement).pending
    client = api(org.legal)
    assert client.post(f"/api/v1/reviews/{review.pk}/claim/", {}, "json").status_code == 200
    response = client.post(
        f"/api/v1/reviews/{review.pk}/decide/",
        {"decision": "reject", "opinion": "争议解决条款须改为仲裁"},
        format="json",
    )
    assert response.status_code == 200, response.content
    detail = api(org.drafter).get(url(agreement)).json()
    assert detail["status"] == AgreementStatus.DRAFT
    assert detail["return_opinion"] == "争议解决条款须改为仲裁"
    assert _told_drafter(org, agreement)
    assert Review.objects.get(pk=review.pk).decision == "reject"


# ---------------------------------------------------------------------------------------------
# R-AGR-6: the signature records its date and scan; a later date is refused


def test_r_agr_6_the_api_records_date_signatories_and_scan(org):
    agreement = legally_approved(org)
    response = api(org.drafter).post(
        url(agreement, "sign"),
        sign_body(park_signatory=org.lead.pk),
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == AgreementStatus.SIGNED
    assert body["enterprise_signatory"] == "企业法定代表人"
    assert body["park_signatory"]["id"] == org.lead.pk
    assert body["scan_name"] == "协议签署件.pdf"
    assert "signed_scan" not in body  # the file is served only by the audited download
    assert len(signed_scans()) == 1


def test_r_agr_6_a_signing_date_in_the_future_is_refused_and_nothing_stored(org):
    agreement = legally_approved(org)
    before = snapshot(agreement)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = api(org.drafter).post(
        url(agreement, "sign"), sign_body(signed_on=tomorrow), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "signed_on"
    assert snapshot(agreement) == before
