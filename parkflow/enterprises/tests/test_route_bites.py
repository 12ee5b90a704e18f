"""The generated permission tests bite on the enterprise register's routes: with the page's
access check or the service layer's removed, ``check_route`` fails (D21)."""

import pytest

from parkflow.core.tests.routes import World
from parkflow.core.tests.test_route_permissions import (
    check_route,
    disable_access_checks,
    strip_staff_page,
)


def test_removing_the_access_check_of_the_transition_page_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    strip_staff_page(monkeypatch, "enterprises:transition")
    with pytest.raises(AssertionError):
        check_route("enterprises:transition", "POST", World(park, other_park, monkeypatch))


def test_removing_the_services_access_check_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    """``access.ensure`` made a no-op in the workflow engine, which performs every enterprise
    transition, lets a park A reader act with a role he holds only in park B."""
    from parkflow.core import workflow

    disable_access_checks(monkeypatch, workflow)
    with pytest.raises(AssertionError):
        check_route("enterprises:transition", "POST", World(park, other_park, monkeypatch))
