"""Billing's part of the service table (``parkflow.core.tests.service_table``): each part of the
app keeps its entries in its own module, merged here.

--- part "refunds": service_table_refunds.py (``services_refunds``)."""

from . import service_table_refunds

SERVICE_MODULES = [
    *service_table_refunds.SERVICE_MODULES,
]

SERVICES = {
    **service_table_refunds.SERVICES,
}
