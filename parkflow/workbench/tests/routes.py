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
}
