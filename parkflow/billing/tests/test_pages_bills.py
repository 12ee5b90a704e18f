"""The staff pages of bills and payments (R-BIL-1 … R-BIL-6, R-ORG-3): the list with Chinese
periods and money, what is still owed and the days overdue in red, filtered, in a constant
number of queries over an index; the scoped, audited export; the bill's page with the charge
against the agreed price, payments, adjustments, the prepaid balance and the timeline, and the
steps finance may take — 登记收款 that a double submit records once, 预收余额抵扣, 调账 — each
through its service with its refusal shown and nothing written; 出具单期账单 refusing a period
billed already; the panels on the enterprise and agreement pages; the finance card and the
month's run in the to-do centre."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.agreements.choices import FeeKind
from parkflow.core import todo
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

from .. import charges, selectors, services
from ..choices import BillStatus, PaymentMethod
from ..models import Adjustment, Bill, BillRun, CreditEntry, Payment
from .factories import finance, resident, signed_agreement
from .factories_bills import JAN, NOV, at, pay, rent_bill

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def detail(bill):
    return reverse("billing:bill", args=[bill.pk])


def pay_form(client, bill) -> dict:
    """The payment form as the bill's page renders it (its hidden key included)."""
    html = page(client, detail(bill))
    key = re.search(r'name="pay-idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    return {
        "pay-amount": "3000.00",
        "pay-method": PaymentMethod.BANK_TRANSFER,
        "pay-paid_on": "2026-11-10",
        "pay-reference": "交易20261110",
        "pay-idempotency_key": key,
    }


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_chinese_periods_money_and_days_overdue_in_red(client):
    with at(datetime.date(2026, 11, 2)):
        bill = rent_bill()
    pay(bill, "1234.50", paid_on=datetime.date(2026, 11, 2))
    clerk = finance(bill.park)
    with at(datetime.date(2026, 12, 1)):
        html = page(login(client, clerk), reverse("billing:bills"))
    row = html[html.index(f'data-bill="{bill.pk}"') :][:3000]
    text = re.sub(r"<[^>]+>", "", row)
    assert "2026年11月1日—11月30日" in text
    assert bill.number in row and bill.enterprise.name in row and "办公室租金" in row
    assert "¥9,600.00" in row and "¥1,234.50" in row and "¥8,365.50" in row
    # Due 15 days after it was issued on 2 November: 14 days late on 1 December, in red.
    assert "2026年11月17日" in row and "逾期14天" in row and "text-overdue" in row
    assert 'class="tag tag-info">部分缴纳' in row
    assert not ISO.search(row) and "Art." not in html


def test_the_list_filters_by_status_overdue_kind_month_park_and_search(client):
    with at(datetime.date(2026, 10, 2)):
        october = rent_bill(period=datetime.date(2026, 10, 1))
    agreement = october.agreement
    with at(datetime.date(2026, 11, 2)):
        november = rent_bill(agreement, period=NOV)
    deposit = services.bill_issue(
        actor=finance(agreement.park), fee_line=agreement.fees.get(kind=FeeKind.DEPOSIT),
        period_start=JAN,
    ).bill  # fmt: skip
    pay(deposit, "19200")
    other = rent_bill(signed_agreement(resident(ParkFactory(name="无锡科创园B区")), start=JAN))
    hq = staff(Role.AUDITOR, OrgUnitFactory(name="集团总部"))
    url = reverse("billing:bills")

    def shown(**params):
        html = page(client, url, **params)
        return {b for b in (october, november, deposit, other) if f'data-bill="{b.pk}"' in html}

    with at(datetime.date(2026, 11, 20)):
        login(client, hq)
        assert shown() == {october, november, deposit, other}
        assert shown(status=BillStatus.PAID) == {deposit}
        # Both rents are past their due dates (17 October, 17 November); B's is issued later.
        assert shown(overdue_only="on") == {october, november}
        assert shown(kind="deposit") == {deposit}
        assert shown(month="2026-10") == {october}
        assert shown(park=other.park_id) == {other}
        assert shown(q=october.enterprise.name) == {october, november, deposit}
        assert shown(q=november.number) == {november}
        assert shown(q=agreement.number) == {october, november, deposit}
        assert "没有符合条件的账单" in page(client, url, q="不存在的企业")


