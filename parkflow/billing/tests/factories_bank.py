"""Test data of bank-statement import: statements as banks export them (CSV in UTF-8 or GBK with
the account above the header, Excel with 交易金额 and 借贷标志) and bills to pay, issued through
the services from a signed agreement's fee schedule."""

import csv
import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from parkflow.agreements.choices import FeeKind, FeePeriod

from .. import imports_bank, services, services_bank
from .factories import finance, signed_agreement

# The columns of a typical online-banking export (招商银行/工商银行 style).
HEADER = [
    "交易日期",
    "交易流水号",
    "对方户名",
    "对方账号",
    "借方发生额",
    "贷方发生额",
    "余额",
    "摘要",
]


def rent_agreement(enterprise, *, price="80", start=datetime.date(2026, 1, 1), months=12):
    """Monthly rent of 100 m² at ``price`` 元/m²·月 (8,000 元 a month by default), no deposit."""
    return signed_agreement(
        enterprise,
        start=start,
        months=months,
        lines=[
            {
                "kind": FeeKind.RENT,
                "label": "办公室租金",
                "quantity": "100",
                "unit_price": price,
                "period": FeePeriod.MONTHLY,
            }
        ],
    )


def issue(agreement, *months, actor=None):
    """The agreement's first fee line billed for these months of 2026 (through bill_issue)."""
    actor = actor or finance(agreement.park)
    line = agreement.fees.order_by("position").first()
    return [
        services.bill_issue(
            actor=actor, fee_line=line, period_start=datetime.date(2026, month, 1)
        ).bill
        for month in months
    ]


def row(
    day,
    amount,
    *,
    payer="",
    account="6222020200112233445",
    summary="",
    serial="",
    debit="",
    balance="",
):
    """One row of ``HEADER``: a credit of ``amount`` (a debit with ``debit=``)."""
    return [
        day.strftime("%Y-%m-%d") if hasattr(day, "strftime") else day,
        serial,
        payer,
        account,
        debit,
        "" if debit else amount,
        balance,
        summary,
    ]


def statement_csv(rows, *, encoding="utf-8", header=HEADER, preamble=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if preamble:
        writer.writerow(["账号：1001 2233 4455 6677 889", "户名：苏州工业园A区运营有限公司"])
        writer.writerow(["查询期间：2026-11-01 至 2026-11-20"])
        writer.writerow([])
    writer.writerow(header)
    for values in rows:
        writer.writerow(values)
    writer.writerow(["合计", "", "", "", "", "", "", ""])
    return out.getvalue().encode(encoding)


def statement_xlsx(rows, header) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["中国工商银行 账户明细"])
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name="流水.csv"):
    return SimpleUploadedFile(name, content)


def check(actor, park, content, name="流水.csv") -> dict:
    return imports_bank.bank_import_check(actor=actor, park=park, upload=upload(content, name))


def imported(actor, park, content, name="流水.csv"):
    """Check and confirm a statement (taken in the confirmation's transaction when small)."""
    job = check(actor, park, content, name)
    assert job["status"] == imports_bank.CHECKED, job["errors"]
    return services_bank.bank_import_confirm(actor=actor, token=job["token"])


def left(bill) -> Decimal:
    bill.refresh_from_db()
    return bill.outstanding
