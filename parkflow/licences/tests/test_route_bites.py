"""The generated permission tests bite on licence readings' routes: with a page's access check
or the services' removed, ``check_route`` fails (D21)."""

import pytest

from parkflow.core.tests.routes import World
from parkflow.core.tests.test_route_permissions import (
    check_route,
    disable_access_checks,
    strip_staff_page,
)

pytestmark = pytest.mark.django_db


def test_removing_the_access_check_of_the_renewal_page_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    strip_staff_page(monkeypatch, "licences:renewal_apply")
    with pytest.raises(AssertionError):
        check_route("licences:renewal_apply", "POST", World(park, other_park, monkeypatch))


def test_removing_the_services_access_check_fails_the_generated_service_tests(
    park, other_park, monkeypatch
):
    """``access.ensure`` made a no-op in the services lets a colleague register an enterprise
    from the clerk's reading (the register's own check lets any record keeper of the park
    create one): the generated service test fails."""
    from parkflow.core.tests.test_service_permissions import (
        test_service_refuses_who_may_not_and_writes_nothing as generated,
    )

    from .. import services

    disable_access_checks(monkeypatch, services)
    with pytest.raises(pytest.fail.Exception):
        generated(
            "parkflow.licences.services.enterprise_register_from_licence",
            park,
            other_park,
            monkeypatch,
        )
