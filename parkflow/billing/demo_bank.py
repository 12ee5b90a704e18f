"""The demo park's bank statement (issue 12, R-BIL-4): a ``seed_demo`` part, built through the
services, so the payments, the review list and the audit trail are the real ones.

苏州工业园A区's finance (钱芳, ``finance``) imports the statement of the last days that its bank
exported — a GBK CSV in the online bank's layout, the account and the period above the header,
a debit line and a total row among the credits:

* two transfers naming their bill in the 附言 (one paid by a parent company on behalf of the
  tenant) are paid into those bills;
* one from a tenant for exactly what one of its bills still owes is paid into that bill;
* two wait for a person (待人工核对): a payment on account that fits no bill of the tenant
  (finance matches it by hand) and a supplier's refund that is not the park's money.

``DEMO_STEP`` runs after the step that bills the demo agreements (``BILLS_STEP``: the lead sets
it to the bills step of the merged ``billing/demo.py`` and lists ``DEMO_STEP`` in its
``DEMO_STEPS``)."""

import csv
import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from parkflow.core import clock
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.org.models import OrgUnit

from . import imports_bank, services_bank
from .choices import BillStatus
from .models import Bill
from .models_bank import BankStatementImport

BILLS_STEP = "billing.payments"  # the bills part's step that pays the year of bills
FILE_NAME = "工商银行账户明细-近期.csv"
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
SUPPLIER = "苏州工业园区洁宇保洁服务有限公司"


def _owed(park):
    """The park's unpaid bills, oldest due first, with what each still owes (the bills paid in
    part are left as they are: the demo shows them)."""
    return list(
        Bill.objects.filter(park=park, status=BillStatus.OPEN)
        # The portal enterprise's overdue bills are its own story (it pays them in the portal
        # journey); the bank statement pays other enterprises'.
        .exclude(enterprise__name=PORTAL_ENTERPRISE)
        .select_related("enterprise")
        .annotate(left=F("amount") + F("adjusted") - F("paid"))
        .order_by("due_date", "id")
    )


def _picks(owed):
    """(by number ×2, by payer and amount, on account): bills of four different enterprises;
    the third owes an amount no other bill of its enterprise owes."""
    by_enterprise: dict[int, list] = {}
    for bill in owed:
        by_enterprise.setdefault(bill.enterprise_id, []).append(bill)
    chosen, used = [], set()
    for bill in owed:
        if bill.enterprise_id in used:
            continue
        if len(chosen) == 2:
            same = [b for b in by_enterprise[bill.enterprise_id] if b.left == bill.left]
            if len(same) != 1:
                continue
        chosen.append(bill)
        used.add(bill.enterprise_id)
        if len(chosen) == 4:
            break
    return chosen


def statement_content(park) -> bytes:
    """The statement's bytes (GBK CSV) for the park's bills as they stand."""
    owed = _picks(_owed(park))
    if len(owed) < 3:
        raise RuntimeError("the demo statement needs three enterprises with outstanding bills")
    today = clock.today()
    days = [today - datetime.timedelta(days=n) for n in (4, 3, 3, 2, 1, 1)]
    first, second, third, *rest = owed
    on_account = rest[0] if rest else third
    balance = Decimal("1268450.37")
    rows = []

    def credit(day, serial, payer, account, amount, text):
        nonlocal balance
        balance += amount
        rows.append(
            [
                f"{day:%Y-%m-%d}",
                serial,
                payer,
                account,
                "",
                f"{amount:,.2f}",
                f"{balance:,.2f}",
                text,
            ]
        )

    credit(
        days[0],
        "IC20261101001",
        first.enterprise.name,
        "6222021102003456781",
        first.left,
        f"{first.number} {first.label}",
    )
    credit(
        days[1],
        "IC20261101002",
        "苏州纳微控股集团有限公司",
        "1102020309000123456",
        second.left,
        f"代{second.enterprise.name}付 {second.number}",
    )
    credit(
        days[2],
        "IC20261101003",
        third.enterprise.name,
        "6228480402564890017",
        third.left,
        "租金及物业费",
    )
    balance -= Decimal("2386.50")
    rows.append(
        [
            f"{days[3]:%Y-%m-%d}",
            "IC20261101004",
            "国网江苏省电力有限公司苏州供电分公司",
            "3205018836000000021",
            "2,386.50",
            "",
            f"{balance:,.2f}",
            "电费",
        ]
    )
    credit(
        days[4],
        "IC20261101005",
        on_account.enterprise.name,
        "6217001180009876543",
        Decimal("5000.00"),
        "预付款",
    )
    credit(days[5], "IC20261101006", SUPPLIER, "3220019988776655443", Decimal("1260.00"),
           "退回多付保洁费")  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["中国工商银行 账户明细查询"])
    writer.writerow(["账号：1102 0203 0900 5566 778", f"户名：{park.name}运营有限公司"])
    writer.writerow([f"查询期间：{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}", "币种：人民币"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    writer.writerow(["合计", "", "", "", "2,386.50", "", "", ""])
    return out.getvalue().encode("gbk")


def build_bank_statement(ctx):
    park = ctx.units.get("park_a") or OrgUnit.objects.get(code="demo-park-a")
    finance = ctx.users["finance"]
    upload = SimpleUploadedFile(FILE_NAME, statement_content(park))
    job = imports_bank.bank_import_check(actor=finance, park=park, upload=upload)
    if job["status"] != imports_bank.CHECKED:
        raise RuntimeError(f"the demo statement did not pass its check: {job['errors']}")
    run = services_bank.bank_import_confirm(actor=finance, token=job["token"])
    ctx.counts["bank_lines"] = run.lines_total


def bank_summary():
    run = BankStatementImport.objects.filter(file_name=FILE_NAME).first()
    if run is None:
        return ""
    return (
        f"银行流水：{run.file_name} 收入 {run.lines_total} 笔，自动入账 {run.matched} 笔"
        f"（{run.matched_amount:,.2f} 元），待人工核对 {run.to_review} 笔（财务 finance 处理）"
    )


DEMO_STEP = DemoStep(
    "billing.bank_statement", build_bank_statement, after=(BILLS_STEP,), report=bank_summary
)
