"""The clerk and the enterprises most register tests start from; intake's tests take the same
(intake/tests/conftest.py). A module that needs one of them otherwise declares its own."""

import pytest

from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park)


@pytest.fixture
def mine(park):
    """An enterprise of the clerk's park."""
    return EnterpriseFactory(park=park, name="苏州云帆智能科技有限公司")
