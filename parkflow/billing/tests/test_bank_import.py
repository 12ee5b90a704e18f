"""R-BIL-4: a bank statement's credit lines are paid into bills by the bill number in the text,
else by payer and amount when exactly one bill fits; the rest waits for a person. A bank
transaction is taken into the books once — the same file twice is refused, a later statement
repeating a transaction records nothing new, a retried chunk records one payment."""

import datetime
from decimal import Decimal

import pytest
from django.test import TestCase

from parkflow.billing import imports_bank, services, services_bank
from parkflow.billing.choices import CreditReason, PaymentMethod, PaymentSource
from parkflow.billing.choices_bank import BankLineStatus, ImportStatus, MatchMethod, ReviewReason
from parkflow.billing.models import Adjustment, Bill, CreditEntry, Payment
from parkflow.billing.models_bank import BankLine, BankStatementImport
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.org.tests.factories import ParkFactory

from .factories import finance, resident
from .factories_bank import (
    check,
    imported,
    issue,
    left,
    rent_agreement,
    row,
    statement_csv,
    statement_xlsx,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 3)
NAME = "苏州星河智能科技有限公司"


@pytest.fixture
def tenant(park):
    return resident(park, name=NAME)


@pytest.fixture
def clerk(park):
    return finance(park)


@pytest.fixture
def bills(tenant, clerk):
    """September and October rent of the tenant: 8,000 元 each, nothing paid."""
    return issue(rent_agreement(tenant), 9, 10, actor=clerk)


def line_of(run, row_number):
    return BankLine.objects.get(statement=run, row=row_number)


def ledger_balances(enterprise) -> tuple[Decimal, Decimal]:
    """The ledger identity of billing: billed ± adjustments − received + refunded out ==
    outstanding − prepaid balance, for one enterprise."""
    bills = list(Bill.objects.filter(enterprise=enterprise))
    adjustments = sum(
        (a.signed_amount for a in Adjustment.objects.filter(bill__enterprise=enterprise)),
        Decimal(0),
    )
    received = sum(
        (p.amount for p in Payment.objects.filter(enterprise=enterprise).exclude(method="credit")),
        Decimal(0),
    )
    refunded = -sum(
        (
            c.amount
            for c in CreditEntry.objects.filter(enterprise=enterprise, reason=CreditReason.REFUNDED)
        ),
        Decimal(0),
    )
    credit = sum((c.amount for c in CreditEntry.objects.filter(enterprise=enterprise)), Decimal(0))
    left_side = sum((b.amount for b in bills), Decimal(0)) + adjustments - received + refunded
    return left_side, sum((b.outstanding for b in bills), Decimal(0)) - credit


# ---------------------------------------------------------------------------------------------
# Matching


def test_a_line_naming_a_bill_number_pays_that_bill_whoever_sends_it(park, clerk, bills):
    september, october = bills
    content = statement_csv(
        [
            row(
                DAY,
                "8000.00",
                payer="苏州某集团有限公司",
                summary=f"代付{september.number}房租",
                serial="B1",
            )
        ]
    )

    job = check(clerk, park, content)
    assert job["counts"]["按账单号入账"] == 1
    assert job["preview"][0]["bill"] == september.number
    assert not Payment.objects.exists()  # the check writes nothing

    run = services_bank.bank_import_confirm(actor=clerk, token=job["token"])

    line = BankLine.objects.get(statement=run)
    assert line.status == BankLineStatus.MATCHED
    assert line.method == MatchMethod.BILL_NUMBER
    assert line.bill_id == september.pk
    payment = line.payment
    assert payment.source == PaymentSource.BANK_IMPORT
    assert payment.method == PaymentMethod.BANK_TRANSFER
    assert payment.paid_on == DAY
    assert payment.idempotency_key == f"bank:{park.pk}:txn:B1"
    assert payment.recorded_by == clerk
    assert left(september) == 0 and left(october) == Decimal("8000.00")
    assert run.status == ImportStatus.DONE and run.matched == 1


def test_a_line_from_the_tenant_for_one_bills_outstanding_amount_pays_that_bill(
    park, clerk, tenant, bills
):
    september, october = bills
    services.payment_record(
        actor=clerk,
        bill=september,
        amount="3000",
        method=PaymentMethod.CASH,
        paid_on=DAY,
        idempotency_key="counter-1",
    )
    # September owes 5,000.00 now, October 8,000.00: the amount names one bill.
    run = imported(
        clerk, park, statement_csv([row(DAY, "5,000.00", payer=f" {NAME} ", serial="N1")])
    )

    line = BankLine.objects.get(statement=run)
    assert (line.status, line.method, line.bill_id) == (
        BankLineStatus.MATCHED,
        MatchMethod.NAME_AMOUNT,
        september.pk,
    )
    assert left(september) == 0 and left(october) == Decimal("8000.00")


