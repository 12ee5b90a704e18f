"""routes_portal of the resources part of the route policy table (see routes.py)."""

ROUTES: dict = {}
