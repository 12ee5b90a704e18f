"""The receivables dashboard (应收账款看板): what is owed by park and by aging bucket, counted in
days past the due date (0 is not late; 1–30, 31–90, 91–180, more than 180), the KPIs, the
enterprises owing most past due — scoped to the user's parks, in a number of queries that
does not depend on the number of bills (page and API)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parkflow.billing import selectors_receivables as selectors
from parkflow.billing import services
from parkflow.billing.choices import AgingBucket, PaymentMethod
from parkflow.billing.models import Bill
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for, login
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

from .factories import finance, resident
from .factories_bank import issue, rent_agreement

pytestmark = pytest.mark.django_db

BOUNDARIES = [
    (0, AgingBucket.NOT_DUE),
    (1, AgingBucket.D30),
    (30, AgingBucket.D30),
    (31, AgingBucket.D90),
    (90, AgingBucket.D90),
    (91, AgingBucket.D180),
    (180, AgingBucket.D180),
    (181, AgingBucket.OVER_180),
    (-5, AgingBucket.NOT_DUE),
]


def due(bill, days_past_due: int) -> Bill:
    """Set the bill's due date ``days_past_due`` days before today (the passing of time)."""
    Bill.objects.filter(pk=bill.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=days_past_due)
    )
    bill.refresh_from_db()
    return bill


@pytest.mark.parametrize(("days", "bucket"), BOUNDARIES)
def test_a_bill_falls_in_its_aging_bucket_on_the_boundary_days(park, days, bucket):
    clerk = finance(park)
    (bill,) = issue(rent_agreement(resident(park)), 9, actor=clerk)
    due(bill, days)

    board = selectors.receivables_summary(actor=clerk)

    assert selectors.bucket_of(bill.due_date, timezone.localdate()) == bucket
    assert board.buckets == {
        b: (Decimal("8000.00") if b == bucket else Decimal("0")) for b in AgingBucket
    }
    assert board.overdue == (Decimal("0") if bucket == AgingBucket.NOT_DUE else Decimal("8000"))


@pytest.fixture
def owed(park):
    """Park A: a tenant owing June (200 days late), September (40 days, half paid) and
    November (not yet due); another tenant owing October (10 days). Park B: one bill."""
    clerk = finance(park)
    a = resident(park, name="苏州欠费最多科技有限公司")
    june, september, november = issue(rent_agreement(a), 6, 9, 11, actor=clerk)
    due(june, 200)
    due(september, 40)
    due(november, -3)
    services.payment_record(
        actor=clerk,
        bill=september,
        amount="4000",
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=timezone.localdate(),
        idempotency_key="part-1",
    )
    b = resident(park, name="苏州少欠科技有限公司")
    (october,) = issue(rent_agreement(b, price="50"), 10, actor=clerk)
    due(october, 10)
    other = ParkFactory(name="无锡科创园B区")
    (theirs,) = issue(rent_agreement(resident(other, name="无锡别园企业")), 9)
    due(theirs, 100)
    return clerk


def test_the_dashboard_adds_up_what_is_owed_overdue_and_received_this_month(owed):
    board = selectors.receivables_summary(actor=owed)

    assert board.outstanding == Decimal("25000.00")  # 8,000 + 4,000 + 8,000 + 5,000
    assert board.bills_outstanding == 4
    assert board.overdue == Decimal("17000.00")  # 8,000 + 4,000 + 5,000
    assert board.overdue_rate == Decimal("68.0")
    assert (board.collected_month, board.payments_month) == (Decimal("4000.00"), 1)
    assert board.buckets == {
        AgingBucket.NOT_DUE: Decimal("8000.00"),
        AgingBucket.D30: Decimal("5000.00"),
        AgingBucket.D90: Decimal("4000.00"),
        AgingBucket.D180: Decimal("0"),
        AgingBucket.OVER_180: Decimal("8000.00"),
    }
    (park_row,) = board.by_park
    assert park_row["total"] == board.outstanding


def test_money_from_the_prepaid_balance_is_not_money_received_again(owed, park):
    september = Bill.objects.get(park=park, status="partial")
    november = Bill.objects.get(enterprise=september.enterprise, due_date__gt=timezone.localdate())
    services.payment_record(
        actor=owed,
        bill=september,
        amount="5000",
        method=PaymentMethod.CASH,
        paid_on=timezone.localdate(),
        idempotency_key="over-1",
    )  # 4,000 settles September, 1,000 goes to the prepaid balance
    services.credit_apply(actor=owed, bill=november, idempotency_key="apply-1")

    board = selectors.receivables_summary(actor=owed)

    assert (board.collected_month, board.payments_month) == (Decimal("9000.00"), 2)
    assert board.outstanding == Decimal("20000.00")  # 25,000 − 4,000 − 1,000 applied


