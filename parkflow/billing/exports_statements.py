"""The statement (对账单) as an Excel workbook (R-BIL-5): the park, the enterprise, the period,
the lines as issued, the totals and the closing balance in figures and in capitals (大写), and the
bills outstanding at the end. Chinese headers, money as ¥12,345.60; every text cell written
through ``core.xlsx.append_row`` (no formula injection from a description or a name). Pure: the
caller (``services_statements.statement_download``) checks access and audits."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core.xlsx import append_row

from .choices_statements import StatementLineKind
from .money import cny_in_words

SYSTEM_OPERATIONS = {
    "statement_workbook": "pure: writes the workbook of a statement the caller fetched through "
    "the access layer (statement_download checks and audits)",
}

MONEY_FORMAT = '"¥"#,##0.00;-"¥"#,##0.00'
HEADER_FILL = PatternFill("solid", fgColor="1F4FD1")


def _header(sheet, labels, widths) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    append_row(sheet, labels)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")


def _money_cells(sheet, columns) -> None:
    for column in columns:
        cell = sheet.cell(row=sheet.max_row, column=column)
        if isinstance(cell.value, Decimal | int | float):
            cell.number_format = MONEY_FORMAT


def statement_facts(statement) -> list[tuple[str, object]]:
    """The statement's header, as both documents show it."""
    return [
        (_("对账单号"), statement.number),
        (_("园区"), statement.park.name),
        (_("企业"), statement.enterprise.name),
        (_("统一社会信用代码"), statement.enterprise.credit_code),
        (_("对账期间"), statement.period_label),
        (_("出具时间"), timezone.localtime(statement.issued_at).strftime("%Y-%m-%d %H:%M")),
    ]


def statement_totals(statement) -> list[tuple[str, Decimal]]:
    return [
        (_("期初余额"), statement.opening),
        (_("本期账单"), statement.billed),
        (_("本期调增"), statement.debits),
        (_("本期调减"), statement.credits),
        (_("本期收款"), statement.received),
        (_("本期退款"), statement.refunded),
        (_("本期预收抵扣（不影响余额）"), statement.credit_applied),
        (_("期末余额"), statement.closing),
        (_("其中：未结清账单"), statement.outstanding),
        (_("减：预收余额"), statement.prepaid),
    ]


def statement_workbook(statement) -> bytes:
    kinds = dict(StatementLineKind.choices)
    book = Workbook()
    sheet = book.active
    sheet.title = _("对账单")
    append_row(sheet, [_("企业费用对账单")])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in statement_facts(statement):
        append_row(sheet, [label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    append_row(sheet, [])
    _header(
        sheet,
        [
            _("序号"),
            _("日期"),
            _("类型"),
            _("账单号"),
            _("摘要"),
            _("金额（元）"),
            _("对余额影响（元）"),
            _("余额（元）"),
        ],
        [8, 12, 12, 20, 56, 16, 18, 16],
    )
    append_row(sheet, ["", "", "", "", _("期初余额"), None, None, statement.opening])
    _money_cells(sheet, (8,))
    for line in statement.lines.order_by("position").select_related("bill"):
        append_row(
            sheet,
            [
                line.position,
                line.date,
                str(kinds.get(line.kind, line.kind)),
                line.bill.number if line.bill_id else "",
                line.description,
                line.amount,
                line.effect,
                line.balance,
            ],
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
        _money_cells(sheet, (6, 7, 8))
    append_row(sheet, [])
    for label, value in statement_totals(statement):
        append_row(sheet, ["", "", "", "", label, value])
        sheet.cell(row=sheet.max_row, column=5).font = Font(bold=True)
        _money_cells(sheet, (6,))
    if statement.advance:
        append_row(sheet, ["", "", "", "", _("减：已预付未开始账单"), statement.advance])
        _money_cells(sheet, (6,))
    append_row(sheet, ["", "", "", "", _("期末余额（大写）"), cny_in_words(statement.closing)])
    sheet.cell(row=sheet.max_row, column=5).font = Font(bold=True)

    owed = book.create_sheet(_("期末未结清账单"))
    _header(
        owed,
        [
            _("账单号"),
            _("费用名称"),
            _("计费期间"),
            _("缴费截止日"),
            _("应收（元）"),
            _("未结清（元）"),
        ],
        [20, 30, 26, 14, 16, 16],
    )
    for row in statement.outstanding_bills:
        append_row(
            owed,
            [
                row["number"],
                row["label"],
                f"{row['period_start']} 至 {row['period_end']}",
                row["due_date"],
                Decimal(row["due"]),
                Decimal(row["outstanding"]),
            ],
        )
        _money_cells(owed, (5, 6))
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()
