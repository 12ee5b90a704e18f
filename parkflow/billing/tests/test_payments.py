"""R-BIL-4: payments against bills are idempotent, partial payments add up, paid never exceeds
due and an overpayment becomes prepaid credit; R-BIL-5: an adjustment is a new line."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from parkflow.agreements.choices import FeeKind
from parkflow.billing import services
from parkflow.billing.choices import BillStatus, CreditReason
from parkflow.billing.models import Adjustment, Bill, CreditEntry, Payment
from parkflow.billing.selectors import credit_balance
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.tests.factories import ParkFactory

from .factories import finance, signed_agreement

pytestmark = pytest.mark.django_db
YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


@pytest.fixture
def rent():
    agreement = signed_agreement()
    clerk = finance(agreement.park)
    line = agreement.fees.get(kind=FeeKind.RENT)
    bill = services.bill_issue(actor=clerk, fee_line=line, period_start=line.start_date).bill
    return clerk, bill


def pay(clerk, bill, amount, key, **extra):
    values = {"method": "bank_transfer", "paid_on": YESTERDAY, "reference": "", **extra}
    return services.payment_record(
        actor=clerk, bill=bill, amount=amount, idempotency_key=key, **values
    )


def test_a_retried_payment_with_the_same_key_records_one_payment(rent):
    clerk, bill = rent

    first = pay(clerk, bill, "3000.00", "pay-1")
    retry = pay(clerk, bill, "3000", "pay-1")

    assert not first.replayed and retry.replayed
    assert retry.payment.pk == first.payment.pk
    assert Payment.objects.count() == 1
    bill.refresh_from_db()
    assert bill.paid == Decimal("3000.00")
    assert AuditEvent.objects.filter(action="payment.record").count() == 1


def test_the_same_key_with_another_amount_is_refused(rent):
    clerk, bill = rent
    pay(clerk, bill, "3000.00", "pay-1")

    with pytest.raises(Conflict) as refused:
        pay(clerk, bill, "3000.01", "pay-1")

    assert refused.value.code == "idempotency_key_reused"
    assert Payment.objects.count() == 1


def test_partial_payments_add_up_to_paid(rent):
    clerk, bill = rent

    pay(clerk, bill, "4000", "a")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PARTIAL and bill.outstanding == Decimal("5600.00")
    pay(clerk, bill, "5600", "b")
    bill.refresh_from_db()

    assert bill.status == BillStatus.PAID
    assert bill.paid == bill.amount == Decimal("9600.00")
    assert credit_balance(bill.enterprise) == 0


def test_an_overpayment_becomes_prepaid_credit_never_a_silent_change(rent):
    clerk, bill = rent

    made = pay(clerk, bill, "10000.00", "over").payment

    bill.refresh_from_db()
    assert bill.paid == Decimal("9600.00")
    assert (made.applied, made.credited) == (Decimal("9600.00"), Decimal("400.00"))
    entry = CreditEntry.objects.get()
    assert (entry.amount, entry.reason, entry.payment) == (
        Decimal("400.00"),
        CreditReason.OVERPAYMENT,
        made,
    )


def test_a_payment_to_a_settled_bill_goes_wholly_to_credit(rent):
    clerk, bill = rent
    pay(clerk, bill, "9600", "a")

    made = pay(clerk, bill, "100", "b").payment

    assert (made.applied, made.credited) == (Decimal("0"), Decimal("100.00"))
    assert credit_balance(bill.enterprise) == Decimal("100.00")


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc", "1e3x", "1000000000000"], ids=repr)
def test_an_amount_that_is_not_money_is_refused_naming_the_field(rent, amount):
    clerk, bill = rent

    with pytest.raises(ValidationFailed) as refused:
        pay(clerk, bill, amount, "bad")

    assert "amount" in refused.value.errors
    assert not Payment.objects.exists()


def test_a_payment_dated_in_the_future_is_refused(rent):
    clerk, bill = rent

    with pytest.raises(ValidationFailed) as refused:
        pay(clerk, bill, "100", "future", paid_on=datetime.date.today() + datetime.timedelta(1))

    assert "paid_on" in refused.value.errors


def test_the_enterprise_and_other_parks_cannot_record_payments(rent):
    _, bill = rent

    for actor in (enterprise_user(bill.enterprise), finance(ParkFactory())):
        with pytest.raises(PermissionDenied):
            pay(actor, bill, "100", f"x-{actor.pk}")
    assert not Payment.objects.exists()


def test_a_replay_by_someone_who_may_not_see_the_bill_is_refused(rent):
    clerk, bill = rent
    pay(clerk, bill, "100", "mine")

    with pytest.raises(PermissionDenied):
        pay(finance(ParkFactory()), bill, "100", "mine")


def test_credit_pays_a_bill_as_far_as_it_goes(rent):
    clerk, bill = rent
    pay(clerk, bill, "10000.00", "over")  # 400 元 of credit
    next_month = bill.period_start + relativedelta(months=1)
    june = services.bill_issue(actor=clerk, fee_line=bill.fee_line, period_start=next_month).bill

    applied = services.credit_apply(actor=clerk, bill=june, idempotency_key="apply").payment

    june.refresh_from_db()
    assert applied.amount == june.paid == Decimal("400.00")
    assert credit_balance(bill.enterprise) == 0
    with pytest.raises(Conflict):
        services.credit_apply(actor=clerk, bill=june, idempotency_key="apply-again")


def test_a_credit_adjustment_is_a_new_line_and_the_bill_keeps_its_amount(rent):
    clerk, bill = rent

    services.adjustment_make(
        actor=clerk, bill=bill, kind="credit", amount="600", reason="面积复核减少5平方米"
    )

    bill.refresh_from_db()
    assert bill.amount == Decimal("9600.00")
    assert bill.adjusted == Decimal("-600.00")
    assert bill.outstanding == Decimal("9000.00")
    assert Adjustment.objects.get().reason == "面积复核减少5平方米"


def test_a_credit_on_a_paid_bill_returns_the_difference_to_prepaid_credit(rent):
    clerk, bill = rent
    pay(clerk, bill, "9600", "all")

    services.adjustment_make(actor=clerk, bill=bill, kind="credit", amount="600", reason="减免")

    bill.refresh_from_db()
    assert (bill.paid, bill.due, bill.status) == (
        Decimal("9000.00"),
        Decimal("9000.00"),
        BillStatus.PAID,
    )
    assert credit_balance(bill.enterprise) == Decimal("600.00")


def test_a_credit_larger_than_the_bill_is_refused(rent):
    clerk, bill = rent

    with pytest.raises(ValidationFailed) as refused:
        services.adjustment_make(
            actor=clerk, bill=bill, kind="credit", amount="9600.01", reason="x"
        )

    assert "amount" in refused.value.errors
    assert not Adjustment.objects.exists()


def test_a_debit_adjustment_raises_what_is_due(rent):
    clerk, bill = rent
    pay(clerk, bill, "9600", "all")

    services.adjustment_make(actor=clerk, bill=bill, kind="debit", amount="50", reason="补收")

    bill.refresh_from_db()
    assert (bill.outstanding, bill.status) == (Decimal("50.00"), BillStatus.PARTIAL)


def test_the_ledger_identity_holds_after_every_kind_of_movement(rent):
    clerk, bill = rent
    pay(clerk, bill, "10000", "1")
    services.adjustment_make(actor=clerk, bill=bill, kind="credit", amount="700", reason="a")
    services.adjustment_make(actor=clerk, bill=bill, kind="debit", amount="30", reason="b")
    enterprise = bill.enterprise

    charged = sum(b.amount + b.adjusted for b in Bill.objects.filter(enterprise=enterprise))
    received = sum(p.amount for p in Payment.objects.filter(enterprise=enterprise))
    outstanding = sum(b.outstanding for b in Bill.objects.filter(enterprise=enterprise))
    assert charged - received == outstanding - credit_balance(enterprise)
