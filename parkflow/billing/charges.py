"""What an agreement's fee line charges, period by period, and when a bill falls due
(R-BIL-1, R-BIL-3): pure computations that billing's services and pages share."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkflow.agreements.choices import FeePeriod
from parkflow.agreements.models import FeeLine


def _due_days() -> int:
    return getattr(settings, "PARKFLOW_BILL_DUE_DAYS", 15)


def due_date_for(period_start: datetime.date, issued_on: datetime.date) -> datetime.date:
    """Fees are paid in advance: due ``PARKFLOW_BILL_DUE_DAYS`` (default 15) days after the
    later of the period's start and the day the bill is issued. No penalty accrues on a late
    bill: no agreement of the park carries a late-payment clause the system could apply
    (Art.14: nothing is charged that was not agreed)."""
    return max(period_start, issued_on) + datetime.timedelta(days=_due_days())


@dataclass(frozen=True)
class Charge:
    """One period of a fee line, as the agreement prices it."""

    fee_line: FeeLine
    period_start: datetime.date
    period_end: datetime.date
    unit_price: Decimal
    amount: Decimal


def _whole_years(day: datetime.date, since: datetime.date) -> int:
    """``relativedelta(day, since).years`` for ``day`` on or after ``since``, in arithmetic (a
    bill run asks it for every period of every line: relativedelta was a fifth of the run)."""
    return day.year - since.year - ((day.month, day.day) < (since.month, since.day))


def charges_of(fee_line: FeeLine) -> list[Charge]:
    """Every charge of a fee line (``FeeLine.charges()``), with the unit price of the year the
    period starts in: the agreed price the bill may not exceed (R-BIL-3)."""
    found = []
    prices: dict[int, Decimal] = {}
    for start, end, amount in fee_line.charges():
        if fee_line.period == FeePeriod.ONCE:
            price = fee_line.unit_price
        else:
            year = _whole_years(start, fee_line.start_date)
            if year not in prices:
                prices[year] = fee_line.price_in_year(year)
            price = prices[year]
        found.append(Charge(fee_line, start, end, price, amount))
    return found


def duplicate_message(bill) -> str:
    return _(
        "重复计费已拒绝：%(label)s %(start)s 至 %(end)s 已出账单 %(number)s（同一协议、同一费用、"
        "同一期间只能出一张账单）。"
    ) % {
        "label": bill.label,
        "start": date_format(bill.period_start),
        "end": date_format(bill.period_end),
        "number": bill.number,
    }
