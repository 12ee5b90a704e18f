"""The enterprise API (R-PLT-2): same scoping, gates and validation as the services behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.enterprise_api import URL, detail, park_people, payload, writes
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
)
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import DepartmentFactory, OrgUnitFactory, staff


@pytest.fixture
def people(park):
    return park_people(park)


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
