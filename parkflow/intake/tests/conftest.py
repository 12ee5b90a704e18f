"""The people and records most intake tests start from: the register's clerk and enterprise,
two reviewers, an approved application and, for the pages, named people and three reviewers.
A module that needs one of them otherwise declares its own fixture of the same name."""

import pytest

from parkflow.enterprises.tests import conftest as register
from parkflow.intake import services as intake_services
from parkflow.intake.models import ProtectedBrand
from parkflow.intake.tests.factories import application_under_review, approve_round, review_panel
from parkflow.intake.tests.intake_pages import make_enterprise
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

# The register's clerk and enterprises, the same as in enterprises' tests.
clerk = register.clerk
enterprise = register.enterprise
mine = register.mine


@pytest.fixture
def reviewers(park):
    """The park's two eligible reviewers: every admission draw picks both."""
    return [staff(Role.RISK_OFFICER, park) for _ in range(2)]


@pytest.fixture
def approved(park, clerk, reviewers):
    return approve_round(application_under_review(park, clerk))


@pytest.fixture
def huawei(db):
    return ProtectedBrand.objects.create(name="华为", aliases="HUAWEI", owner="华为技术有限公司")


# --- for the pages: named people, three eligible reviewers -----------------------------------


@pytest.fixture
def panel(park):
    return review_panel(park)


@pytest.fixture
def application(park, clerk, panel):
    """Under admission review, two of the panel drawn as its reviewers."""
    return application_under_review(park, clerk)


@pytest.fixture
def outsider(other_park):
    return staff(Role.BUSINESS_STAFF, other_park, display_name="外园区员工")


@pytest.fixture
def office(park):
    return staff(Role.OFFICE_STAFF, park, display_name="专项办")


@pytest.fixture
def declared(clerk, park):
    """The clerk's own declared conflict with an enterprise of the park."""
    enterprise = make_enterprise(park, name="苏州亲属科技有限公司")
    return intake_services.conflict_declare(actor=clerk, enterprise=enterprise, reason="配偶任职")
