"""The staff workbench routes of the permission table (see ``parkflow.core.tests.routes``;
``test_route_permissions`` discovers this module in every installed app)."""

from parkflow.core.tests.routes import (
    ALLOWED,
    STAFF,
    Route,
    _nothing,
)
from parkflow.org.choices import Role

R = Role
ROUTES = {
    # --- kernel pages -----------------------------------------------------------------------
    "workbench:home": Route(
        STAFF, {"GET": 200}, role=R.BUSINESS_STAFF, make=_nothing, other_park=ALLOWED, no_role=None
    ),
    # Everyone's own to-do centre: what it lists is each source's (core/tests/test_todo.py).
    "workbench:todo": Route(
        STAFF, {"GET": 200}, role=R.BUSINESS_STAFF, make=_nothing, other_park=ALLOWED, no_role=None
    ),
    "workbench:todo_count": Route(
        STAFF, {"GET": 200}, role=R.BUSINESS_STAFF, make=_nothing, other_park=ALLOWED, no_role=None
    ),
}
