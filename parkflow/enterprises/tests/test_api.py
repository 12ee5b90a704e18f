"""The enterprise API (R-PLT-2): same scoping, gates and validation as the services behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from parkflow.core import gates
from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
)
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import ConflictDeclaration
from parkflow.intake.tests.factories import (
    application_under_review,
    under_review_without_draw,
    upload_licence,
)
from parkflow.org.choices import Role
from parkflow.org.tests.factories import DepartmentFactory, OrgUnitFactory, staff

URL = "/api/v1/enterprises/"


def detail(pk, action=""):
    return f"{URL}{pk}/{action + '/' if action else ''}"


def client_for(user) -> APIClient:
    client = APIClient()
    # Log in the stored user: a factory may hold an unsaved password in memory, whose session
    # hash would not match the row.
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def payload(park, **overrides) -> dict:
    return {
        "park": park.pk,
        "name": "苏州星河智能科技有限公司",
        "credit_code": make_credit_code(101),
        "legal_representative": "周明",
        "registered_capital": "800.00",
        "industry": "it",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        **overrides,
    }


def writes() -> tuple[int, int, int]:
    return Enterprise.objects.count(), AuditEvent.objects.count(), Review.objects.count()


@pytest.fixture
def people(park):
    return {
        "clerk": staff(Role.BUSINESS_STAFF, park),
        "reviewer": staff(Role.RISK_OFFICER, park),
        "lead": staff(Role.LEAD_STAFF, park),
    }


def _application(park, clerk, **overrides):
    """An application with a current licence under admission review, its reviewer drawn at
    random from the park's eligible reviewers — all through the services."""
    return application_under_review(park, clerk, reviewers=1, **overrides)


def _with_open_review(park, creator):
    """Under review with one open review any eligible reviewer may take: the tests of who may
    decide are about the gate, not about the draw."""
    values = {k: v for k, v in payload(park).items() if k != "park"}
    enterprise = services.enterprise_create(actor=creator, park=park, **values)
    upload_licence(enterprise, creator)
    services.enterprise_apply(actor=creator, enterprise=enterprise)
    under_review_without_draw(enterprise)
    gates.review_request(actor=creator, obj=enterprise, gate_code=ADMISSION)
    return enterprise


def _pending(enterprise) -> Review:
    return gates.reviews_of(enterprise, ADMISSION).get(decision="pending")


# --- scoping (R-ORG-3) -----------------------------------------------------------------------


def test_park_staff_list_leaves_out_enterprises_of_other_parks(park, other_park, people):
    mine = EnterpriseFactory(park=park)
    EnterpriseFactory(park=other_park)
    response = client_for(people["clerk"]).get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert response.json()["count"] == 1


def test_park_staff_fetching_another_parks_enterprise_get_the_same_404_as_for_a_missing_id(
    park, other_park, people
):
    theirs = EnterpriseFactory(park=other_park)
    client = client_for(people["clerk"])
    out_of_scope = client.get(detail(theirs.pk))
    missing = client.get(detail(999_999))
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert out_of_scope.json()["code"] == "not_found"
    assert out_of_scope.json()["requirement"] == "R-ORG-3"
    assert theirs.name not in out_of_scope.content.decode()


def test_park_staff_cannot_act_on_another_parks_enterprise_by_id(park, other_park, people):
    theirs = EnterpriseFactory(park=other_park, name="无锡外园企业")
    client = client_for(people["clerk"])
    before = writes()
    for action in ["apply", "submit-for-review", "approve", "reject", "reviews", "audit"]:
        method = client.get if action in ("reviews", "audit") else client.post
        assert method(detail(theirs.pk, action)).status_code == 404, action
    assert client.patch(detail(theirs.pk), {"name": "改名"}, format="json").status_code == 404
    assert writes() == before
    theirs.refresh_from_db()
    assert theirs.name == "无锡外园企业"


