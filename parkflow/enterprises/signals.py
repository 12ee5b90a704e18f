"""Signals of the enterprise register, for the apps that sit on top of it (D33).

``enterprise_named`` is sent inside the service's transaction (enterprise_create, a name change by
enterprise_update, the portal self-service application) after the record and its audit event are
written: intake checks the name against the protected brands there (R-ENT-6). Receivers run in
the same transaction, so a failing receiver undoes the whole write."""

from django.dispatch import Signal

enterprise_named = Signal()  # kwargs: enterprise, created
