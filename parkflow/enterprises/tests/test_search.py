"""The register's search box (R-ENT-1): one stored, upper-cased column over name, credit code,
contact and legal representative (Enterprise.search_text; docs/decisions.md D31)."""

import pytest

from parkflow.enterprises import selectors, services
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .factories import EnterpriseFactory, make_credit_code


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park)


@pytest.fixture
def register(park):
    return {
        "bio": EnterpriseFactory(
            park=park,
            name="苏州博瑞生物医药有限公司",
            credit_code=make_credit_code(11),
            contact_name="陈静",
            legal_representative="周明",
        ),
        "art": EnterpriseFactory(
            park=park,
            name="苏州墨韵文化创意有限公司",
            credit_code=make_credit_code(12),
            contact_name="王芳",
            legal_representative="李强",
        ),
    }


def _found(actor, search):
    return {e.name for e in selectors.enterprise_list(actor=actor, search=search)}


@pytest.mark.parametrize(
    ("field", "pick"),
    [
        ("name", lambda e: "博瑞"),
        ("contact_name", lambda e: e.contact_name),
        ("legal_representative", lambda e: e.legal_representative),
        ("credit_code", lambda e: e.credit_code[-6:].lower()),  # case does not matter
    ],
)
def test_search_matches_each_searched_field(clerk, register, field, pick):
    assert _found(clerk, pick(register["bio"])) == {"苏州博瑞生物医药有限公司"}


def test_a_search_never_spans_two_fields(clerk, register):
    bio = register["bio"]
    assert _found(clerk, bio.name[-2:] + bio.credit_code[:2]) == set()


def test_search_follows_an_edit_through_the_service(clerk, register):
    bio = register["bio"]
    services.enterprise_update(
        actor=clerk, enterprise=bio, contact_name="赵敏", reason="联系人变更"
    )
    assert _found(clerk, "赵敏") == {"苏州博瑞生物医药有限公司"}
    assert _found(clerk, "陈静") == set()


def test_search_stays_inside_the_users_scope(register, other_park):
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    assert _found(outsider, "博瑞") == set()
