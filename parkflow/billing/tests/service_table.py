"""Billing's part of the service table (core/tests/service_table.py): each part of billing keeps
its entries in its own module, merged here."""

from . import service_table_bills

SERVICE_MODULES = [*service_table_bills.SERVICE_MODULES]

SERVICES = {
    **service_table_bills.SERVICES,
}
