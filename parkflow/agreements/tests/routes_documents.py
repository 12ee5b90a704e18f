"""routes_documents of the agreements part of the route policy table (see routes.py)."""

ROUTES: dict = {}
