"""The generated permission tests bite on intake's state-changing pages: with the page's access
check removed, ``check_route`` fails (D21)."""

import pytest

from parkflow.core.tests.routes import World
from parkflow.core.tests.test_route_permissions import check_route, strip_staff_page


@pytest.mark.parametrize(
    "name", ["intake:fee_charge", "intake:declare_conflict", "intake:spot_check_run"]
)
def test_removing_the_access_check_of_a_state_changing_route_fails_the_generated_tests(
    name, park, other_park, monkeypatch
):
    strip_staff_page(monkeypatch, name)
    with pytest.raises(AssertionError):
        check_route(name, "POST", World(park, other_park, monkeypatch))
