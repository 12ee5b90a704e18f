"""Excel export of the enterprise register (R-PLT-5). Rows come from the same scoped selector as
the list page (R-ORG-3) and every export is an audit event (R-PLT-1)."""

import io
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.xlsx import append_row

from .selectors import enterprise_list

CAPITAL_COLUMN = 8  # 注册资本（万元）, 1-based
ESTABLISHED_COLUMN = 14  # 成立日期
EXPORT_CHUNK = 2000


SYSTEM_OPERATIONS = {
    "enterprise_workbook": "pure: writes the workbook of rows the caller already scoped",
    "export_filename": "pure: the download's file name",
}


def _columns():
    return [
        (_("企业名称"), 34, lambda e: e.name),
        (_("统一社会信用代码"), 22, lambda e: e.credit_code),
        (_("园区"), 18, lambda e: str(e.park)),
        (_("状态"), 12, lambda e: str(e.get_status_display())),
        (_("客户等级"), 10, lambda e: str(e.get_grade_display())),
        (_("行业"), 16, lambda e: str(e.get_industry_display())),
        (_("法定代表人"), 12, lambda e: e.legal_representative),
        (_("注册资本（万元）"), 16, lambda e: e.registered_capital),
        (_("联系人"), 12, lambda e: e.contact_name),
        (_("联系电话"), 16, lambda e: e.contact_phone),
        (_("联系邮箱"), 24, lambda e: e.contact_email),
        (_("入驻地址"), 30, lambda e: e.address),
        # 营业执照信息 (issue 13), under the headers the register import reads back.
        (_("类型"), 26, lambda e: e.company_type),
        (_("成立日期"), 12, lambda e: e.established_on),
        (_("住所"), 34, lambda e: e.registered_address),
        (_("经营范围"), 60, lambda e: e.business_scope),
        (_("客户经理"), 12, lambda e: str(e.account_manager) if e.account_manager_id else ""),
        (_("录入时间"), 18, lambda e: timezone.localtime(e.created_at).replace(tzinfo=None)),
    ]


def enterprise_workbook(enterprises, target=None):
    """Write the register to ``target`` (a binary file) as a write-only workbook: rows are
    streamed to disk as they come, so 10,000 enterprises cost no more memory than ten (issue 7
    §6). Without a target the file's bytes are returned."""
    columns = _columns()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("企业名录"))
    for index, (_label, width, _get) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4FD1")
    centred = Alignment(vertical="center", horizontal="center")
    header = []
    for label, _width, _get in columns:
        cell = WriteOnlyCell(sheet, label)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, centred
        header.append(cell)
    append_row(sheet, header)
    formats = {
        CAPITAL_COLUMN: "#,##0.00",
        ESTABLISHED_COLUMN: "yyyy-mm-dd",
        len(columns): "yyyy-mm-dd hh:mm",
    }
    count = 0
    for enterprise in enterprises:
        values = []
        for index, (_label, _width, get) in enumerate(columns, start=1):
            value = get(enterprise)
            if index in formats:
                value = WriteOnlyCell(sheet, value)
                value.number_format = formats[index]
            values.append(value)
        # Through the safe writer: a name like "=HYPERLINK(…)" must stay text (core.xlsx).
        append_row(sheet, values)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    if target is None:
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    book.save(target)
    return count


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "")}


def enterprise_export(*, actor, filters: dict):
    """The scoped, filtered register as an .xlsx file; audited as ``enterprise.export``.
    Returns an open temporary file (read from its start, deleted when closed) and the row count.
    Rows are read in chunks and streamed into a write-only workbook on disk: no 10,000-row build
    in memory inside the request (issue 7 §6). Not one transaction: building the workbook must
    not hold the write lock (D17); the audit event is its own transaction, and the file is
    returned only once it is written."""
    access.ensure_somewhere(actor, "enterprise.export", requirement="R-ORG-3")
    rows = enterprise_list(actor=actor, **filters).iterator(chunk_size=EXPORT_CHUNK)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = enterprise_workbook(rows, target)
        audit.record(
            actor,
            "enterprise.export",
            None,
            after={"count": count, "filters": _describe(filters)},
            object_repr=_("企业名录"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def export_filename() -> str:
    return f"{_('企业名录')}-{clock.today():%Y%m%d}.xlsx"
