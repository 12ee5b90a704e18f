"""R-BIL-5, R-BIL-6: a statement per enterprise and period — its numbers on a worked example
checked by hand, issued once per period with its lines kept as issued, the monthly job, the
Excel and the PDF with the closing balance in capitals (大写)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from parkflow.agreements.tests.test_documents import pdf_text
from parkflow.billing import services, services_statements, statements
from parkflow.billing.choices_statements import StatementLineKind as K
from parkflow.billing.choices_statements import StatementStatus
from parkflow.billing.models_statements import Statement
from parkflow.billing.money import cny_in_words, yuan_text
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.models import AuditEvent

from .factories import finance, resident, signed_agreement
from .factories_statements import FEB, JAN, MAR, Worked, at, yuan

pytestmark = pytest.mark.django_db
APRIL = datetime.date(2026, 4, 2)


# ---------------------------------------------------------------------------------------------
# 大写


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角整"),
        ("10.00", "人民币壹拾元整"),
        ("10.05", "人民币壹拾元零伍分"),
        ("1000000.00", "人民币壹佰万元整"),
        ("100010.01", "人民币壹拾万零壹拾元零壹分"),
        ("12345.60", "人民币壹万贰仟叁佰肆拾伍元陆角整"),
        ("100000001", "人民币壹亿零壹元整"),
        ("1001.10", "人民币壹仟零壹元壹角整"),
        ("20000", "人民币贰万元整"),
        ("-100", "人民币负壹佰元整"),
        ("-8750.00", "人民币负捌仟柒佰伍拾元整"),
        ("999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_an_amount_in_chinese_capitals(amount, words):
    assert cny_in_words(Decimal(amount)) == words


def test_an_amount_in_figures_the_chinese_way():
    assert yuan_text(Decimal("12345.6")) == "¥12,345.60"
    assert yuan_text(Decimal("-400")) == "-¥400.00"
    assert yuan_text(Decimal("0.005")) == "¥0.01"  # half up, to the fen


# ---------------------------------------------------------------------------------------------
# The worked example (factories_statements.Worked), by hand


def _rows(data):
    return [(line.kind, line.date.day, line.amount, line.balance) for line in data.lines]


def test_february_of_the_worked_example_by_hand():
    worked = Worked()

    data = statements.compute(worked.enterprise, *statements.month_of(FEB))

    # Opening: January's bills 28,800 − money received 24,200.
    assert data.opening == yuan("4600")
    assert _rows(data) == [
        (K.BILL, 1, yuan("9600"), yuan("14200")),
        (K.PAYMENT, 5, yuan("4600"), yuan("9600")),
        (K.PAYMENT, 10, yuan("10000"), yuan("-400")),
        (K.CREDIT, 15, yuan("600"), yuan("-1000")),
    ]
    t = data.totals
    assert (t.billed, t.debits, t.credits, t.received, t.refunded) == (
        yuan("9600"),
        yuan("0"),
        yuan("600"),
        yuan("14600"),
        yuan("0"),
    )
    # 4,600 + 9,600 − 600 − 14,600 = −1,000: the park holds 1,000 of the enterprise's money,
    # its prepaid balance (400 overpaid + 600 credited back on a paid bill); nothing owed.
    assert data.closing == yuan("-1000")
    assert data.outstanding == []
    assert data.prepaid == yuan("1000")
    assert data.problems == []
    assert "400.00 元转入预收余额" in data.lines[2].description


def test_march_of_the_worked_example_by_hand():
    worked = Worked()

    data = statements.compute(worked.enterprise, *statements.month_of(MAR))

    assert data.opening == yuan("-1000")
    assert _rows(data) == [
        (K.BILL, 1, yuan("9600"), yuan("8600")),
        # The prepaid 1,000 pays March's rent: listed, the balance does not move.
        (K.CREDIT_APPLIED, 3, yuan("1000"), yuan("8600")),
        (K.DEBIT, 10, yuan("150"), yuan("8750")),
    ]
    assert data.closing == yuan("8750")
    (march,) = data.outstanding
    assert (march.bill_id, march.due, march.outstanding) == (
        worked.rent_mar.pk,
        yuan("9750"),
        yuan("8750"),
    )
    assert data.prepaid == yuan("0")
    assert cny_in_words(data.closing) == "人民币捌仟柒佰伍拾元整"


def test_january_to_march_in_one_statement_is_the_ledger_today():
    worked = Worked()

    data = statements.compute(worked.enterprise, JAN, datetime.date(2026, 3, 31))

    assert data.opening == 0
    assert len(data.lines) == 11
    assert data.closing == yuan("8750")
    # The ledger identity of billing on the rows: Σ outstanding − prepaid balance.
    owed = sum(
        (bill.outstanding for bill in worked.enterprise.bills.all()),
        Decimal("0"),
    )
    assert data.closing == owed - services.credit_balance(worked.enterprise)


def test_a_payment_before_its_bill_begins_is_money_paid_ahead_at_the_month_end():
    worked = Worked()
    april_rent = worked.rent_line
    with at(datetime.date(2026, 3, 20)):
        april = services.bill_issue(
            actor=worked.clerk, fee_line=april_rent, period_start=datetime.date(2026, 4, 1)
        ).bill
    worked.pay(april, "9600", datetime.date(2026, 3, 25))

    data = statements.compute(worked.enterprise, *statements.month_of(MAR))

    # March: 8,750 owed on March's rent, 9,600 received ahead for April's.
    assert data.closing == yuan("-850")
    assert data.outstanding_total == yuan("8750")
    assert data.advance == yuan("9600")
    assert data.problems == []


def test_a_statement_of_five_years_is_a_handful_of_queries(django_assert_max_num_queries):
    agreement = signed_agreement(start=datetime.date(2021, 1, 1), months=60)
    clerk = finance(agreement.park)
    for line in agreement.fees.all():
        for charge in services.charges_of(line):
            services.bill_issue(actor=clerk, fee_line=line, period_start=charge.period_start)

    with django_assert_max_num_queries(12):
        data = statements.compute(
            agreement.enterprise, datetime.date(2021, 1, 1), datetime.date(2025, 12, 31)
        )
    assert len(data.lines) == 61
    assert data.closing == Decimal("9600.00") * 60 + Decimal("19200.00")
    assert data.problems == []


# ---------------------------------------------------------------------------------------------
# Issuing


def test_an_issued_statement_keeps_its_lines_as_computed_with_its_hash():
    worked = Worked()
    with at(APRIL):
        made = services_statements.statement_issue(
            actor=worked.clerk, enterprise=worked.enterprise, period_start=FEB
        )

    assert (made.period_start, made.period_end) == statements.month_of(FEB)
    assert (made.opening, made.closing, made.prepaid) == (yuan("4600"), yuan("-1000"), yuan("1000"))
    assert [line.kind for line in made.lines.order_by("position")] == [
        K.BILL,
        K.PAYMENT,
        K.PAYMENT,
        K.CREDIT,
    ]
    assert len(made.content_hash) == 64
    event = AuditEvent.objects.get(action="statement.issue")
    assert event.after["closing"] == "-1000.00"

    # A payment recorded later with a February date changes the account, not the statement.
    worked.pay(worked.rent_mar, "100", datetime.date(2026, 2, 20))
    made.refresh_from_db()
    assert made.closing == yuan("-1000") and made.lines.count() == 4
    assert statements.compute(worked.enterprise, *statements.month_of(FEB)).closing == yuan("-1100")


def test_issuing_the_same_period_twice_is_refused_until_the_first_is_superseded():
    worked = Worked()
    with at(APRIL):
        first = services_statements.statement_issue(
            actor=worked.clerk, enterprise=worked.enterprise, period_start=FEB
        )
        with pytest.raises(Conflict) as refused:
            services_statements.statement_issue(
                actor=worked.clerk, enterprise=worked.enterprise, period_start=FEB
            )
        assert refused.value.code == "statement_exists"
        assert first.number in refused.value.message
        assert Statement.objects.count() == 1

        services_statements.statement_supersede(
            actor=worked.clerk, statement=first, reason="二月收款补录"
        )
        second = services_statements.statement_issue(
            actor=worked.clerk, enterprise=worked.enterprise, period_start=FEB
        )

    first.refresh_from_db()
    assert first.status == StatementStatus.SUPERSEDED
    assert second.status == StatementStatus.ISSUED
    assert Statement.objects.filter(status=StatementStatus.ISSUED).count() == 1


def test_the_database_refuses_a_second_statement_in_force_for_a_period():
    from django.db import IntegrityError, transaction

    worked = Worked()
    with at(APRIL):
        made = services_statements.statement_issue(
            actor=worked.clerk, enterprise=worked.enterprise, period_start=FEB
        )
    made.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        made.save()


def test_the_database_refuses_totals_that_do_not_reconcile():
    from django.db import IntegrityError, transaction

    worked = Worked()
    with at(APRIL):
        made = services_statements.statement_issue(
            actor=worked.clerk, enterprise=worked.enterprise, period_start=FEB
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=made.pk).update(closing=Decimal("-999.99"))


def test_a_period_not_yet_ended_is_refused():
    worked = Worked()
    with at(datetime.date(2026, 3, 15)), pytest.raises(ValidationFailed) as refused:
        services_statements.statement_issue(
            actor=worked.clerk, enterprise=worked.enterprise, period_start=MAR
        )
    assert "period_end" in refused.value.errors
    assert not Statement.objects.exists()


def test_the_monthly_job_issues_last_months_statements_once_for_active_residents():
    worked = Worked()
    other = Worked()  # another resident, active in March too
    idle_enterprise = resident(worked.park)  # nothing in March: no statement

    with at(APRIL):
        issued = services_statements.statements_issue_monthly()
        again = services_statements.statements_issue_monthly()

    assert (issued, again) == (2, 0)
    march = Statement.objects.filter(period_start=MAR)
    assert set(march.values_list("enterprise_id", flat=True)) == {
        worked.enterprise.pk,
        other.enterprise.pk,
    }
    assert not Statement.objects.filter(enterprise=idle_enterprise).exists()
    assert all(statement.issued_by_id is None for statement in march)


# ---------------------------------------------------------------------------------------------
# The documents


@pytest.fixture
def issued():
    worked = Worked()
    with at(APRIL):
        statement = services_statements.statement_issue(
            actor=worked.clerk,
            enterprise=worked.enterprise,
            period_start=JAN,
            period_end=datetime.date(2026, 3, 31),
        )
    return worked, statement


def test_the_excel_statement_has_chinese_headers_money_and_the_closing_in_capitals(issued):
    worked, statement = issued

    document = services_statements.statement_download(
        actor=worked.clerk, statement=statement, fmt="xlsx"
    )

    book = load_workbook(io.BytesIO(document.content))
    sheet = book["对账单"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    texts = {str(cell.value) for cell in cells}
    assert {"企业费用对账单", "摘要", "余额（元）", "期末余额（大写）"} <= texts
    assert "人民币捌仟柒佰伍拾元整" in texts
    assert worked.enterprise.name in texts and worked.park.name in texts
    money = [cell for cell in cells if cell.value == Decimal("8750") or cell.value == 8750]
    assert money and all("¥" in cell.number_format for cell in money)
    assert document.filename.endswith(".xlsx")
    downloads = AuditEvent.objects.filter(action="statement.download")
    assert any(event.after.get("format") == "xlsx" for event in downloads)


def test_the_pdf_statement_is_chinese_text_with_the_closing_in_capitals(issued):
    worked, statement = issued

    document = services_statements.statement_download(
        actor=worked.clerk, statement=statement, fmt="pdf"
    )

    assert document.content.startswith(b"%PDF")
    text = pdf_text(document.content).replace("\r", "").replace("\n", "")
    for expected in (
        "企业费用对账单",
        worked.park.name,
        worked.enterprise.name,
        "2026-01-01 至 2026-03-31",
        "人民币捌仟柒佰伍拾元整",
        "¥8,750.00",
        "期末未结清账单",
    ):
        assert expected in text, expected
    downloads = AuditEvent.objects.filter(action="statement.download")
    assert any(event.after.get("format") == "pdf" for event in downloads)