def test_the_credit_code_in_the_text_names_the_payer_too(park, clerk, tenant, bills):
    _september, october = bills
    services.payment_record(
        actor=clerk,
        bill=_september,
        amount="8000",
        method=PaymentMethod.CASH,
        paid_on=DAY,
        idempotency_key="counter-2",
    )
    content = statement_csv(
        [
            row(
                DAY,
                "8000",
                payer="星河智能",
                summary=f"信用代码{tenant.credit_code} 10月租金",
                serial="K1",
            )
        ]
    )

    run = imported(clerk, park, content)

    assert BankLine.objects.get(statement=run).bill_id == october.pk


def test_two_bills_owing_the_same_amount_leave_the_line_for_a_person(park, clerk, tenant, bills):
    run = imported(clerk, park, statement_csv([row(DAY, "8000.00", payer=NAME, serial="A1")]))

    line = BankLine.objects.get(statement=run)
    assert line.status == BankLineStatus.REVIEW
    assert line.review_reason == ReviewReason.SEVERAL_CANDIDATES
    assert not Payment.objects.exists()
    assert run.to_review == 1 and run.matched == 0


@pytest.mark.parametrize(
    ("payer", "amount", "summary", "reason"),
    [
        ("上海某贸易公司", "8000.00", "货款", ReviewReason.UNKNOWN_PAYER),
        (NAME, "7999.99", "", ReviewReason.NO_CANDIDATE),
        (NAME, "8000.00", "ZD202609-9999999", ReviewReason.UNKNOWN_BILL),
    ],
)
def test_a_line_no_bill_fits_waits_for_a_person_saying_why(
    park, clerk, bills, payer, amount, summary, reason
):
    run = imported(clerk, park, statement_csv([row(DAY, amount, payer=payer, summary=summary)]))

    line = BankLine.objects.get(statement=run)
    assert (line.status, line.review_reason) == (BankLineStatus.REVIEW, reason)
    assert not Payment.objects.exists()


def test_a_line_naming_two_bills_or_a_settled_one_waits_for_a_person(park, clerk, bills):
    september, october = bills
    content = statement_csv(
        [
            row(DAY, "16000", summary=f"{september.number} {october.number}", serial="T1"),
            row(DAY, "8000", summary=f"{september.number}", serial="T2"),
            row(DAY, "8000", summary=f"{september.number}", serial="T3"),
        ]
    )

    run = imported(clerk, park, content)

    reasons = [line.review_reason for line in BankLine.objects.filter(statement=run)]
    assert reasons == [ReviewReason.SEVERAL_NUMBERS, "", ReviewReason.SETTLED_BILL]


def test_a_bill_of_another_park_is_not_paid_from_this_parks_statement(park, clerk):
    theirs = issue(rent_agreement(resident(ParkFactory())), 9)[0]

    run = imported(clerk, park, statement_csv([row(DAY, "8000", summary=theirs.number)]))

    assert BankLine.objects.get(statement=run).review_reason == ReviewReason.UNKNOWN_BILL
    assert left(theirs) == Decimal("8000.00")


def test_a_line_paying_more_than_its_bill_credits_the_rest_to_the_prepaid_balance(
    park, clerk, tenant, bills
):
    september, _october = bills

    imported(clerk, park, statement_csv([row(DAY, "8500", summary=september.number)]))

    payment = Payment.objects.get()
    assert (payment.applied, payment.credited) == (Decimal("8000.00"), Decimal("500.00"))
    assert CreditEntry.objects.get().amount == Decimal("500.00")
    billed, owed = ledger_balances(tenant)
    assert billed == owed


def test_debit_lines_reversals_and_totals_are_counted_not_taken(park, clerk, bills):
    content = statement_csv(
        [
            row(DAY, "", payer="电费", debit="300.00", serial="D1"),
            row(DAY, "-50.00", payer="冲正", serial="D2"),
            row(DAY, "12.00", payer="银行结息", summary="利息", serial="D3"),
        ]
    )

    job = check(clerk, park, content)

    assert (job["lines"], job["debit_lines"]) == (1, 2)