def test_the_top_overdue_enterprises_owe_most_first_with_their_oldest_due_date(owed):
    board = selectors.receivables_summary(actor=owed)

    assert [(r["name"], r["amount"], r["bills"], r["days"]) for r in board.top_overdue] == [
        ("苏州欠费最多科技有限公司", Decimal("12000.00"), 2, 200),
        ("苏州少欠科技有限公司", Decimal("5000.00"), 1, 10),
    ]
    assert board.top_overdue[0]["bucket"] == AgingBucket.OVER_180


def test_headquarters_sees_every_park_and_may_look_at_one(owed, park):
    hq = staff(Role.AUDITOR, OrgUnitFactory(name="集团总部"))
    board = selectors.receivables_summary(actor=hq)
    assert [row["park"] for row in board.by_park] == ["苏州工业园A区", "无锡科创园B区"]
    assert selectors.receivables_summary(actor=hq, park=park).outstanding == Decimal("25000")


def test_another_parks_finance_sees_nothing_of_this_park(owed, park, client):
    theirs = finance(ParkFactory(name="常州园区"))

    board = selectors.receivables_summary(actor=theirs)

    assert board.outstanding == 0 and board.by_park == [] and board.top_overdue == []
    html = login(client, theirs).get(reverse("billing:receivables")).content.decode()
    assert "苏州欠费最多科技有限公司" not in html and "苏州工业园A区" not in html
    api = client_for(theirs).get("/api/v1/receivables/summary/").json()
    assert api["outstanding"] == "0.00" and api["top_overdue"] == [] and api["by_park"] == []


def test_the_page_shows_the_kpis_the_charts_and_links_to_the_enterprises(client, owed):
    response = login(client, owed).get(reverse("billing:receivables"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "¥25,000.00" in html and "¥17,000.00" in html and "68.0%" in html
    assert "¥4,000.00" in html  # received this month
    assert 'data-chart="chart-parks"' in html and 'data-chart="chart-buckets"' in html
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    top = response.context["board"].top_overdue[0]
    assert reverse("enterprises:detail", args=[top["enterprise_id"]]) in html
    parks = response.context["charts"]["parks"]
    assert parks["labels"] == ["苏州工业园A区"]
    assert [s["values"] for s in parks["series"]] == [[8000.0], [5000.0], [4000.0], [0.0], [8000.0]]


def test_the_dashboard_is_for_staff_only(client, owed, park):
    tenant = Bill.objects.filter(park=park).first().enterprise
    client.force_login(enterprise_user(tenant))
    assert client.get(reverse("billing:receivables")).status_code == 404
    assert (
        client_for(enterprise_user(tenant)).get("/api/v1/receivables/summary/").status_code == 403
    )


def _bills(park, clerk, n):
    """``n`` bills of new tenants, a third of them overdue by 1–200 days."""
    made = 0
    while made < n:
        count = min(n - made, 10)
        bills = issue(rent_agreement(resident(park)), *range(1, count + 1), actor=clerk)
        for i, bill in enumerate(bills):
            if (made + i) % 3 == 0:
                due(bill, 1 + (made + i) * 7 % 200)
        made += count


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_and_the_api_run_the_same_number_of_queries_for_3_and_30_bills(park, client):
    clerk = finance(park)
    login(client, clerk)
    api = client_for(clerk)
    counts = []
    for n in (3, 27):  # 3 bills, then 30
        _bills(park, clerk, n)
        counts.append(
            (
                _queries(client, reverse("billing:receivables")),
                _queries(api, "/api/v1/receivables/summary/"),
            )
        )
    assert counts[0] == counts[1], counts
    assert Bill.objects.count() == 30
    # The figures themselves: four queries, whatever the number of bills.
    with CaptureQueriesContext(connection) as queries:
        selectors.receivables_summary(actor=clerk)
    assert len(queries) == 4


@pytest.mark.parametrize("rows", [3, 30])
def test_the_dashboard_page_stays_within_its_query_budget(
    park, client, rows, django_assert_max_num_queries
):
    clerk = finance(park)
    _bills(park, clerk, rows)
    login(client, clerk)
    client.get(reverse("billing:receivables"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("billing:receivables"))
    assert response.context["board"].bills_outstanding == rows
