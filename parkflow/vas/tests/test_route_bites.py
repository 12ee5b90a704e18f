"""The generated permission tests bite on value-added services' routes: with a page's access
check or the services' removed, ``check_route`` fails (D21)."""

import pytest

from parkflow.core.tests.routes import World
from parkflow.core.tests.test_route_permissions import (
    check_route,
    disable_access_checks,
    strip_staff_page,
)

pytestmark = pytest.mark.django_db


def test_removing_the_access_check_of_the_order_step_page_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    strip_staff_page(monkeypatch, "vas:order_step")
    with pytest.raises(AssertionError):
        check_route("vas:order_step", "POST", World(park, other_park, monkeypatch))


def test_removing_the_services_access_check_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    """``access.ensure`` made a no-op in the order services lets a park A reader start an order
    with a role he holds only in park B."""
    from .. import services

    disable_access_checks(monkeypatch, services)
    with pytest.raises(AssertionError):
        check_route("vas:order_step", "POST", World(park, other_park, monkeypatch))
