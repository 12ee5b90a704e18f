import pytest

from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff


@pytest.fixture
def clerk(park):
    """A business staff member of park A: registers enterprises and uploads their documents."""
    return staff(Role.BUSINESS_STAFF, park, display_name="周敏")


@pytest.fixture
def colleague(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="吴涛")
