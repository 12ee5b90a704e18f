"""Billing's part of the route policy table (``parkflow.core.tests.routes``): each part of the
app keeps its routes and builders in its own module, merged here.

--- part "refunds": routes_refunds.py (退款与付款 pages and ``/api/v1/refunds/``)."""

from . import routes_refunds

BUILDERS = {
    **routes_refunds.BUILDERS,
}

ROUTES = {
    **routes_refunds.ROUTES,
}
