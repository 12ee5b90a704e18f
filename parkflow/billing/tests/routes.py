"""Billing's part of the route policy table (core/tests/routes.py): each part of billing keeps
its entries in its own module, merged here."""

from . import routes_bills

BUILDERS = {
    **routes_bills.BUILDERS,
}

ROUTES = {
    **routes_bills.ROUTES,
}
