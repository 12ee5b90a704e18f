"""The clerk and the enterprise most register tests start from; intake's tests take the same
two (intake/tests/conftest.py). A module that needs them otherwise declares its own."""

import pytest

from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park)


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park)
