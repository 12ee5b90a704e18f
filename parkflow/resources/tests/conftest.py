import pytest

from .factories import Org


@pytest.fixture
def org(park):
    return Org(park)