def test_the_list_hides_other_parks_and_htmx_gets_the_table(client):
    mine = rent_bill()
    theirs = rent_bill(signed_agreement(resident(ParkFactory()), start=JAN))
    login(client, staff(Role.AUDITOR, mine.park))
    response = client.get(
        reverse("billing:bills"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="bill-table"
    )
    html = response.content.decode()
    assert f'data-bill="{mine.pk}"' in html and f'data-bill="{theirs.pk}"' not in html
    assert theirs.enterprise.name not in html and "<html" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(client, rows, django_assert_max_num_queries):
    agreement = signed_agreement(start=datetime.date(2024, 1, 1), months=36)
    clerk = finance(agreement.park)
    rent = agreement.fees.get(kind=FeeKind.RENT)
    for month in range(rows):
        start = datetime.date(2024 + month // 12, month % 12 + 1, 1)
        services.bill_issue(actor=clerk, fee_line=rent, period_start=start)
    login(client, clerk)
    url = reverse("billing:bills")
    client.get(url)
    with django_assert_max_num_queries(9):
        html = page(client, url)
    assert html.count("data-bill=") == min(rows, 20)


@pytest.mark.parametrize(
    ("ordering", "model"),
    [(selectors.bill_list, Bill), (selectors.payment_list, Payment)],
)
def test_each_list_is_ordered_by_an_index(ordering, model):
    order = list(ordering(actor=staff(Role.AUDITOR, ParkFactory())).query.order_by)
    assert any(list(index.fields) == order for index in model._meta.indexes), order


def test_the_export_is_the_scoped_filtered_list_in_yuan_and_is_audited(client):
    mine = rent_bill()
    pay(mine, "100.00")
    rent_bill(signed_agreement(resident(ParkFactory()), start=JAN))
    login(client, staff(Role.AUDITOR, mine.park))
    response = client.get(reverse("billing:bill_export"), {"status": "partial"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("账单号", "园区", "企业")
    assert len(rows) == 2 and rows[1][0] == mine.number
    assert rows[1][9] == 9600 and rows[1][11] == 100 and rows[1][12] == 9500
    event = AuditEvent.objects.get(action="bill.export")
    assert event.after == {"count": 1, "filters": {"status": "partial"}}


def test_the_payment_list_and_its_export_are_scoped(client):
    mine = rent_bill()
    pay(mine, "600.00", key="mine")
    theirs = rent_bill(signed_agreement(resident(ParkFactory()), start=JAN))
    pay(theirs, "700.00", key="theirs")
    login(client, staff(Role.AUDITOR, mine.park))
    html = page(client, reverse("billing:payments"))
    assert "¥600.00" in html and "¥700.00" not in html and mine.number in html
    response = client.get(reverse("billing:payment_export"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[3] for row in book.active.iter_rows(min_row=2, values_only=True)] == [mine.number]
    assert AuditEvent.objects.filter(action="payment.export").count() == 1


# ---------------------------------------------------------------------------------------------
# The bill's page


def test_the_bill_page_shows_the_charge_against_the_agreed_price_and_its_history(client):
    bill = rent_bill()
    pay(bill, "10000.00")  # 400 元 too much: to the prepaid balance
    login(client, staff(Role.AUDITOR, bill.park))
    html = page(client, detail(bill))
    assert reverse("agreements:detail", args=[bill.agreement_id]) in html
    assert "¥80.00 / ¥80.00" in html and "与约定价格一致" in html
    assert "¥10,000.00" in html and "¥400.00" in html and "多缴转预收" in html
    assert "登记收款" in html and "出具账单" in html  # the timeline: issue, payment
    assert 'data-step="pay"' not in html  # an auditor reads, finance acts
    assert "2026年11月1日—11月30日" in html and not ISO.search(html)


def test_finance_sees_the_steps_it_may_take_now(client):
    bill = rent_bill()
    clerk = finance(bill.park)
    login(client, clerk)
    html = page(client, detail(bill))
    assert 'data-step="pay"' in html and 'data-step="adjust"' in html
    assert 'data-step="credit"' not in html  # no prepaid balance
    paid = rent_bill(bill.agreement, period=datetime.date(2026, 10, 1), clerk=clerk)
    pay(paid, "9700.00")
    html = page(client, detail(bill))
    assert 'data-step="credit"' in html and "将抵扣本账单 ¥100.00" in html
    assert 'data-step="pay"' not in page(client, detail(paid))  # settled


def test_each_rendering_of_the_payment_form_carries_a_new_key(client):
    bill = rent_bill()
    login(client, finance(bill.park))
    assert (
        pay_form(client, bill)["pay-idempotency_key"]
        != pay_form(client, bill)["pay-idempotency_key"]
    )


def test_posting_the_same_payment_form_twice_records_one_payment(client):
    bill = rent_bill()
    login(client, finance(bill.park))
    form = pay_form(client, bill)
    url = reverse("billing:bill_pay", args=[bill.pk])

    first = client.post(url, form, follow=True)
    second = client.post(url, form, follow=True)

    assert Payment.objects.filter(bill=bill).count() == 1
    assert AuditEvent.objects.filter(action="payment.record").count() == 1
    assert "已登记收款 ¥3,000.00" in first.content.decode()
    assert "该收款已登记" in second.content.decode()
    bill.refresh_from_db()
    assert bill.paid == Decimal("3000.00") and bill.status == BillStatus.PARTIAL


def test_the_same_key_with_another_amount_is_refused_and_the_form_gets_a_new_key(client):
    bill = rent_bill()
    login(client, finance(bill.park))
    form = pay_form(client, bill)
    url = reverse("billing:bill_pay", args=[bill.pk])
    client.post(url, form)

    response = client.post(url, {**form, "pay-amount": "3500.00"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "该幂等键已用于另一笔收款" in html and 'id="step-pay"' in html
    assert "data-open-on-load" in html
    assert form["pay-idempotency_key"] not in html  # a corrected submission is a new payment
    assert Payment.objects.filter(bill=bill).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pay-amount", "100.005", "2"),
        ("pay-paid_on", "2099-01-01", "到账日期不能晚于今天"),
        ("pay-method", "credit", "选择"),
    ],
)
def test_a_refused_payment_is_shown_on_its_form_and_nothing_is_written(
    client, field, value, message
):
    bill = rent_bill()
    login(client, finance(bill.park))
    form = pay_form(client, bill)
    events = AuditEvent.objects.count()
    response = client.post(reverse("billing:bill_pay", args=[bill.pk]), {**form, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "操作未执行" in html and "data-open-on-load" in html
    assert not Payment.objects.exists() and AuditEvent.objects.count() == events


def test_an_overpayment_is_said_and_goes_to_the_prepaid_balance(client):
    bill = rent_bill()
    login(client, finance(bill.park))
    form = {**pay_form(client, bill), "pay-amount": "10000.00"}
    html = client.post(reverse("billing:bill_pay", args=[bill.pk]), form, follow=True)
    assert "多缴的 ¥400.00 已转入企业预收余额" in html.content.decode()
    assert selectors.credit_balance(bill.enterprise) == Decimal("400.00")


def test_the_prepaid_balance_pays_a_bill_once_however_often_the_form_is_sent(client):
    paid = rent_bill()
    pay(paid, "12000.00")  # 2,400 元 to the balance
    bill = rent_bill(paid.agreement, period=datetime.date(2026, 10, 1))
    login(client, finance(bill.park))
    html = page(client, detail(bill))
    key = re.search(r'name="credit-idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    url = reverse("billing:bill_credit", args=[bill.pk])
    client.post(url, {"credit-idempotency_key": key})
    again = client.post(url, {"credit-idempotency_key": key}, follow=True)
    assert "该抵扣已登记" in again.content.decode()
    assert Payment.objects.filter(bill=bill, method=PaymentMethod.CREDIT).count() == 1
    assert selectors.credit_balance(bill.enterprise) == Decimal("0.00")
    bill.refresh_from_db()
    assert bill.paid == Decimal("2400.00")


def test_an_adjustment_is_a_new_line_and_a_credit_beyond_the_bill_is_refused(client):
    bill = rent_bill()
    login(client, finance(bill.park))
    url = reverse("billing:bill_adjust", args=[bill.pk])
    done = client.post(
        url,
        {"adjust-kind": "credit", "adjust-amount": "320.00", "adjust-reason": "停电一天"},
        follow=True,
    )
    assert "已调减（贷项） ¥320.00" in done.content.decode()
    bill.refresh_from_db()
    assert bill.amount == Decimal("9600.00") and bill.due == Decimal("9280.00")
    refused = client.post(
        url, {"adjust-kind": "credit", "adjust-amount": "99999.00", "adjust-reason": "错误"}
    )
    assert refused.status_code == 400
    assert "调减金额不能超过账单应收" in refused.content.decode()
    assert Adjustment.objects.filter(bill=bill).count() == 1


def test_who_reads_bills_cannot_record_money_and_other_parks_do_not_see_the_bill(client):
    bill = rent_bill()
    form = {
        "pay-amount": "100.00",
        "pay-method": "cash",
        "pay-paid_on": "2026-11-01",
        "pay-idempotency_key": "a" * 32,
    }
    url = reverse("billing:bill_pay", args=[bill.pk])
    login(client, staff(Role.AUDITOR, bill.park))
    assert client.post(url, form).status_code == 403
    login(client, finance(ParkFactory()))
    assert client.post(url, form).status_code == 404
    assert client.get(detail(bill)).status_code == 404
    login(client, enterprise_user(resident(bill.park)))
    assert client.get(detail(bill)).status_code == 404
    login(client, enterprise_user(bill.enterprise))  # even its own: staff pages are staff's
    assert client.get(detail(bill)).status_code == 404
    assert not Payment.objects.exists()


# ---------------------------------------------------------------------------------------------
# 出具单期账单 from the agreement's page


def test_issuing_a_period_billed_already_shows_the_refusal_and_records_it(client):
    agreement = signed_agreement(start=JAN)
    clerk = finance(agreement.park)
    rent = agreement.fees.get(kind=FeeKind.RENT)
    url = reverse("billing:agreement_issue", args=[agreement.pk])
    with at(datetime.date(2026, 11, 5)):
        login(client, clerk)
        html = page(client, reverse("agreements:detail", args=[agreement.pk]))
        assert 'id="issue-modal"' in html and "出具单期账单" in html
        first = client.post(url, {"charge": f"{rent.pk}:2026-11-01"})
        bill = Bill.objects.get()
        assert first["Location"] == detail(bill)
        again = client.post(url, {"charge": f"{rent.pk}:2026-11-01"}, follow=True)
    assert charges.duplicate_message(bill) in again.content.decode()
    assert Bill.objects.count() == 1
    assert AuditEvent.objects.filter(action="bill.duplicate_refused").count() == 1


# ---------------------------------------------------------------------------------------------
# Bill runs


def test_a_run_started_on_its_page_shows_progress_and_polls_until_done(client):
    agreement = signed_agreement(start=JAN)
    clerk = finance(agreement.park)
    with at(datetime.date(2026, 11, 3)):
        login(client, clerk)
        html = page(client, reverse("billing:runs"))
        assert 'id="run-start"' in html and "已签署协议 1 份" in html and "不会重复出具" in html
        response = client.post(
            reverse("billing:run_start"), {"park": agreement.park_id, "month": "2026-11"}
        )
        run = BillRun.objects.get()
        assert response["Location"] == reverse("billing:run", args=[run.pk])
        # The worker has not run yet (it starts when the request's transaction commits).
        BillRun.objects.filter(pk=run.pk).update(agreements_total=4, agreements_done=1)
        running = page(client, reverse("billing:run", args=[run.pk]))
        assert 'hx-trigger="every 1s"' in running and 'value="25"' in running
        assert "1 / 4 份协议（25%）" in running
        poll = client.get(reverse("billing:run", args=[run.pk]), HTTP_HX_REQUEST="true")
        assert "<html" not in poll.content.decode()
        assert 'id="run-progress"' in poll.content.decode()
        BillRun.objects.filter(pk=run.pk).update(agreements_total=1, agreements_done=0)
        services.bill_run_execute(run_id=run.pk)
        done = client.get(reverse("billing:run", args=[run.pk]), HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert "hx-trigger" not in html and "出账完成" in html
    assert "12 张" in html and "¥124,800.00" in html and "已出过" in html


def test_a_second_run_while_one_runs_is_refused_on_the_page(client):
    agreement = signed_agreement(start=JAN)
    clerk = finance(agreement.park)
    services.bill_run_start(actor=clerk, park=agreement.park, month=NOV)
    login(client, clerk)
    response = client.post(
        reverse("billing:run_start"), {"park": agreement.park_id, "month": "2026-11"}
    )
    assert response.status_code == 409
    assert "该园区正在出账" in response.content.decode()
    assert BillRun.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Panels, the workbench, the to-do centre


def test_the_enterprise_and_agreement_pages_show_the_bills_summary(client):
    with at(datetime.date(2026, 10, 2)):
        late = rent_bill(period=datetime.date(2026, 10, 1))
    with at(datetime.date(2026, 11, 2)):
        rent_bill(late.agreement, period=NOV)
        login(client, staff(Role.BUSINESS_STAFF, late.park))
        for url in (
            reverse("enterprises:detail", args=[late.enterprise_id]),
            reverse("agreements:detail", args=[late.agreement_id]),
        ):
            html = page(client, url)
            panel = html[html.index('id="billing-summary"') :][:2500]
            assert "¥19,200.00" in panel and "全部 2 张" in panel
            assert "1 张 · ¥9,600.00" in panel and "overdue_only=on" in panel


def test_finance_sees_this_months_receivables_and_the_overdue_on_the_workbench(client):
    with at(datetime.date(2026, 10, 2)):
        late = rent_bill(period=datetime.date(2026, 10, 1))
    with at(datetime.date(2026, 11, 2)):
        rent_bill(late.agreement, period=NOV)
        login(client, finance(late.park))
        html = page(client, reverse("workbench:home"))
        assert "本月应收（逾期 1 张，¥9,600.00）" in html and "¥9,600.00" in html
        login(client, staff(Role.BUSINESS_STAFF, late.park))
        assert "本月应收" not in page(client, reverse("workbench:home"))


def test_the_months_run_waits_in_finances_to_do_until_it_is_done():
    agreement = signed_agreement(start=JAN)
    clerk = finance(agreement.park)
    with at(datetime.date(2026, 11, 3)):
        runs = [i for _s, i in todo.items(clerk, todo.PENDING) if i.source == "billing.month_run"]
        assert [i.title for i in runs] == [f"{agreement.park} 2026年11月出账"]
        assert todo.pending_count(staff(Role.BUSINESS_STAFF, agreement.park)) == 0
        run = services.bill_run_start(actor=clerk, park=agreement.park, month=NOV)
        services.bill_run_execute(run_id=run.pk)
        assert not [
            item
            for _s, item in todo.items(clerk, todo.PENDING)
            if item.source == "billing.month_run"
        ]


def test_the_ledger_identity_holds_after_payments_overpayment_credit_and_adjustments():
    """Σ amount + Σ adjustments − Σ money received + Σ refunded == Σ outstanding − Σ credit."""
    first = rent_bill()
    second = rent_bill(first.agreement, period=datetime.date(2026, 10, 1))
    clerk = finance(first.park)
    pay(first, "10000.00", clerk=clerk)
    services.adjustment_make(actor=clerk, bill=first, kind="credit", amount="500", reason="减免")
    services.adjustment_make(actor=clerk, bill=second, kind="debit", amount="80", reason="补收")
    services.credit_apply(actor=clerk, bill=second, idempotency_key="apply")
    pay(second, "1000.00", clerk=clerk)
    bills = Bill.objects.all()
    billed = sum(b.amount for b in bills) + sum(a.signed_amount for a in Adjustment.objects.all())
    received = sum(p.amount for p in Payment.objects.exclude(method=PaymentMethod.CREDIT))
    refunded = -sum(c.amount for c in CreditEntry.objects.filter(reason="refunded"))
    balance = sum(c.amount for c in CreditEntry.objects.all())
    assert billed - received + refunded == sum(b.outstanding for b in bills) - balance


@pytest.mark.parametrize("rows", [3, 30])
def test_the_payment_and_run_lists_run_a_constant_number_of_queries(
    client, rows, django_assert_max_num_queries
):
    bill = rent_bill()
    clerk = finance(bill.park)
    for n in range(rows):
        pay(bill, "1.00", clerk=clerk, key=f"p{n}")
        BillRun.objects.create(
            park=bill.park, month=NOV, status="done", started_by=clerk, started_at=bill.issued_at
        )
    login(client, clerk)
    for url in (reverse("billing:payments"), reverse("billing:runs")):
        client.get(url)
        with django_assert_max_num_queries(12):
            page(client, url)
