"""R-BIL-1 … R-BIL-3: bills come from signed agreements' fee schedules, once per (agreement, fee
line, period), never above the agreed price, no penalty on a late bill."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import TestCase

from parkflow.agreements.choices import AgreementStatus, FeeKind, FeePeriod
from parkflow.billing import charges, services
from parkflow.billing.choices import BillSource, BillStatus, RunStatus
from parkflow.billing.models import Bill, BillRun
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

from .factories import finance, resident, signed_agreement

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 1)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def run(actor, park, month=NOV):
    """Start a run and let the worker do it (huey is immediate in tests; the task is queued
    when the transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = services.bill_run_start(actor=actor, park=park, month=month)
    started.refresh_from_db()
    return started


def test_a_run_bills_every_period_of_a_signed_schedule_up_to_the_month():
    agreement = signed_agreement()
    clerk = finance(agreement.park)

    done = run(clerk, agreement.park)

    bills = Bill.objects.filter(agreement=agreement).order_by("period_start", "kind")
    # Eleven months of rent (January to November) and the deposit.
    assert done.status == RunStatus.DONE
    assert done.bills_created == 12 == bills.count()
    rent = [bill for bill in bills if bill.kind == FeeKind.RENT]
    assert [bill.period_start.month for bill in rent] == list(range(1, 12))
    assert {bill.amount for bill in rent} == {Decimal("9600.00")}
    assert done.amount_created == Decimal("9600.00") * 11 + Decimal("19200.00")
    assert all(bill.source == BillSource.FEE_SCHEDULE for bill in bills)


def test_a_second_run_creates_nothing_and_says_how_many_were_billed_already():
    agreement = signed_agreement()
    clerk = finance(agreement.park)
    run(clerk, agreement.park)

    again = run(clerk, agreement.park)

    assert again.bills_created == 0
    assert again.already_billed == 12
    assert Bill.objects.filter(agreement=agreement).count() == 12


@pytest.mark.parametrize(
    "status", [AgreementStatus.DRAFT, AgreementStatus.APPROVED, AgreementStatus.TERMINATED]
)
def test_only_signed_agreements_are_billed(status):
    agreement = signed_agreement(status=status)

    run(finance(agreement.park), agreement.park)

    assert not Bill.objects.exists()


def test_the_price_of_each_year_is_the_escalated_agreement_price():
    agreement = signed_agreement(
        start=datetime.date(2024, 11, 1),
        months=36,
        lines=[
            {
                "kind": FeeKind.RENT,
                "label": "租金",
                "quantity": "100",
                "unit_price": "50",
                "escalation_percent": "5",
                "period": FeePeriod.YEARLY,
            }
        ],
    )

    run(finance(agreement.park), agreement.park)

    bills = list(Bill.objects.filter(agreement=agreement).order_by("period_start"))
    assert [bill.unit_price for bill in bills] == [
        Decimal("50.00"),
        Decimal("52.50"),
        Decimal("55.13"),
    ]
    assert [bill.amount for bill in bills] == [
        Decimal("60000.00"),
        Decimal("63000.00"),
        Decimal("66156.00"),
    ]
    assert all(bill.unit_price == bill.price_ceiling for bill in bills)


def test_issuing_one_period_twice_is_refused_and_the_refusal_is_recorded():
    agreement = signed_agreement()
    clerk = finance(agreement.park)
    rent = agreement.fees.get(kind=FeeKind.RENT)

    first = services.bill_issue(actor=clerk, fee_line=rent, period_start=datetime.date(2026, 3, 1))
    second = services.bill_issue(actor=clerk, fee_line=rent, period_start=datetime.date(2026, 3, 1))

    assert first.created and not second.created
    assert second.bill.pk == first.bill.pk
    assert Bill.objects.count() == 1
    refused = AuditEvent.objects.filter(action="bill.duplicate_refused")
    assert refused.count() == 1
    assert refused.get().object_id == str(first.bill.pk)
    assert "重复计费已拒绝" in charges.duplicate_message(second.bill)


def test_the_database_refuses_a_second_bill_for_the_same_line_and_period():
    agreement = signed_agreement()
    clerk = finance(agreement.park)
    rent = agreement.fees.get(kind=FeeKind.RENT)
    bill = services.bill_issue(actor=clerk, fee_line=rent, period_start=NOV).bill

    bill.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        bill.save()


def test_the_database_refuses_a_unit_price_above_the_agreed_one():
    agreement = signed_agreement()
    rent = agreement.fees.get(kind=FeeKind.RENT)
    bill = services.bill_issue(actor=finance(agreement.park), fee_line=rent, period_start=NOV).bill

    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(unit_price=Decimal("80.01"))


def test_a_charge_above_the_agreed_price_is_refused_by_the_service():
    enterprise = resident()

    with pytest.raises(ValidationFailed) as refused:
        services.bill_charge(
            actor=finance(enterprise.park),
            enterprise=enterprise,
            source=BillSource.VAS_ORDER,
            source_key="17",
            label="工商代办",
            quantity=1,
            unit_price="1200.01",
            price_ceiling=Decimal("1200.00"),
            service_date=NOV,
        )

    assert "unit_price" in refused.value.errors
    assert refused.value.requirement == "R-BIL-3"
    assert not Bill.objects.exists()


def test_a_charge_is_billed_once_per_source():
    enterprise = resident()
    clerk = finance(enterprise.park)
    values = {
        "enterprise": enterprise,
        "source": BillSource.VAS_ORDER,
        "source_key": "17",
        "label": "工商代办",
        "quantity": 1,
        "unit_price": "1200",
        "price_ceiling": Decimal("1200"),
        "service_date": NOV,
    }
    services.bill_charge(actor=clerk, **values)

    with pytest.raises(Conflict) as refused:
        services.bill_charge(actor=clerk, **values)

    assert refused.value.code == services.DUPLICATE
    assert Bill.objects.count() == 1


def test_an_amendment_does_not_bill_again_what_the_version_it_amends_billed():
    original = signed_agreement(status=AgreementStatus.SIGNED)
    clerk = finance(original.park)
    run(clerk, original.park, month=datetime.date(2026, 6, 1))
    Bill.objects.filter(agreement=original).count()
    original.status = AgreementStatus.SUPERSEDED
    original.save(update_fields=["status"])
    amendment = signed_agreement(
        original.enterprise, number=original.number, version=2, amends=original
    )

    run(clerk, original.park)

    again = Bill.objects.filter(agreement=amendment).order_by("period_start")
    # The amendment's rent is billed from July; its deposit and January–June were billed.
    assert [bill.period_start.month for bill in again] == [7, 8, 9, 10, 11]


def test_a_bill_is_due_fifteen_days_after_it_is_issued_and_accrues_no_penalty():
    agreement = signed_agreement()
    with time_machine.travel(datetime.datetime(2026, 1, 2, 9, tzinfo=SHANGHAI)):
        run(finance(agreement.park), agreement.park, month=datetime.date(2026, 1, 1))
    january = Bill.objects.get(agreement=agreement, kind=FeeKind.RENT, period_start__month=1)

    # Issued on 2 January, in advance of nothing: due 15 days after it was issued.
    assert january.due_date == datetime.date(2026, 1, 17)
    run(finance(agreement.park), agreement.park)
    january.refresh_from_db()
    assert january.outstanding == january.amount == Decimal("9600.00")
    assert january.status == BillStatus.OPEN


def test_a_run_is_refused_to_who_does_not_issue_bills_in_that_park():
    agreement = signed_agreement()
    other_park_finance = finance(ParkFactory())

    for actor in (staff(Role.BUSINESS_STAFF, agreement.park), other_park_finance):
        with pytest.raises(PermissionDenied):
            services.bill_run_start(actor=actor, park=agreement.park, month=NOV)
    assert not BillRun.objects.exists()


def test_one_run_of_a_park_at_a_time():
    agreement = signed_agreement()
    clerk = finance(agreement.park)
    BillRun.objects.create(
        park=agreement.park, month=NOV, started_by=clerk, started_at=agreement.created_at
    )

    with pytest.raises(Conflict) as refused:
        services.bill_run_start(actor=clerk, park=agreement.park, month=NOV)
    assert refused.value.code == "run_in_progress"


def test_a_run_of_the_current_month_fulfils_the_monthly_billing_duty():
    from parkflow.duties.choices import TaskStatus
    from parkflow.duties.models import DutyTask
    from parkflow.duties.services import duty_tasks_generate

    agreement = signed_agreement()
    duty_tasks_generate()
    task = DutyTask.objects.get(duty="billing.monthly_bills", unit=agreement.park)

    done = run(finance(agreement.park), agreement.park, month=datetime.date.today())

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert done.bills_created > 0


def test_the_admission_fee_intake_charged_becomes_a_bill_once():
    from django.utils import timezone

    from parkflow.intake.models import AdmissionFee
    from parkflow.intake.tests.factories import publish_tariff

    agreement = signed_agreement()
    tariff = publish_tariff(agreement.park, amount="5000")
    AdmissionFee.objects.create(
        enterprise=agreement.enterprise,
        tariff=tariff,
        amount=tariff.amount,
        charged_at=timezone.now(),
        charged_by=agreement.created_by,
    )
    clerk = finance(agreement.park)

    run(clerk, agreement.park, month=datetime.date.today())
    run(clerk, agreement.park, month=datetime.date.today())

    admission = Bill.objects.get(source=BillSource.ADMISSION)
    assert (admission.amount, admission.price_ceiling, admission.enterprise) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        agreement.enterprise,
    )
