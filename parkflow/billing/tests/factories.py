"""Test data of billing: a signed agreement with its fee schedule, written straight to the
database as the register import writes a migrated one (the agreement's own review and signing
are agreements' tests; billing reads only what is signed), and its bills through the services."""

import datetime
import itertools
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from parkflow.agreements.choices import AgreementKind, AgreementStatus, FeeKind, FeePeriod
from parkflow.agreements.models import Agreement, FeeLine
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

_NUMBERS = itertools.count(1)


def finance(park):
    return staff(Role.FINANCE_STAFF, park, display_name="财务")


def resident(park=None, **values):
    return EnterpriseFactory(park=park or ParkFactory(), status=EnterpriseStatus.RESIDENT, **values)


def signed_agreement(
    enterprise=None,
    *,
    start=datetime.date(2026, 1, 1),
    months=12,
    status=AgreementStatus.SIGNED,
    lines=None,
    number=None,
    version=1,
    amends=None,
) -> Agreement:
    """A signed agreement with, unless ``lines`` says otherwise, monthly rent of 120 m² at
    80 元/m²·月 (9,600 元 a month) and a one-off deposit of 19,200 元."""
    enterprise = enterprise or resident()
    author = staff(Role.BUSINESS_STAFF, enterprise.park)
    end = start + relativedelta(months=months, days=-1)
    now = timezone.now()
    agreement = Agreement.objects.create(
        park=enterprise.park,
        enterprise=enterprise,
        kind=AgreementKind.RESIDENCY,
        number=number or f"SZ-TEST-{next(_NUMBERS):05d}",
        version=version,
        amends=amends,
        title="入驻服务协议",
        status=status,
        start_date=start,
        end_date=end,
        migrated=True,
        signed_on=start,
        created_by=author,
        created_at=now,
        updated_at=now,
    )
    if lines is None:
        lines = [
            {"kind": FeeKind.RENT, "label": "办公室租金", "quantity": "120", "unit_price": "80"},
            {
                "kind": FeeKind.DEPOSIT,
                "label": "租赁押金",
                "quantity": "1",
                "unit_price": "19200",
                "period": FeePeriod.ONCE,
            },
        ]
    for position, line in enumerate(lines, start=1):
        FeeLine.objects.create(
            agreement=agreement,
            position=position,
            kind=line["kind"],
            label=line["label"],
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            period=line.get("period", FeePeriod.MONTHLY),
            start_date=line.get("start_date", start),
            end_date=line.get("end_date", end),
            escalation_percent=Decimal(line.get("escalation_percent", "0")),
        )
    return agreement
