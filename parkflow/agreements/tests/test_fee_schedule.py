"""Fee schedules and tariffs (R-AGR-5): each line priced from the tariff in force on its start
date, tariffs versioned and never retroactive, and the schedule billing reads (``charges``)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from parkflow.core.errors import ValidationFailed
from parkflow.org.choices import AuthorityKind, Role
from parkflow.org.models import AuthorityLimit

from .. import services
from ..choices import FeeKind, FeePeriod
from ..models import FeeLine
from ..pricing import price_exceptions, tariff_in_force
from .factories import draft, rent_tariff

pytestmark = pytest.mark.django_db


def _line(**values):
    base = {
        "kind": FeeKind.RENT,
        "label": "租金",
        "quantity": Decimal("100"),
        "unit_price": Decimal("80.00"),
        "period": FeePeriod.QUARTERLY,
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2027, 12, 31),
        "escalation_percent": Decimal("0"),
        "position": 1,
    }
    return FeeLine(**{**base, **values})


def test_r_agr_5_a_quarterly_rent_gives_one_charge_per_quarter_of_three_months():
    charges = _line().charges()
    assert len(charges) == 8
    assert charges[0] == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
        Decimal("24000.00"),
    )
    assert charges[-1][1] == datetime.date(2027, 12, 31)


def test_r_agr_5_a_yearly_escalation_applies_from_each_anniversary():
    charges = _line(escalation_percent=Decimal("3")).charges()
    assert {c[2] for c in charges[:4]} == {Decimal("24000.00")}
    assert {c[2] for c in charges[4:]} == {Decimal("24720.00")}  # 82.40 × 100 × 3


def test_r_agr_5_a_last_short_period_is_prorated_by_days():
    charges = _line(
        period=FeePeriod.MONTHLY,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 2, 14),
    ).charges()
    assert charges[0][2] == Decimal("8000.00")
    assert charges[1] == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 14), Decimal("4000.00"))


def test_r_agr_5_a_deposit_is_one_charge():
    deposit = _line(kind=FeeKind.DEPOSIT, period=FeePeriod.ONCE, quantity=Decimal("1"),
                    unit_price=Decimal("20000"))  # fmt: skip
    assert deposit.charges() == [
        (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), Decimal("20000.00"))
    ]


def test_r_agr_5_a_tariff_cannot_be_published_retroactively(org):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        rent_tariff(org, effective_from=yesterday)
    assert "不得追溯" in str(refused.value.errors["effective_from"][0])


def test_r_agr_5_a_line_is_priced_from_the_tariff_in_force_on_its_start_date(org):
    today = timezone.localdate()
    old = rent_tariff(org, price="80.00")
    new = rent_tariff(org, price="85.00", effective_from=today + datetime.timedelta(days=30))
    agreement = draft(org, with_rent=False)
    services.agreement_update(
        actor=org.drafter, agreement=agreement, end_date=today + datetime.timedelta(days=400)
    )
    now_line = services.fee_line_add(
        actor=org.drafter, agreement=agreement, kind=FeeKind.RENT, quantity="10",
        period=FeePeriod.MONTHLY, start_date=today, end_date=today + datetime.timedelta(days=29),
    )  # fmt: skip
    later_line = services.fee_line_add(
        actor=org.drafter, agreement=agreement, kind=FeeKind.RENT, quantity="10",
        period=FeePeriod.MONTHLY, start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=90),
    )  # fmt: skip
    assert (now_line.tariff, now_line.unit_price) == (old, Decimal("80.00"))
    assert (later_line.tariff, later_line.unit_price) == (new, Decimal("85.00"))
    assert tariff_in_force(org.park, FeeKind.RENT, None, today) == old


def test_r_agr_5_a_fee_without_a_published_tariff_is_refused_naming_it(org):
    agreement = draft(org, with_rent=False)
    with pytest.raises(ValidationFailed) as refused:
        services.fee_line_add(
            actor=org.drafter, agreement=agreement, kind=FeeKind.PROPERTY, quantity="10",
            period=FeePeriod.MONTHLY, start_date=agreement.start_date,
            end_date=agreement.end_date,
        )  # fmt: skip
    assert "物业费" in str(refused.value.errors["kind"][0])
    assert not agreement.fees.exists()


def test_r_org_7_a_discount_beyond_the_drafters_authority_is_a_price_exception(org):
    AuthorityLimit.objects.create(
        role=Role.BUSINESS_STAFF, kind=AuthorityKind.DISCOUNT_PERCENT, limit=Decimal("5"),
        approver_role=Role.DEPUTY,
    )  # fmt: skip
    within = draft(org, unit_price="76.00")  # 5 % off 80: within the drafter's authority
    assert price_exceptions(within) == []
    beyond = draft(org, unit_price="72.00")  # 10 % off
    (exception,) = price_exceptions(beyond)
    assert "折扣 10.00%" in exception.text
    above = draft(org, unit_price="90.00")
    (exception,) = price_exceptions(above)
    assert "高于收费标准" in exception.text
