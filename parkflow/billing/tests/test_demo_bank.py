"""The demo park's bank statement (demo_bank.DEMO_STEP): imported through the services, some
lines paid into bills, two waiting for a person."""

import random

import pytest

from parkflow.billing import demo_bank
from parkflow.billing.choices_bank import BankLineStatus, MatchMethod, ReviewReason
from parkflow.billing.models_bank import BankLine, BankStatementImport
from parkflow.core.registry import DemoContext

from .factories import finance, resident
from .factories_bank import issue, rent_agreement

pytestmark = pytest.mark.django_db


def test_the_demo_statement_pays_three_bills_and_leaves_two_for_review(park):
    clerk = finance(park)
    for n, months in enumerate(((6, 7), (7, 8), (9,), (10, 11))):
        issue(rent_agreement(resident(park, name=f"苏州演示{n}科技有限公司")), *months, actor=clerk)
    ctx = DemoContext(
        seed=1, rng=random.Random(1), units={"park_a": park}, users={"finance": clerk}
    )

    demo_bank.build_bank_statement(ctx)

    run = BankStatementImport.objects.get()
    assert (run.lines_total, run.debit_lines, run.matched, run.to_review) == (5, 1, 3, 2)
    methods = list(
        BankLine.objects.filter(status=BankLineStatus.MATCHED).values_list("method", flat=True)
    )
    assert sorted(methods) == sorted(
        [MatchMethod.BILL_NUMBER, MatchMethod.BILL_NUMBER, MatchMethod.NAME_AMOUNT]
    )
    reasons = set(
        BankLine.objects.filter(status=BankLineStatus.REVIEW).values_list(
            "review_reason", flat=True
        )
    )
    assert reasons == {ReviewReason.NO_CANDIDATE, ReviewReason.UNKNOWN_PAYER}
    assert "待人工核对 2 笔" in demo_bank.bank_summary()
