"""Organisation API: the unit tree and emergency contacts are scoped like everything else
(R-ORG-3); /me/ tells a person their roles and whether their compliance status lets them act
(R-ORG-5); confirming a contact through the API resets the R-ORG-6 clock."""

import datetime

import pytest
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.choices import AlertStatus
from parkflow.core.models import Alert, AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord, EmergencyContact, RoleAssignment
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import (
    DepartmentFactory,
    EmergencyContactFactory,
    OrgUnitFactory,
    UserFactory,
    staff,
)

CONTACTS = "/api/v1/org/emergency-contacts/"
UNITS = "/api/v1/org/units/"


def writes() -> tuple[int, int]:
    return EmergencyContact.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def tree(park, other_park):
    group = OrgUnitFactory(name="某某产业集团", kind="group")
    company = OrgUnitFactory(name="园区运营公司", kind="company", parent=group)
    park.parent = company
    park.save()
    other_park.parent = company
    other_park.save()
    hq_legal = DepartmentFactory(name="法务部", parent=company, park=None, department_kind="legal")
    business = DepartmentFactory(name="招商服务部", parent=park)
    DepartmentFactory(name="B区招商部", parent=other_park)
    return {"group": group, "company": company, "hq_legal": hq_legal, "business": business}


# --- units ------------------------------------------------------------------------------------


def test_park_staff_see_their_park_and_its_departments_only(tree, park, other_park):
    client = client_for(staff(Role.BUSINESS_STAFF, park))
    names = {row["name"] for row in client.get(UNITS).json()}
    assert names == {park.name, "招商服务部"}
    assert client.get(f"{UNITS}{other_park.pk}/").status_code == 404
    assert client.get(f"{UNITS}{tree['hq_legal'].pk}/").status_code == 404


def test_headquarters_staff_see_the_whole_tree_nested(tree, park, other_park):
    client = client_for(staff(Role.LEGAL_OFFICER, tree["hq_legal"]))
    roots = client.get(f"{UNITS}tree/").json()
    assert [root["name"] for root in roots] == ["某某产业集团"]
    company = roots[0]["children"][0]
    assert company["name"] == "园区运营公司"
    children = {child["name"]: child for child in company["children"]}
    assert set(children) == {park.name, other_park.name, "法务部"}
    assert [d["name"] for d in children[park.name]["children"]] == ["招商服务部"]


def test_park_staff_tree_starts_at_their_park(tree, park):
    roots = client_for(staff(Role.BUSINESS_STAFF, park)).get(f"{UNITS}tree/").json()
    assert [root["name"] for root in roots] == [park.name]
    assert [child["name"] for child in roots[0]["children"]] == ["招商服务部"]


def test_units_filter_by_kind(tree, park):
    client = client_for(staff(Role.BUSINESS_STAFF, park))
    assert [row["name"] for row in client.get(UNITS, {"kind": "department"}).json()] == [
        "招商服务部"
    ]


def test_enterprise_users_cannot_read_the_organisation(park):
    client = client_for(enterprise_user(EnterpriseFactory(park=park)))
    assert client.get(UNITS).status_code == 403
    assert client.get(CONTACTS).status_code == 403


# --- me ---------------------------------------------------------------------------------------


def test_me_lists_roles_with_unit_park_and_compliance_status(park):
    person = staff(Role.BUSINESS_STAFF, park, username="zhang.wei", display_name="张伟")
    RoleAssignment.objects.create(user=person, role=Role.DEPUTY, unit=park)
    body = client_for(person).get("/api/v1/me/").json()
    assert body["username"] == "zhang.wei"
    assert body["name"] == "张伟"
    assert body["is_enterprise_user"] is False
    assert body["enterprise"] is None
    roles = {r["role"]: r for r in body["roles"]}
    assert set(roles) == {Role.BUSINESS_STAFF, Role.DEPUTY}
    assert roles[Role.DEPUTY]["park"]["id"] == park.pk
    assert all(r["may_act"] for r in body["roles"])
    kinds = {c["kind"]: c for c in body["compliance"]}
    assert kinds[ComplianceKind.COMMITMENT]["current"] is True
    assert kinds[ComplianceKind.MANAGER_TRAINING]["required"] is True
    assert "enterprise.create" in body["permissions"]
    assert "rules.configure" not in body["permissions"]


def test_me_tells_a_person_with_a_lapsed_training_why_they_cannot_act(park):
    leader = staff(Role.DEPUTY, park)
    ComplianceRecord.objects.filter(user=leader, kind=ComplianceKind.MANAGER_TRAINING).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2020, 7, 1)
    )
    body = client_for(leader).get("/api/v1/me/").json()
    (role,) = body["roles"]
    assert role["may_act"] is False
    assert "管理层合规履职培训" in role["lapse_reason"]
    kinds = {c["kind"]: c for c in body["compliance"]}
    assert kinds[ComplianceKind.MANAGER_TRAINING]["current"] is False
    assert kinds[ComplianceKind.MANAGER_TRAINING]["valid_until"] == "2020-07-01"


