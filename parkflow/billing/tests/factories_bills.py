"""Test data of the bill pages, portal and API: bills issued through the services from a signed
agreement (``factories.signed_agreement``), payments recorded through them."""

import datetime
import uuid
import zoneinfo
from decimal import Decimal

import time_machine

from parkflow.agreements.choices import FeeKind

from .. import services
from .factories import finance, signed_agreement

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JAN = datetime.date(2026, 1, 1)
NOV = datetime.date(2026, 11, 1)


def at(day: datetime.date, hour: int = 9):
    """Travel to ``day`` at ``hour`` in Shanghai (the clock ticks on)."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI))


def rent_bill(agreement=None, *, period=NOV, clerk=None, **values):
    """The monthly rent (120 m² × 80 元 = 9,600 元) of ``period`` of a signed agreement, issued
    by the park's finance officer."""
    agreement = agreement or signed_agreement(start=JAN, **values)
    clerk = clerk or finance(agreement.park)
    rent = agreement.fees.get(kind=FeeKind.RENT)
    return services.bill_issue(actor=clerk, fee_line=rent, period_start=period).bill


def pay(bill, amount, *, clerk=None, key=None, paid_on=None, method="bank_transfer"):
    from django.utils import timezone

    return services.payment_record(
        actor=clerk or finance(bill.park),
        bill=bill,
        amount=Decimal(str(amount)),
        method=method,
        paid_on=paid_on or timezone.localdate(),
        reference="",
        idempotency_key=key or uuid.uuid4().hex,
    )
