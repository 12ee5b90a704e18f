"""The demo park's billing (issue 12): a ``seed_demo`` part.

The lead merges the parts of billing here. Until the bills' own demo (a year of bills, some
overdue, payments) lands from the bills' part, ``build_bills`` is a stand-in that bills the
demo's signed agreements period by period at the moment each period began — so due dates lie
in the past — and records most payments, leaving some overdue; the receivables part's bank
statement (``demo_bank.DEMO_STEP``) runs after it."""

import contextlib
import datetime

from django.utils import timezone

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement
from parkflow.core import clock
from parkflow.core.registry import DemoStep

from . import services
from .choices import PaymentMethod
from .demo_bank import BILLS_STEP
from .demo_bank import DEMO_STEP as BANK_STEP
from .models import Bill


@contextlib.contextmanager
def _at(moment: datetime.datetime):
    """Run what follows at ``moment`` (in the past): ``clock.now`` moves there and runs on."""
    real = clock.now
    offset = min(moment - real(), datetime.timedelta(minutes=-1))
    clock.now = lambda: real() + offset
    try:
        yield
    finally:
        clock.now = real


def _morning(day: datetime.date, hour=9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def build_bills(ctx):
    finance = ctx.users["finance"]
    today = clock.today()
    for agreement in Agreement.objects.filter(status=AgreementStatus.SIGNED).order_by("pk"):
        for line in agreement.fees.order_by("position"):
            for charge in services.charges_of(line):
                if charge.period_start > today:
                    break
                with _at(_morning(charge.period_start)):
                    services.bill_issue(
                        actor=finance, fee_line=line, period_start=charge.period_start
                    )
    # Most bills due more than three weeks ago were paid a few days before their due date;
    # about one in six was not (the overdue ones of the receivables dashboard).
    bills = Bill.objects.filter(due_date__lt=today - datetime.timedelta(days=21)).order_by("pk")
    for bill in bills:
        if ctx.rng.random() < 0.17:
            continue
        paid_on = bill.due_date - datetime.timedelta(days=ctx.rng.randint(0, 6))
        with _at(_morning(paid_on, 14)):
            services.payment_record(
                actor=finance,
                bill=bill,
                amount=bill.outstanding,
                method=PaymentMethod.BANK_TRANSFER,
                paid_on=paid_on,
                idempotency_key=f"demo-{bill.pk}",
                reference=f"DEMO{bill.pk:06d}",
            )
    ctx.counts["bills"] = Bill.objects.count()


DEMO_STEPS = [
    DemoStep(BILLS_STEP, build_bills, after=("agreements.agreements",)),
    BANK_STEP,
]