def test_me_shows_an_enterprise_user_their_enterprise_and_no_staff_roles(park):
    enterprise = EnterpriseFactory(park=park, name="苏州门户测试有限公司")
    body = client_for(enterprise_user(enterprise)).get("/api/v1/me/").json()
    assert body["is_enterprise_user"] is True
    assert body["enterprise"] == {"id": enterprise.pk, "name": "苏州门户测试有限公司"}
    assert body["roles"] == []
    assert "enterprise.view" in body["permissions"]
    assert "alert.view" not in body["permissions"]


def test_a_user_without_roles_sees_no_permissions(db):
    body = client_for(UserFactory()).get("/api/v1/me/").json()
    assert body["roles"] == []
    assert body["permissions"] == []


# --- emergency contacts (R-ORG-6) --------------------------------------------------------------


def test_contact_list_is_scoped_to_my_parks(park, other_park):
    mine = EmergencyContactFactory(unit=park)
    EmergencyContactFactory(unit=other_park)
    client = client_for(staff(Role.OFFICE_STAFF, park))
    assert [row["id"] for row in client.get(CONTACTS).json()["results"]] == [mine.pk]


def test_another_parks_contact_is_404_and_cannot_be_confirmed(park, other_park):
    theirs = EmergencyContactFactory(unit=other_park)
    client = client_for(staff(Role.OFFICE_STAFF, park))
    assert client.get(f"{CONTACTS}{theirs.pk}/").status_code == 404
    before = writes()
    assert client.post(f"{CONTACTS}{theirs.pk}/confirm/").status_code == 404
    assert writes() == before


def test_adding_a_contact_confirms_it_and_is_audited(park):
    officer = staff(Role.OFFICE_STAFF, park)
    response = client_for(officer).post(
        CONTACTS,
        {"unit": park.pk, "name": "王强", "title": "安全主管", "phone": "13800001111"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["park"] == park.pk
    assert body["confirmed_by"]["id"] == officer.pk
    assert body["confirmed_at"]
    assert AuditEvent.objects.filter(
        action="emergency_contact.create", object_id=str(body["id"])
    ).exists()


def test_a_contact_with_an_invalid_phone_is_400_and_nothing_is_written(park):
    before = writes()
    response = client_for(staff(Role.OFFICE_STAFF, park)).post(
        CONTACTS, {"unit": park.pk, "name": "王强", "phone": "12345"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["phone"]
    assert response.json()["requirement"] == "R-ORG-6"
    assert writes() == before


def test_a_contact_for_a_unit_outside_my_scope_is_refused(park, other_park):
    before = writes()
    response = client_for(staff(Role.OFFICE_STAFF, park)).post(
        CONTACTS, {"unit": other_park.pk, "name": "王强", "phone": "13800001111"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["unit"]
    assert writes() == before


def test_auditors_cannot_add_or_confirm_contacts(park):
    contact = EmergencyContactFactory(unit=park)
    client = client_for(staff(Role.AUDITOR, park))
    before = writes()
    assert (
        client.post(CONTACTS, {"unit": park.pk, "name": "王强", "phone": "13800001111"}).status_code
        == 403
    )
    assert client.post(f"{CONTACTS}{contact.pk}/confirm/").status_code == 403
    assert writes() == before


def test_confirming_a_stale_contact_through_the_api_closes_its_alert(
    park, django_capture_on_commit_callbacks
):
    old = timezone.now() - datetime.timedelta(days=120)
    contact = EmergencyContactFactory(unit=park, confirmed_at=old)
    rules.sweep_rule("org.emergency_contact_stale")
    assert Alert.objects.get().status == AlertStatus.OPEN
    officer = staff(Role.OFFICE_STAFF, park)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer).post(
            f"{CONTACTS}{contact.pk}/confirm/", {"phone": "13900002222"}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "13900002222"
    contact.refresh_from_db()
    assert contact.confirmed_at > old
    assert Alert.objects.get().status == AlertStatus.RESOLVED
    event = AuditEvent.objects.get(action="emergency_contact.confirm")
    assert event.before["phone"] == "13800138000"
    assert event.after["phone"] == "13900002222"


def test_confirming_with_an_invalid_phone_is_400_and_changes_nothing(park):
    contact = EmergencyContactFactory(unit=park)
    before = writes()
    response = client_for(staff(Role.OFFICE_STAFF, park)).post(
        f"{CONTACTS}{contact.pk}/confirm/", {"phone": "abc"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["phone"]
    contact.refresh_from_db()
    assert contact.phone == "13800138000"
    assert writes() == before
