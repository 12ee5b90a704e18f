import pytest

from .factories import Desk


@pytest.fixture
def desk(park):
    return Desk(park)


@pytest.fixture
def leaders(park):
    from .factories import Leaders

    return Leaders(park)
