"""R-ORG-3: one place decides what each person sees; deny by default."""

import pytest

from parkflow.core import access
from parkflow.core.errors import NotFound
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import DepartmentKind, Role
from parkflow.org.tests.factories import DepartmentFactory, OrgUnitFactory, UserFactory, staff


@pytest.fixture
def two_parks(park, other_park):
    return EnterpriseFactory(park=park, name="A园企业"), EnterpriseFactory(
        park=other_park, name="B园企业"
    )


def _visible(user):
    return set(access.scope(user, Enterprise.objects.all()).values_list("name", flat=True))


def test_park_staff_see_only_their_park(park, two_parks):
    assert _visible(staff(Role.BUSINESS_STAFF, park)) == {"A园企业"}


def test_staff_of_a_department_inside_a_park_see_that_park(park, two_parks):
    dept = DepartmentFactory(parent=park)
    assert _visible(staff(Role.BUSINESS_STAFF, dept)) == {"A园企业"}


def test_headquarters_departments_see_every_park(two_parks):
    company = OrgUnitFactory()
    hq_risk = DepartmentFactory(parent=company, park=None, department_kind=DepartmentKind.RISK)
    assert _visible(staff(Role.RISK_OFFICER, hq_risk)) == {"A园企业", "B园企业"}


def test_enterprise_users_see_only_their_enterprise(two_parks):
    own, other = two_parks
    user = enterprise_user(own)
    assert _visible(user) == {"A园企业"}
    with pytest.raises(NotFound):
        access.get_for_user(user, Enterprise.objects.all(), pk=other.pk)


def test_missing_and_out_of_scope_objects_give_the_same_answer(park, two_parks):
    _own, other = two_parks
    user = staff(Role.BUSINESS_STAFF, park)
    with pytest.raises(NotFound) as out_of_scope:
        access.get_for_user(user, Enterprise.objects.all(), pk=other.pk)
    with pytest.raises(NotFound) as missing:
        access.get_for_user(user, Enterprise.objects.all(), pk=10**9)
    assert out_of_scope.value.as_dict() == missing.value.as_dict()


def test_a_user_without_roles_sees_nothing_and_may_do_nothing(two_parks):
    user = UserFactory()
    assert _visible(user) == set()
    assert not access.may_somewhere(user, "enterprise.view")
    assert not access.may(user, "enterprise.view", two_parks[0])


def test_inactive_users_see_nothing(park, two_parks):
    user = staff(Role.BUSINESS_STAFF, park)
    user.is_active = False
    assert _visible(user) == set()


def test_undeclared_actions_are_denied(park):
    assert not access.may(staff(Role.SYSTEM_ADMIN, park), "something.nobody.declared")


def test_roles_act_only_within_the_park_they_cover(park, other_park, two_parks):
    own, other = two_parks
    clerk = staff(Role.BUSINESS_STAFF, park)
    assert access.may(clerk, "enterprise.edit", own)
    assert not access.may(clerk, "enterprise.edit", other)


def test_auditors_are_read_only(park, two_parks):
    own, _other = two_parks
    auditor = staff(Role.AUDITOR, park)
    assert access.may(auditor, "enterprise.view", own)
    assert access.may_somewhere(auditor, "audit.view")
    assert access.may(auditor, "audit.view", park=park)
    assert not access.may(auditor, "enterprise.edit", own)
    assert not access.may(auditor, "alert.handle", park=park)


def test_enterprise_users_get_only_portal_actions(two_parks):
    own, _ = two_parks
    user = enterprise_user(own)
    assert access.may(user, "enterprise.view", own)
    assert not access.may(user, "enterprise.edit", own)
    assert not access.may(user, "audit.view")


def test_a_role_held_in_one_park_is_not_a_yes_without_an_object(park, other_park):
    """D21, D30: a park-scoped action asked without an object or park is a programming error
    (never a silent headquarters-only answer); holding the role in some park answers yes only
    for that park."""
    admin = staff(Role.SYSTEM_ADMIN, park)
    with pytest.raises(access.ScopeRequired):
        access.may(admin, "org.manage")
    assert access.may(admin, "org.manage", park=park)
    assert not access.may(admin, "org.manage", park=other_park)
    assert access.may_somewhere(admin, "org.manage")
    hq_admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory())
    with pytest.raises(access.ScopeRequired):
        access.may(hq_admin, "org.manage")
    assert access.may(hq_admin, "org.manage", park=other_park)


def test_headquarters_business_needs_no_object_and_a_headquarters_role(park):
    """Actions declared on models that belong to no park (rules, calendar, audit chain)."""
    assert not access.may(staff(Role.SYSTEM_ADMIN, park), "rules.configure")
    assert access.may(staff(Role.SYSTEM_ADMIN, OrgUnitFactory()), "rules.configure")


def test_ensure_without_an_object_refuses_a_park_level_role(park):
    from parkflow.core.errors import PermissionDenied

    with pytest.raises(access.ScopeRequired):
        access.ensure(staff(Role.SYSTEM_ADMIN, park), "org.manage")
    with pytest.raises(PermissionDenied):
        access.ensure(staff(Role.SYSTEM_ADMIN, park), "rules.configure")
    access.ensure(staff(Role.SYSTEM_ADMIN, park), "org.manage", park=park)


def test_enterprise_users_get_no_portal_action_without_their_object(two_parks):
    own, _ = two_parks
    user = enterprise_user(own)
    with pytest.raises(access.ScopeRequired):
        access.may(user, "enterprise.view")
    assert access.may_somewhere(user, "enterprise.view")
    assert not access.may_somewhere(user, "enterprise.edit")
