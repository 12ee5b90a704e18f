"""Billing's part of the service table (see ``parkflow.core.tests.service_table``): each part of
billing keeps its entries in its own module, merged here."""

from .service_table_statements import SERVICE_MODULES as _STATEMENT_MODULES
from .service_table_statements import SERVICES as _STATEMENT_SERVICES

SERVICE_MODULES: list = []
SERVICES: dict = {}

# --- statements and disputes (R-BIL-5) --------------------------------------------------------
SERVICE_MODULES += _STATEMENT_MODULES
SERVICES |= _STATEMENT_SERVICES
