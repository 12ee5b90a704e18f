"""The permission declarations of enterprises and intake (their permissions.py, D30) drive the
kernel's engine: action-aware ``restrict``, the portal grant, and the two public exceptions
("一公开" results, one's own conflict declarations) — each declared once, nowhere hand-coded."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkflow.core import access, clock
from parkflow.core.errors import PermissionDenied
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.intake import services as intake_services
from parkflow.intake.models import ConflictDeclaration, PublishedResult, QualificationDocument
from parkflow.intake.tests.factories import upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.factories import UserFactory, staff


@pytest.fixture
def own(park):
    return EnterpriseFactory(park=park, name="A园企业")


@pytest.fixture
def other(other_park):
    return EnterpriseFactory(park=other_park, name="B园企业")


def _names(qs):
    return set(qs.values_list("name", flat=True))


# ---------------------------------------------------------------------------------------------
# restrict: per action


def test_a_role_that_may_view_but_not_edit_sees_the_row_only_in_scope(park, own, other):
    auditor = staff(Role.AUDITOR, park)
    assert _names(access.scope(auditor, Enterprise.objects.all())) == {"A园企业"}
    assert _names(access.restrict(auditor, "enterprise.view", Enterprise)) == {"A园企业"}
    assert _names(access.restrict(auditor, "enterprise.edit", Enterprise)) == set()
    clerk = staff(Role.BUSINESS_STAFF, park)
    assert _names(access.restrict(clerk, "enterprise.edit", Enterprise)) == {"A园企业"}


def test_restrict_for_an_action_follows_the_parks_of_the_roles_that_hold_it(
    park, other_park, own, other
):
    """Auditor in park A, clerk in park B: sees both, may edit only B's."""
    from parkflow.org.tests.factories import grant_also

    person = staff(Role.AUDITOR, park)
    grant_also(person, Role.BUSINESS_STAFF, other_park)
    access.forget(person)
    assert _names(access.scope(person, Enterprise.objects.all())) == {"A园企业", "B园企业"}
    assert _names(access.restrict(person, "enterprise.edit", Enterprise)) == {"B园企业"}


def test_headquarters_roles_restrict_to_every_park(own, other):
    from parkflow.org.tests.factories import OrgUnitFactory

    hq_clerk = staff(Role.OFFICE_STAFF, OrgUnitFactory())
    assert _names(access.restrict(hq_clerk, "enterprise.edit", Enterprise)) == {
        "A园企业",
        "B园企业",
    }


def test_undeclared_actions_restrict_to_nothing(park, own):
    assert not access.restrict(
        staff(Role.SYSTEM_ADMIN, park), "nobody.declared", Enterprise
    ).exists()


# ---------------------------------------------------------------------------------------------
# may: a scoped action needs its object


def test_may_refuses_loudly_to_answer_a_park_scoped_action_without_object(park, own):
    clerk = staff(Role.BUSINESS_STAFF, park)
    with pytest.raises(access.ScopeRequired):
        access.may(clerk, "enterprise.edit")
    with pytest.raises(TypeError):  # ScopeRequired is a programming error
        access.ensure(clerk, "document.upload")
    assert access.may(clerk, "enterprise.edit", own)
    assert access.may(clerk, "enterprise.edit", park=park)
    assert access.may_somewhere(clerk, "enterprise.edit")


# ---------------------------------------------------------------------------------------------
# The portal grant: own enterprise only, declared actions only, set-based


def test_enterprise_users_get_the_declared_portal_actions_on_their_own_rows(park, own, other):
    clerk = staff(Role.BUSINESS_STAFF, park)
    upload_licence(own, clerk)
    upload_licence(other, staff(Role.BUSINESS_STAFF, other.park))
    user = enterprise_user(own)
    downloads = access.restrict(user, "document.download", QualificationDocument)
    assert {d.enterprise_id for d in downloads} == {own.pk}
    assert not access.restrict(user, "enterprise.edit", Enterprise).exists()
    assert access.may(user, "document.upload", own)
    assert not access.may(user, "document.upload", other)
    assert not access.may(user, "enterprise.edit", own)


