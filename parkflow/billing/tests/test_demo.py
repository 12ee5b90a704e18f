"""Billing's part of seed_demo (billing/demo.py): a bill run at the start of every month since
January for each park, so every signed agreement is billed period by period from its start;
most bills paid, some in part, one overpaid into the prepaid balance later spent on another
bill, one adjustment, a few overdue; park A's run of this month done, park B's waiting in
finance's to-do; the portal enterprise's bills in its portal; the ledger identity to the fen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement
from parkflow.core import audit, clock, todo
from parkflow.core.tests.command_output import run_command
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.org.models import User

from ..choices import OUTSTANDING, BillStatus, CreditReason, PaymentMethod, RunStatus
from ..models import Adjustment, Bill, BillRun, CreditEntry, Payment

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_bills_paid_partly_overpaid_and_overdue(client):
    output = run_command("seed_demo")
    assert "费用结算：账单" in output
    today = clock.today()

    # Every signed agreement is billed from its start; no period twice.
    for agreement in Agreement.objects.filter(status=AgreementStatus.SIGNED):
        first = agreement.fees.order_by("start_date").first().start_date
        assert Bill.objects.filter(agreement=agreement, period_start=first).exists(), agreement
    portal = Bill.objects.filter(enterprise__name=PORTAL_ENTERPRISE)
    assert portal.filter(period_start__month=1).exists() and portal.count() >= 12

    assert Bill.objects.filter(status=BillStatus.PARTIAL).count() >= 2
    overdue = Bill.objects.filter(status__in=OUTSTANDING, due_date__lt=today)
    assert overdue.count() >= 3 and overdue.filter(enterprise__name=PORTAL_ENTERPRISE).exists()
    assert Payment.objects.filter(credited__gt=0).exists()
    assert Payment.objects.filter(method=PaymentMethod.CREDIT).exists()
    assert Adjustment.objects.exists()
    balance = sum(CreditEntry.objects.values_list("amount", flat=True), Decimal("0"))
    assert balance > 0

    # Park A's run of this month is done; park B's waits in finance's to-do.
    month = today.replace(day=1)
    done = BillRun.objects.filter(month=month, status=RunStatus.DONE)
    assert [run.park.name for run in done] == ["苏州工业园A区"]
    finance = User.objects.get(username="finance")
    waiting = [i for _s, i in todo.items(finance, todo.PENDING) if i.source == "billing.month_run"]
    assert [i.park for i in waiting] == ["无锡科创园B区"]

    # The ledger identity, to the fen, with the refund the demo released.
    refunded = -sum(e.amount for e in CreditEntry.objects.filter(reason=CreditReason.REFUNDED))
    assert refunded > 0
    billed = sum(b.amount for b in Bill.objects.all()) + sum(
        a.signed_amount for a in Adjustment.objects.all()
    )
    received = sum(p.amount for p in Payment.objects.exclude(method=PaymentMethod.CREDIT))
    outstanding = sum(b.outstanding for b in Bill.objects.all())
    assert billed - received + refunded == outstanding - balance
    assert audit.verify_chain().ok

    # The portal user sees its bills, the overdue in red.
    client.force_login(User.objects.get(username="ent_a"))
    html = client.get(reverse("portal:bills")).content.decode()
    assert "is-overdue" in html and "逾期" in html
