import pytest

from .factories import Desk


@pytest.fixture
def desk(park):
    return Desk(park)