def test_filtering_by_another_parks_id_gives_an_empty_list(park, other_park, people):
    EnterpriseFactory(park=other_park)
    response = client_for(people["clerk"]).get(URL, {"park": other_park.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_headquarters_staff_see_every_park(park, other_park):
    hq = DepartmentFactory(parent=OrgUnitFactory(), park=None, department_kind="lead")
    officer = staff(Role.OFFICE_STAFF, hq)
    EnterpriseFactory(park=park)
    EnterpriseFactory(park=other_park)
    assert client_for(officer).get(URL).json()["count"] == 2


def test_enterprise_user_lists_and_opens_only_their_own_enterprise(park):
    own = EnterpriseFactory(park=park)
    EnterpriseFactory(park=park)
    client = client_for(enterprise_user(own))
    listed = client.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert client.get(detail(own.pk)).status_code == 200


def test_enterprise_user_changing_the_id_gets_the_same_404_as_for_a_missing_id(park, other_park):
    own = EnterpriseFactory(park=park)
    neighbour = EnterpriseFactory(park=park)
    elsewhere = EnterpriseFactory(park=other_park)
    client = client_for(enterprise_user(own))
    missing = client.get(detail(999_999))
    assert missing.status_code == 404
    for other in (neighbour, elsewhere):
        response = client.get(detail(other.pk))
        assert response.status_code == 404
        assert response.json() == missing.json()


def test_enterprise_user_cannot_create_edit_move_or_see_internal_sub_routes(park):
    own = EnterpriseFactory(park=park)
    client = client_for(enterprise_user(own))
    before = writes()
    assert client.post(URL, payload(park), format="json").status_code == 403
    assert client.patch(detail(own.pk), {"name": "自改名称"}, format="json").status_code == 403
    for action in ["apply", "approve", "reject", "declare-conflict"]:
        assert client.post(detail(own.pk, action), {}, format="json").status_code == 403, action
    assert client.get(detail(own.pk, "audit")).status_code == 403
    assert client.get(detail(own.pk, "reviews")).status_code == 403
    assert writes() == before


def test_anonymous_requests_are_401_with_a_token_challenge(park):
    enterprise = EnterpriseFactory(park=park)
    client = APIClient()
    for response in (client.get(URL), client.get(detail(enterprise.pk)), client.post(URL, {})):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Token")


# --- create and edit -------------------------------------------------------------------------


def test_staff_register_an_enterprise_as_a_prospect_with_an_audit_event(park, people):
    response = client_for(people["clerk"]).post(URL, payload(park), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == EnterpriseStatus.PROSPECT
    assert body["created_by"]["id"] == people["clerk"].pk
    assert body["park"] == park.pk
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert (
        AuditEvent.objects.filter(action="enterprise.create", object_id=str(enterprise.pk)).count()
        == 1
    )


def test_credit_code_is_normalised_by_the_service(park, people):
    code = make_credit_code(5)
    response = client_for(people["clerk"]).post(
        URL, payload(park, credit_code=f" {code[:6]} {code[6:]} "), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == code


def test_invalid_credit_code_is_400_naming_the_field_and_writes_nothing(park, people):
    code = make_credit_code(3)
    wrong_check_digit = code[:-1] + ("0" if code[-1] != "0" else "1")
    before = writes()
    response = client_for(people["clerk"]).post(
        URL, payload(park, credit_code=wrong_check_digit), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "credit_code"
    assert "校验位" in body["errors"]["credit_code"][0]
    assert body["requirement"] == "R-ENT-1"
    assert writes() == before


def test_empty_required_field_is_400_naming_the_field_and_writes_nothing(park, people):
    before = writes()
    response = client_for(people["clerk"]).post(URL, payload(park, name="  "), format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name"}
    assert writes() == before


def test_missing_required_field_is_400_naming_the_field_and_writes_nothing(park, people):
    data = payload(park)
    del data["legal_representative"]
    before = writes()
    response = client_for(people["clerk"]).post(URL, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["legal_representative"]
    assert writes() == before


def test_duplicate_credit_code_is_400_and_writes_nothing(park, people):
    existing = EnterpriseFactory(park=park)
    before = writes()
    response = client_for(people["clerk"]).post(
        URL, payload(park, credit_code=existing.credit_code), format="json"
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]
    assert writes() == before


def test_creating_in_a_park_outside_my_scope_is_refused_and_writes_nothing(
    park, other_park, people
):
    before = writes()
    response = client_for(people["clerk"]).post(URL, payload(other_park), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["park"]
    assert writes() == before


def test_auditors_may_read_but_not_register(park):
    auditor = staff(Role.AUDITOR, park)
    EnterpriseFactory(park=park)
    client = client_for(auditor)
    assert client.get(URL).status_code == 200
    before = writes()
    response = client.post(URL, payload(park), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert writes() == before


def test_unknown_enterprise_id_is_404_for_every_route(people):
    client = client_for(people["clerk"])
    before = writes()
    assert client.get(detail(424242)).status_code == 404
    assert client.patch(detail(424242), {"name": "x"}, format="json").status_code == 404
    assert client.post(detail(424242, "approve")).status_code == 404
    assert client.get(detail("not-a-number")).status_code == 404
    assert writes() == before


def test_edit_changes_the_record_and_audits_only_what_changed(park, people):
    enterprise = EnterpriseFactory(park=park, created_by=people["clerk"])
    response = client_for(people["clerk"]).patch(
        detail(enterprise.pk),
        {"contact_phone": "13700000000", "reason": "企业更换联系人电话"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["contact_phone"] == "13700000000"
    event = AuditEvent.objects.get(action="enterprise.update", object_id=str(enterprise.pk))
    assert event.after == {"contact_phone": "13700000000"}
    assert event.reason == "企业更换联系人电话"


def test_edit_with_invalid_phone_is_400_and_changes_nothing(park, people):
    enterprise = EnterpriseFactory(park=park)
    before = writes()
    response = client_for(people["clerk"]).patch(
        detail(enterprise.pk), {"contact_phone": "12345"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["contact_phone"]
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "13912345678"
    assert writes() == before


def test_status_cannot_be_written_through_an_edit(park, people):
    enterprise = EnterpriseFactory(park=park)
    response = client_for(people["clerk"]).patch(
        detail(enterprise.pk), {"status": "approved", "name": "新名称有限公司"}, format="json"
    )
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.PROSPECT
    assert enterprise.name == "新名称有限公司"


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
    reviews = client.get(detail(enterprise_id, "reviews")).json()["results"]
    assert {r["gate"] for r in reviews} == {ADMISSION}
    assert {r["decision"] for r in reviews} == {"pending"}
    # The eligible pool is the risk officer and the lead staff member; the submitter is out.
    assert {r["assigned_to"]["id"] for r in reviews} == {people["reviewer"].pk, people["lead"].pk}
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
    enterprise = _with_open_review(park, people["clerk"])
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
    enterprise = _with_open_review(park, lead)
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
    enterprise = _with_open_review(park, people["clerk"])
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
    enterprise = _with_open_review(park, people["clerk"])
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
    review = gates.review_request(actor=clerk, obj=enterprise, gate_code=ADMISSION)
    gates.review_decide(
        actor=people["reviewer"], review=review, decision="approve", opinion="资料齐全"
    )
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
    assert all(e["hash"] and e["prev_hash"] for e in events)


# --- list features and query counts ----------------------------------------------------------


def test_list_filters_search_and_ordering(park, people):
    EnterpriseFactory(park=park, name="苏州甲科技有限公司", grade="key", industry="biomed")
    target = EnterpriseFactory(
        park=park, name="苏州乙材料有限公司", grade="a", industry="materials"
    )
    client = client_for(people["clerk"])
    assert [r["id"] for r in client.get(URL, {"grade": "a"}).json()["results"]] == [target.pk]
    assert [r["id"] for r in client.get(URL, {"industry": "materials"}).json()["results"]] == [
        target.pk
    ]
    assert [r["id"] for r in client.get(URL, {"search": "乙材料"}).json()["results"]] == [target.pk]
    found = client.get(URL, {"search": target.credit_code}).json()["results"]
    assert [r["id"] for r in found] == [target.pk]
    names = [r["name"] for r in client.get(URL, {"ordering": "name"}).json()["results"]]
    assert names == sorted(names)
    assert client.get(URL, {"status": "prospect"}).json()["count"] == 2
    assert client.get(URL, {"status": "approved"}).json()["count"] == 0


def test_invalid_filter_value_is_400(people):
    response = client_for(people["clerk"]).get(URL, {"status": "flying"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


ENTERPRISE_LIST_QUERIES = 6


@pytest.mark.parametrize("rows", [10, 200])
def test_enterprise_list_runs_a_constant_number_of_queries(
    rows, park, people, django_assert_max_num_queries
):
    manager = staff(Role.BUSINESS_STAFF, park)
    EnterpriseFactory.create_batch(
        rows, park=park, account_manager=manager, created_by=people["clerk"]
    )
    client = client_for(people["clerk"])
    with django_assert_max_num_queries(ENTERPRISE_LIST_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == rows


def test_enterprise_list_queries_do_not_grow_with_rows(park, people):
    client = client_for(people["clerk"])
    EnterpriseFactory.create_batch(10, park=park, created_by=people["clerk"])
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    EnterpriseFactory.create_batch(190, park=park, created_by=people["clerk"])
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(small) == len(large)
