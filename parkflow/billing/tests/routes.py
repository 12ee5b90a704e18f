"""Billing's part of the route policy table (core/tests/routes.py): each part of billing keeps
its entries in its own module, merged here."""

from . import routes_statements

ROUTES: dict = {}
BUILDERS: dict = {}

# --- statements and disputes (R-BIL-5) --------------------------------------------------------
ROUTES |= routes_statements.ROUTES
BUILDERS |= routes_statements.BUILDERS
