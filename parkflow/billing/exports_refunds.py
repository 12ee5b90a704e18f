"""The refund ledger as Excel (退款与付款台账): the list's rows, scoped and filtered as on the
page (R-ORG-3), amounts as numbers with two decimals, accounts masked for whoever is not
finance of the row's park, capped; every export an audit event (R-PLT-1)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.xlsx import append_row

from .choices_refunds import RefundKind, RefundStatus
from .selectors_refunds import decorate_rows, refund_list

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000
MONEY_FORMAT = '"¥"#,##0.00'

SYSTEM_OPERATIONS = {
    "filename": "pure: the download's file name",
    "refund_workbook": "pure: writes the workbook of rows the caller already scoped",
}


def _columns():
    return [
        (_("单号"), 18),
        (_("发起时间"), 18),
        (_("园区"), 16),
        (_("企业"), 30),
        (_("类别"), 10),
        (_("金额（元）"), 16),
        (_("事由"), 30),
        (_("收款户名"), 24),
        (_("开户银行"), 24),
        (_("收款账号"), 26),
        (_("状态"), 10),
        (_("签署"), 10),
        (_("发起人"), 12),
        (_("放款时间"), 18),
    ]


def _moment(sheet, value):
    cell = WriteOnlyCell(sheet, timezone.localtime(value).replace(tzinfo=None) if value else None)
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _money(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = MONEY_FORMAT
    return cell


def refund_workbook(rows, target, actor) -> int:
    kinds, statuses = dict(RefundKind.choices), dict(RefundStatus.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("退款与付款台账"))
    columns = _columns()
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label, _width in columns:
        cell = WriteOnlyCell(sheet, str(label))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4FD1")
        cell.alignment = Alignment(vertical="center", horizontal="center")
        header.append(cell)
    append_row(sheet, header)
    count = 0
    batch = []

    def flush():
        decorate_rows(batch, actor)
        for row in batch:
            append_row(
                sheet,
                [
                    row.number,
                    _moment(sheet, row.initiated_at),
                    str(row.park),
                    row.enterprise.name,
                    str(kinds.get(row.kind, row.kind)),
                    _money(sheet, row.amount),
                    row.reason,
                    row.payee_name,
                    row.payee_bank,
                    row.account_shown,
                    str(statuses.get(row.status, row.status)),
                    f"{row.signatures_signed}/{row.signatures_required}",
                    str(row.initiated_by),
                    _moment(sheet, row.released_at),
                ],
            )
        batch.clear()

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= EXPORT_CHUNK:
            flush()
    flush()
    book.save(target)
    return count


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "", False)}


def refund_export(*, actor, filters: dict):
    """The scoped, filtered refund list as an open temporary .xlsx file (at most 50,000 rows);
    audited with the filters and the row count."""
    access.ensure_somewhere(actor, "refund.view", requirement="R-ORG-3")
    rows = refund_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = refund_workbook(rows, target, actor)
        audit.record(
            actor,
            "refund.export",
            None,
            after={"count": count, "filters": _describe(filters)},
            object_repr=_("退款与付款台账"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
