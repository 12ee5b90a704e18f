"""Test data of statements (R-BIL-5): a resident enterprise's worked history of three months,
built through the billing services at the moments it happened (``at``), and its finance clerk."""

import contextlib
import datetime
import zoneinfo
from decimal import Decimal

import time_machine

from parkflow.agreements.choices import FeeKind
from parkflow.billing import services

from .factories import finance, signed_agreement

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JAN, FEB, MAR = (datetime.date(2026, month, 1) for month in (1, 2, 3))


@contextlib.contextmanager
def at(day: datetime.date, hour: int = 10):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)):
        yield


class Worked:
    """The worked example (rent 9,600 元 a month and a deposit of 19,200 元 from 1 January 2026):

    * January: rent and deposit billed; the deposit paid on the 10th, 5,000 of the rent on 20th;
    * February: rent billed; January's rest (4,600) paid on the 5th; 10,000 paid for February on
      the 10th (400 to the prepaid balance); February's rent reduced by 600 on the 15th (面积核减:
      already paid, so the 600 goes to the prepaid balance too);
    * March: rent billed; the prepaid 1,000 applied to it on the 3rd; 150 added on the 10th.
    """

    def __init__(self, enterprise=None):
        self.agreement = signed_agreement(enterprise)
        self.enterprise = self.agreement.enterprise
        self.park = self.enterprise.park
        self.clerk = finance(self.park)
        self.rent_line = self.agreement.fees.get(kind=FeeKind.RENT)
        self.deposit_line = self.agreement.fees.get(kind=FeeKind.DEPOSIT)
        self._keys = 0
        self.build()

    def key(self) -> str:
        self._keys += 1
        return f"worked-{self.enterprise.pk}-{self._keys}"

    def pay(self, bill, amount, day):
        with at(day):
            return services.payment_record(
                actor=self.clerk,
                bill=bill,
                amount=amount,
                method="bank_transfer",
                paid_on=day,
                idempotency_key=self.key(),
                reference=f"HX{day:%m%d}",
            ).payment

    def build(self):
        issue = services.bill_issue
        with at(JAN, 9):
            self.rent_jan = issue(actor=self.clerk, fee_line=self.rent_line, period_start=JAN).bill
            self.deposit = issue(
                actor=self.clerk, fee_line=self.deposit_line, period_start=JAN
            ).bill
        self.pay(self.deposit, "19200", datetime.date(2026, 1, 10))
        self.pay(self.rent_jan, "5000", datetime.date(2026, 1, 20))
        with at(FEB, 9):
            self.rent_feb = issue(actor=self.clerk, fee_line=self.rent_line, period_start=FEB).bill
        self.pay(self.rent_jan, "4600", datetime.date(2026, 2, 5))
        self.pay(self.rent_feb, "10000", datetime.date(2026, 2, 10))
        with at(datetime.date(2026, 2, 15)):
            self.credit = services.adjustment_make(
                actor=self.clerk, bill=self.rent_feb, kind="credit", amount="600", reason="面积核减"
            )
        with at(MAR, 9):
            self.rent_mar = issue(actor=self.clerk, fee_line=self.rent_line, period_start=MAR).bill
        with at(datetime.date(2026, 3, 3)):
            services.credit_apply(actor=self.clerk, bill=self.rent_mar, idempotency_key=self.key())
        with at(datetime.date(2026, 3, 10)):
            self.debit = services.adjustment_make(
                actor=self.clerk, bill=self.rent_mar, kind="debit", amount="150", reason="空调加时"
            )


def yuan(text) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))