# ---------------------------------------------------------------------------------------------
# Formats


def test_a_gbk_csv_with_the_account_above_the_header_and_other_column_names_is_read(
    park, clerk, bills
):
    september, _october = bills
    header = [
        "记账日期",
        "凭证号",
        "对方账户名称",
        "对方账号",
        "支出金额",
        "收入金额",
        "账户余额",
        "用途",
        "附言",
    ]
    rows = [
        [
            "2026年11月3日",
            "P-1",
            "苏州某集团",
            "6222",
            "",
            "8,000.00",
            "10000",
            "房租",
            september.number,
        ]
    ]

    job = check(clerk, park, statement_csv(rows, encoding="gbk", header=header))

    assert job["status"] == imports_bank.CHECKED, job["errors"]
    assert job["preview"][0]["bill"] == september.number
    assert job["preview"][0]["summary"] == f"房租 {september.number}"


def test_an_excel_statement_with_amount_and_direction_columns_is_read(park, clerk, bills):
    september, _october = bills
    header = ["交易时间", "交易金额", "借贷标志", "对方户名", "摘要", "交易流水号"]
    rows = [
        [datetime.datetime(2026, 11, 3, 10, 22), 8000, "贷", "某公司", september.number, "X1"],
        [datetime.datetime(2026, 11, 3, 11, 0), 120.5, "借", "物业公司", "水费", "X2"],
    ]

    job = check(clerk, park, statement_xlsx(rows, header), name="流水.xlsx")

    assert (job["status"], job["lines"], job["debit_lines"]) == (imports_bank.CHECKED, 1, 1)


def test_errors_are_listed_by_row_and_column_in_chinese_and_nothing_is_kept(park, clerk):
    content = statement_csv(
        [
            row("2026-13-45", "100.00", payer="甲"),
            row(DAY, "一百元", payer="乙"),
            row(DAY + datetime.timedelta(days=400), "10.00", payer="丙"),
            row(DAY, "10.005", payer="丁"),
        ]
    )

    job = check(clerk, park, content)

    assert job["status"] == imports_bank.INVALID
    assert [(e["row"], e["column"]) for e in job["errors"]] == [
        (5, "交易日期"),
        (6, "贷方发生额"),
        (7, "交易日期"),
        (8, "贷方发生额"),
    ]
    assert "不是日期" in job["errors"][0]["message"]
    assert job["stored"] == "" and not BankStatementImport.objects.exists()
    with pytest.raises(Conflict):
        services_bank.bank_import_confirm(actor=clerk, token=job["token"])


def test_a_file_without_a_statement_header_is_refused_in_chinese(park, clerk):
    with pytest.raises(ValidationFailed) as refused:
        check(clerk, park, "名称,数量\n甲,1\n".encode())
    assert "交易日期" in refused.value.errors["file"][0]


# ---------------------------------------------------------------------------------------------
# Once per bank transaction (R-BIL-4)


def test_the_same_file_twice_is_refused_clearly_and_records_nothing_new(park, clerk, bills):
    content = statement_csv([row(DAY, "8000", summary=bills[0].number, serial="S1")])
    first = check(clerk, park, content)
    second = check(clerk, park, content)  # checked twice before either was confirmed
    services_bank.bank_import_confirm(actor=clerk, token=first["token"])

    with pytest.raises(ValidationFailed) as refused:
        check(clerk, park, content)
    assert "同一文件不能重复导入" in refused.value.errors["file"][0]
    assert "财务" in refused.value.errors["file"][0]  # says who imported it
    with pytest.raises(Conflict) as conflict:
        services_bank.bank_import_confirm(actor=clerk, token=second["token"])
    assert conflict.value.code == "statement_already_imported"
    assert Payment.objects.count() == 1 and BankStatementImport.objects.count() == 1


def test_a_later_statement_repeating_a_transaction_shows_it_as_already_imported(park, clerk, bills):
    september, october = bills
    first = imported(
        clerk, park, statement_csv([row(DAY, "8000", summary=september.number, serial="S1")])
    )
    later = statement_csv(
        [
            row(DAY, "8000", summary=september.number, serial="S1"),
            row(DAY, "8000", summary=october.number, serial="S2"),
        ]
    )

    job = check(clerk, park, later)
    assert [p["outcome"] for p in job["preview"]] == ["已导入", "按账单号入账"]
    run = services_bank.bank_import_confirm(actor=clerk, token=job["token"])

    repeated = line_of(run, 5)
    assert repeated.status == BankLineStatus.DUPLICATE
    assert repeated.duplicate_of == BankLine.objects.get(statement=first)
    assert Payment.objects.count() == 2
    assert left(september) == 0 and left(october) == 0
    assert (run.duplicates, run.matched) == (1, 1)


