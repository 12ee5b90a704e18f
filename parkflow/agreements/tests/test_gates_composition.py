"""R-AGR-2 Must show, through the service and the API: an agreement missing a mandatory clause
(保密条款, 违约责任, 争议解决), naming a venue not on the allowed list, or naming a people's court
and an arbitration commission together cannot be submitted — each with its own message naming
exactly what is wrong, nothing written — and a complete agreement goes to the legal review."""

import pytest

from parkflow.core import workflow
from parkflow.core.errors import DomainError

from .. import services
from ..choices import MANDATORY_CLAUSES, AgreementStatus, ClauseKind, VenueKind
from ..gates import LEGAL_REVIEW
from ..models import Agreement
from .factories import ARBITRATION, COURT, clause, complete_clauses, draft
from .interfaces import api, snapshot, url

pytestmark = pytest.mark.django_db

INTERFACES = ["service", "api"]


def _submit(interface, actor, agreement) -> dict:
    """Submit through the interface; the refusal as ``{code, detail, requirement}``."""
    if interface == "service":
        with pytest.raises(DomainError) as refused:
            workflow.transition(actor=actor, obj=agreement, name="submit")
        exc = refused.value
        return {"code": exc.code, "detail": str(exc.message), "requirement": exc.requirement}
    response = api(actor).post(url(agreement, "submit"), {}, format="json")
    assert response.status_code == 409, response.content
    return response.json()


def _with_clauses(org, clauses):
    agreement = draft(org)
    services.agreement_clauses_set(actor=org.drafter, agreement=agreement, clauses=clauses)
    return agreement


def _refused_writing_nothing(interface, org, agreement) -> dict:
    before = snapshot(agreement)
    body = _submit(interface, org.drafter, agreement)
    assert snapshot(agreement) == before
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.DRAFT
    assert not LEGAL_REVIEW.state(agreement).reviews
    assert body["code"] == "agreement_incomplete"
    return body


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize("missing", MANDATORY_CLAUSES)
def test_r_agr_2_each_missing_mandatory_clause_is_named_on_submit(org, interface, missing):
    clauses = [c for c in complete_clauses() if c["kind"] != missing]
    agreement = _with_clauses(org, clauses)
    body = _refused_writing_nothing(interface, org, agreement)
    assert body["requirement"] == "R-AGR-2"
    assert f"缺少必备条款：{ClauseKind(missing).label}" in body["detail"]
    for present in set(MANDATORY_CLAUSES) - {missing}:
        assert str(ClauseKind(present).label) not in body["detail"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_2_a_venue_not_on_the_allowed_list_is_named_on_submit(org, interface):
    agreement = _with_clauses(
        org, complete_clauses(venue_kind=VenueKind.ARBITRATION, venue_name="某某仲裁委员会")
    )
    body = _refused_writing_nothing(interface, org, agreement)
    assert "“某某仲裁委员会”不在允许的争议解决机构名单内" in body["detail"]
    assert "缺少必备条款" not in body["detail"]
    assert "相互矛盾" not in body["detail"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_2_a_court_and_an_arbitration_commission_together_are_refused(org, interface):
    clauses = [
        *complete_clauses(),  # the arbitration commission
        clause(
            ClauseKind.DISPUTE,
            "诉讼管辖",
            "因本协议引起的争议，由园区所在地人民法院管辖。",
            venue_kind=VenueKind.COURT,
            venue_name=COURT,
        ),
    ]
    agreement = _with_clauses(org, clauses)
    body = _refused_writing_nothing(interface, org, agreement)
    assert "同时约定了人民法院诉讼和仲裁委员会仲裁，二者相互矛盾" in body["detail"]
    # Both venues are allowed ones: the contradiction is the only problem.
    assert "不在允许的" not in body["detail"]
    assert "缺少必备条款" not in body["detail"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_2_a_dispute_clause_naming_no_venue_is_refused(org, interface):
    agreement = _with_clauses(org, complete_clauses(venue_kind="", venue_name=""))
    body = _refused_writing_nothing(interface, org, agreement)
    assert "未写明管辖法院或仲裁委员会" in body["detail"]


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize(
    ("venue_kind", "venue_name"),
    [(VenueKind.ARBITRATION, ARBITRATION), (VenueKind.COURT, COURT)],
)
def test_r_agr_2_a_complete_agreement_goes_to_the_legal_review(
    org, interface, venue_kind, venue_name
):
    agreement = _with_clauses(org, complete_clauses(venue_kind=venue_kind, venue_name=venue_name))
    if interface == "service":
        workflow.transition(actor=org.drafter, obj=agreement, name="submit")
    else:
        response = api(org.drafter).post(url(agreement, "submit"), {}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == AgreementStatus.IN_REVIEW
        legal = {g["code"]: g for g in response.json()["gates"]}[LEGAL_REVIEW.code]
        assert legal["status"] == "open"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_REVIEW
    assert len(LEGAL_REVIEW.state(agreement).pending) == 1
