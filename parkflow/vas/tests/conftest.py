import pytest

from .factories import Vas


@pytest.fixture
def vas(park):
    return Vas(park)


@pytest.fixture
def tenant(vas):
    return vas.tenant(name="苏州纳微光电科技有限公司")


@pytest.fixture
def tenant_user(tenant):
    from parkflow.enterprises.tests.factories import enterprise_user

    return enterprise_user(tenant)
