"""账单 in the portal (R-BIL-4, R-BIL-5, R-PLT-3, R-ORG-3): an enterprise user sees its own bills —
what is still to pay first, the overdue in red, as cards for a phone —, a bill with its payments
and adjustments, its payments and its prepaid balance with every movement; never another
enterprise's, and staff never get the portal's pages."""

import datetime
import re

import pytest
from django.urls import reverse

from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import staff

from .. import services
from .factories import finance, resident, signed_agreement
from .factories_bills import JAN, NOV, at, pay, rent_bill

pytestmark = pytest.mark.django_db

OCT = datetime.date(2026, 10, 1)
SEP = datetime.date(2026, 9, 1)


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def books():
    """September's rent paid, October's overdue (issued 2 October), November's open — and
    another enterprise's bill in the same park."""
    agreement = signed_agreement(start=JAN)
    clerk = finance(agreement.park)
    with at(datetime.date(2026, 9, 2)):
        september = rent_bill(agreement, period=SEP, clerk=clerk)
    pay(september, "10000.00", clerk=clerk, paid_on=datetime.date(2026, 9, 5))  # 400 to credit
    with at(datetime.date(2026, 10, 2)):
        october = rent_bill(agreement, period=OCT, clerk=clerk)
    with at(datetime.date(2026, 11, 2)):
        november = rent_bill(agreement, period=NOV, clerk=clerk)
    services.adjustment_make(
        actor=clerk, bill=november, kind="credit", amount="96.00", reason="空调停用半天"
    )
    stranger = rent_bill(signed_agreement(resident(agreement.park), start=JAN), period=NOV)
    return {
        "enterprise": agreement.enterprise,
        "september": september,
        "october": october,
        "november": november,
        "stranger": stranger,
    }


def test_my_bills_come_outstanding_first_with_the_overdue_in_red(client, books):
    user = enterprise_user(books["enterprise"])
    with at(datetime.date(2026, 11, 20)):
        html = page(login(client, user), "portal:bills")
    order = [html.index(f'data-bill="{books[k].pk}"') for k in ("october", "november", "september")]
    assert order == sorted(order)
    october = html[html.index(f'data-bill="{books["october"].pk}"') - 60 :][:1500]
    assert "is-overdue" in october and "逾期34天" in october and "¥9,600.00" in october
    assert "bill-card" in html and "<table" not in html  # cards on a phone, not a wide table
    assert "¥9,504.00" in html  # November, after its adjustment
    assert "¥400.00" in html  # the prepaid balance
    assert books["stranger"].enterprise.name not in html
    assert f'data-bill="{books["stranger"].pk}"' not in html


def test_a_bill_shows_its_payments_and_adjustments(client, books):
    login(client, enterprise_user(books["enterprise"]))
    html = page(client, "portal:bill", books["september"].pk)
    assert "¥10,000.00" in html and "其中 ¥400.00 超出本账单，已转入预收余额" in html
    html = page(client, "portal:bill", books["november"].pk)
    assert "空调停用半天" in html and "-¥96.00" in html
    assert "2026年11月1日—11月30日" in re.sub(r"<[^>]+>", "", html)


def test_my_payments_and_my_prepaid_balance_with_its_movements(client, books):
    login(client, enterprise_user(books["enterprise"]))
    payments = page(client, "portal:bill_payments")
    assert "¥10,000.00" in payments and "¥400.00 转入预收余额" in payments
    balance = page(client, "portal:bill_balance")
    assert "¥400.00" in balance and "多缴转预收" in balance and books["september"].number in balance


def test_another_enterprises_bill_is_a_404_and_staff_get_no_portal_page(client, books):
    login(client, enterprise_user(books["enterprise"]))
    stranger = books["stranger"]
    assert client.get(reverse("portal:bill", args=[stranger.pk])).status_code == 404
    login(client, staff(Role.FINANCE_STAFF, stranger.park))
    assert client.get(reverse("portal:bills")).status_code == 404
    assert client.get(reverse("portal:bill", args=[stranger.pk])).status_code == 404


def test_the_portal_has_a_bills_tab(client, books):
    login(client, enterprise_user(books["enterprise"]))
    html = page(client, "portal:home")
    assert reverse("portal:bills") in html and "账单" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_my_bills_run_a_constant_number_of_queries(client, rows, django_assert_max_num_queries):
    agreement = signed_agreement(start=datetime.date(2024, 1, 1), months=36)
    clerk = finance(agreement.park)
    rent = agreement.fees.get(kind="rent")
    for month in range(rows):
        start = datetime.date(2024 + month // 12, month % 12 + 1, 1)
        services.bill_issue(actor=clerk, fee_line=rent, period_start=start)
    login(client, enterprise_user(agreement.enterprise))
    client.get(reverse("portal:bills"))
    with django_assert_max_num_queries(10):
        page(client, "portal:bills")
