"""Billing's part of the service table (see ``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers this module in every installed app).

The lead merges the parts of billing here: each part keeps its entries in its own module
(service_table_bank.py: bank statements, invoice data)."""

from .service_table_bank import SERVICE_MODULES as _BANK_MODULES
from .service_table_bank import SERVICES as _BANK_SERVICES

SERVICE_MODULES = [*_BANK_MODULES]
SERVICES = {**_BANK_SERVICES}
