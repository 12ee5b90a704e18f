"""Excel export of the agreement ledger (协议台账). Rows come from the list page's scoped
selector (R-ORG-3), are streamed into a write-only workbook on disk in chunks (no build of
thousands of rows in memory), and every export is an audit event (R-PLT-1)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.xlsx import append_row

from .selectors import agreement_list

EXPORT_CHUNK = 2000
# The most rows one export writes: the ledger of a group of parks fits; past it, filter.
EXPORT_LIMIT = 50_000

SYSTEM_OPERATIONS = {
    "agreement_workbook": "pure: writes the workbook of rows the caller already scoped",
    "export_filename": "pure: the download's file name",
}


def _columns():
    return [
        (_("协议编号"), 20, lambda a: a.number),
        (_("版本"), 8, lambda a: a.version),
        (_("协议名称"), 30, lambda a: a.title),
        (_("企业"), 32, lambda a: a.enterprise.name),
        (_("统一社会信用代码"), 22, lambda a: a.enterprise.credit_code),
        (_("园区"), 18, lambda a: str(a.park)),
        (_("协议类型"), 16, lambda a: str(a.get_kind_display())),
        (_("状态"), 14, lambda a: str(a.get_status_display())),
        (_("起始日期"), 12, lambda a: a.start_date),
        (_("终止日期"), 12, lambda a: a.end_date),
        (_("签署日期"), 12, lambda a: a.signed_on),
        (_("起草时间"), 18, lambda a: timezone.localtime(a.created_at).replace(tzinfo=None)),
    ]


DATE_COLUMNS = (9, 10, 11)
DATETIME_COLUMN = 12


def agreement_workbook(agreements, target) -> int:
    """Write the rows to ``target`` (a binary file); returns how many were written."""
    columns = _columns()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("协议台账"))
    for index, (_label, width, _get) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label, _width, _get in columns:
        cell = WriteOnlyCell(sheet, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4FD1")
        cell.alignment = Alignment(vertical="center", horizontal="center")
        header.append(cell)
    append_row(sheet, header)
    count = 0
    for agreement in agreements:
        values = []
        for index, (_label, _width, get) in enumerate(columns, start=1):
            value = get(agreement)
            if index in DATE_COLUMNS or index == DATETIME_COLUMN:
                value = WriteOnlyCell(sheet, value)
                value.number_format = (
                    "yyyy-mm-dd hh:mm" if index == DATETIME_COLUMN else "yyyy-mm-dd"
                )
            values.append(value)
        append_row(sheet, values)  # the safe writer: "=…" titles stay text (core.xlsx)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    book.save(target)
    return count


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "")}


def agreement_export(*, actor, filters: dict):
    """The scoped, filtered ledger as an open temporary .xlsx file (deleted when closed) and
    its row count; audited as ``agreement.export``. Not one transaction: writing the file must
    not hold a write lock; the audit event is written once the file is."""
    access.ensure_somewhere(actor, "agreement.export", requirement="R-ORG-3")
    rows = agreement_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = agreement_workbook(rows, target)
        audit.record(
            actor,
            "agreement.export",
            None,
            after={"count": count, "filters": _describe(filters)},
            object_repr=_("协议台账"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def export_filename() -> str:
    return f"{_('协议台账')}-{clock.today():%Y%m%d}.xlsx"