def test_without_bank_serials_a_transaction_is_known_by_what_describes_it(park, clerk, bills):
    september, _october = bills
    once = [row(DAY, "8000", payer="某公司", summary=september.number, balance="18000.00")]
    imported(clerk, park, statement_csv(once))
    # Two equal transfers the same day are two transactions (their balances differ).
    later = once + [row(DAY, "8000", payer="某公司", summary=september.number, balance="26000.00")]

    run = imported(clerk, park, statement_csv(later, preamble=False))

    statuses = list(BankLine.objects.filter(statement=run).values_list("status", "review_reason"))
    assert statuses == [("duplicate", ""), ("review", ReviewReason.SETTLED_BILL)]
    assert Payment.objects.count() == 1


def test_a_retried_chunk_records_one_payment(park, clerk, bills):
    """The worker's chunk run twice (a retry after a lost acknowledgement): the rows already
    taken are skipped and the payment key finds the payment."""
    september, _october = bills
    content = statement_csv([row(DAY, "8000", summary=september.number, serial="R1")])
    job = check(clerk, park, content)
    run = BankStatementImport.objects.create(
        park=park,
        file_name="流水.csv",
        sha256=job["sha256"],
        stored=job["stored"],
        lines_total=1,
        imported_by=clerk,
        imported_at=september.issued_at,
    )
    lines = imports_bank.read_stored(job["stored"], job["sha256"]).lines

    services_bank._import_chunk(run.pk, lines, 1)
    services_bank._import_chunk(run.pk, lines, 1)

    assert Payment.objects.count() == 1 and BankLine.objects.count() == 1
    run.refresh_from_db()
    assert (run.matched, run.lines_done) == (1, 1)


def test_a_payment_recorded_under_the_lines_key_is_found_not_recorded_again(park, clerk, bills):
    """A payment with the line's key already there (a first attempt that committed its payment):
    ``payment_record`` replays it."""
    september, _october = bills
    services.payment_record(
        actor=clerk,
        bill=september,
        amount=Decimal("8000.00"),
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=DAY,
        idempotency_key=imports_bank.payment_key(park.pk, "txn:R2"),
        reference="R2",
        source=PaymentSource.BANK_IMPORT,
    )

    run = imported(
        clerk, park, statement_csv([row(DAY, "8000", summary=september.number, serial="R2")])
    )

    assert Payment.objects.count() == 1
    assert BankLine.objects.get(statement=run).payment == Payment.objects.get()


def test_a_large_statement_is_taken_by_the_worker_in_chunks_with_its_progress(
    park, clerk, bills, monkeypatch
):
    monkeypatch.setattr(services_bank, "CHUNK", 7)
    rows = [
        row(DAY, f"{n + 1}.00", payer=f"付款单位{n}", serial=f"W{n}")
        for n in range(imports_bank.BACKGROUND_FROM + 5)
    ]
    rows.append(row(DAY, "8000", summary=bills[0].number, serial="W-bill"))
    job = check(clerk, park, statement_csv(rows))

    with TestCase.captureOnCommitCallbacks(execute=True):
        run = services_bank.bank_import_confirm(actor=clerk, token=job["token"])
    assert run.status == ImportStatus.RUNNING  # answered at once; the worker took it

    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert (run.lines_total, run.lines_done, run.percent) == (206, 206, 100)
    assert (run.matched, run.to_review) == (1, 205)
    assert BankLine.objects.filter(statement=run).count() == 206
    assert AuditEvent.objects.filter(action="bank_import.finish").count() == 1


def test_a_file_changed_after_its_check_is_not_imported(park, clerk, bills):
    from django.core.files.storage import default_storage

    job = check(clerk, park, statement_csv([row(DAY, "8000", summary=bills[0].number)]))
    with default_storage.open(job["stored"], "wb") as handle:
        handle.write(statement_csv([row(DAY, "1", summary=bills[0].number)]))

    with pytest.raises(ValidationFailed):
        services_bank.bank_import_confirm(actor=clerk, token=job["token"])
    assert not BankStatementImport.objects.exists() and not Payment.objects.exists()


