"""Billing's part of the route policy table (core/tests/routes.py).

The lead merges the parts of billing here: each part keeps its entries and builders in its own
module (routes_bank.py: bank statements, invoice data, the receivables dashboard)."""

from . import routes_bank

BUILDERS = {**routes_bank.BUILDERS}

ROUTES = {**routes_bank.ROUTES}