def test_portal_checks_on_loaded_objects_run_no_query(park, own, other):
    user = enterprise_user(own)
    access.is_enterprise_user(user)  # the portal account is loaded once per request
    documents = [own, other] * 10
    with CaptureQueriesContext(connection) as queries:
        answers = [access.may(user, "document.download", e) for e in documents]
    assert answers == [True, False] * 10
    assert len(queries) == 0


# ---------------------------------------------------------------------------------------------
# Public exception 1: published results ("一公开") are read beyond the park and the enterprise


def _publish(enterprise):
    return PublishedResult.objects.create(
        enterprise=enterprise,
        enterprise_name=enterprise.name,
        purpose="admission",
        decision="approve",
        decided_on=clock.today(),
        published_at=clock.now(),
    )


def test_published_results_are_public_to_staff_of_any_park_and_every_enterprise(park, own, other):
    _publish(own), _publish(other)
    park_a_auditor = staff(Role.AUDITOR, park)
    assert _names(access.scope(park_a_auditor, Enterprise.objects.all())) == {"A园企业"}
    visible = access.scope(park_a_auditor, PublishedResult.objects.all())
    assert set(visible.values_list("enterprise_name", flat=True)) == {"A园企业", "B园企业"}
    portal = enterprise_user(own)
    assert access.scope(portal, PublishedResult.objects.all()).count() == 2
    assert access.may_somewhere(portal, "result.view")
    assert not access.scope(UserFactory(), PublishedResult.objects.all()).exists()


# ---------------------------------------------------------------------------------------------
# Public exception 2: a conflict declaration is its declarer's own


def _declare(person, enterprise):
    return intake_services.conflict_declare(actor=person, enterprise=enterprise, reason="亲属任职")


def test_only_my_own_declarations_are_listed_and_withdrawn(park, own):
    mine_person = staff(Role.BUSINESS_STAFF, park)
    colleague = staff(Role.BUSINESS_STAFF, park)
    mine = _declare(mine_person, own)
    theirs = _declare(colleague, own)
    # "may see" (the enterprise's page lists every declaration on it) vs. "may act on"
    assert set(access.scope(mine_person, ConflictDeclaration.objects.all())) == {mine, theirs}
    assert set(
        access.restrict(mine_person, "enterprise.declare_conflict", ConflictDeclaration)
    ) == {mine}
    assert access.may(mine_person, "enterprise.declare_conflict", mine)
    assert not access.may(mine_person, "enterprise.declare_conflict", theirs)
    with pytest.raises(PermissionDenied) as refused:
        intake_services.conflict_withdraw(actor=mine_person, declaration=theirs, reason="已解除")
    assert "本人" in str(refused.value.as_dict()["detail"])
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


# ---------------------------------------------------------------------------------------------
# The tests bite: take the owner rule out of the declaration and the test above fails.


def test_the_owner_rule_test_fails_when_the_declaration_loses_it(park, own, monkeypatch):
    key = "intake.conflictdeclaration"
    without_owner = dataclasses.replace(access.DECLARATIONS[key], owners={})
    monkeypatch.setitem(access.DECLARATIONS, key, without_owner)
    with pytest.raises(AssertionError):
        test_only_my_own_declarations_are_listed_and_withdrawn(park, own)


def test_the_public_result_test_fails_when_the_exception_is_removed(park, other_park, monkeypatch):
    key = "intake.publishedresult"
    monkeypatch.setitem(
        access.DECLARATIONS, key, dataclasses.replace(access.DECLARATIONS[key], public={})
    )
    own = EnterpriseFactory(park=park, name="A园企业")
    other = EnterpriseFactory(park=other_park, name="B园企业")
    with pytest.raises(AssertionError):
        test_published_results_are_public_to_staff_of_any_park_and_every_enterprise(
            park, own, other
        )