# ---------------------------------------------------------------------------------------------
# The review list


@pytest.fixture
def waiting(park, clerk, bills):
    """A line of 8,000 元 from the tenant that fits two bills: waiting for a person."""
    run = imported(clerk, park, statement_csv([row(DAY, "8000.00", payer=NAME, serial="M1")]))
    return BankLine.objects.get(statement=run)


def test_finance_matches_a_waiting_line_by_hand_and_it_is_audited(clerk, bills, waiting):
    september, october = bills

    line = services_bank.bank_line_match(
        actor=clerk, line=waiting, bill=october, note="企业来电确认"
    )

    assert (line.status, line.method, line.bill) == ("matched", MatchMethod.MANUAL, october)
    assert line.payment.idempotency_key == imports_bank.payment_key(waiting.park_id, "txn:M1")
    assert line.payment.source == PaymentSource.BANK_IMPORT
    assert left(october) == 0 and left(september) == Decimal("8000.00")
    event = AuditEvent.objects.get(action="bank_line.match")
    assert event.actor == clerk and event.reason == "企业来电确认"
    assert event.before["status"] == "review" and event.after["bill"] == october.number


def test_sending_the_same_match_again_changes_nothing_and_another_bill_is_refused(
    clerk, bills, waiting
):
    september, october = bills
    services_bank.bank_line_match(actor=clerk, line=waiting, bill=october)
    events = AuditEvent.objects.count()

    again = services_bank.bank_line_match(actor=clerk, line=waiting, bill=october)

    assert again.payment == Payment.objects.get()
    assert AuditEvent.objects.count() == events
    with pytest.raises(Conflict) as refused:
        services_bank.bank_line_match(actor=clerk, line=waiting, bill=september)
    assert refused.value.code == "line_not_in_review"
    assert Payment.objects.count() == 1


def test_a_line_cannot_be_matched_to_another_parks_bill(clerk, waiting):
    theirs = issue(rent_agreement(resident(ParkFactory())), 9)[0]

    with pytest.raises(ValidationFailed):
        services_bank.bank_line_match(actor=clerk, line=waiting, bill=theirs)
    assert not Payment.objects.exists()


def test_marking_a_line_not_ours_needs_a_reason_and_is_audited(clerk, waiting):
    with pytest.raises(ValidationFailed):
        services_bank.bank_line_ignore(actor=clerk, line=waiting, reason="  ")

    line = services_bank.bank_line_ignore(actor=clerk, line=waiting, reason="供应商退回货款")

    assert (line.status, line.note, line.handled_by) == ("ignored", "供应商退回货款", clerk)
    assert AuditEvent.objects.get(action="bank_line.ignore").reason == "供应商退回货款"
    with pytest.raises(Conflict):
        services_bank.bank_line_match(actor=clerk, line=waiting, bill=Bill.objects.first())


def test_a_line_matched_by_hand_is_already_imported_when_the_statement_comes_again(
    park, clerk, bills, waiting
):
    _september, october = bills
    services_bank.bank_line_match(actor=clerk, line=waiting, bill=october)

    run = imported(
        clerk,
        park,
        statement_csv([row(DAY, "8000.00", payer=NAME, serial="M1")], preamble=False),
        name="11月流水（补）.csv",
    )

    assert BankLine.objects.get(statement=run).status == BankLineStatus.DUPLICATE
    assert Payment.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Scope (R-ORG-3)


def test_another_parks_finance_can_neither_import_into_nor_match_for_this_park(
    park, bills, waiting
):
    theirs = finance(ParkFactory())
    content = statement_csv([row(DAY, "1.00", payer="甲")])

    with pytest.raises(ValidationFailed):
        check(theirs, park, content)
    with pytest.raises(PermissionDenied):
        services_bank.bank_line_match(actor=theirs, line=waiting, bill=bills[1])
    with pytest.raises(PermissionDenied):
        services_bank.bank_line_ignore(actor=theirs, line=waiting, reason="不是我们的")
    waiting.refresh_from_db()
    assert waiting.status == BankLineStatus.REVIEW


def test_a_check_is_its_importers_alone(park, clerk, bills):
    from parkflow.core.errors import NotFound

    job = check(clerk, park, statement_csv([row(DAY, "8000", summary=bills[0].number)]))

    with pytest.raises(NotFound):
        services_bank.bank_import_confirm(actor=finance(park), token=job["token"])
    assert not BankStatementImport.objects.exists()
