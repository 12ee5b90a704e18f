"""Excel export of the enterprise register (R-PLT-5). Rows come from the same scoped selector as
the list page (R-ORG-3) and every export is an audit event (R-PLT-1)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.xlsx import append_row

from .selectors import enterprise_list

CAPITAL_COLUMN = 8  # 注册资本（万元）, 1-based


SYSTEM_OPERATIONS = {
    "enterprise_workbook": "pure: builds the workbook from rows the caller already scoped",
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
        (_("客户经理"), 12, lambda e: str(e.account_manager) if e.account_manager_id else ""),
        (_("录入时间"), 18, lambda e: timezone.localtime(e.created_at).replace(tzinfo=None)),
    ]


def enterprise_workbook(enterprises) -> bytes:
    columns = _columns()
    book = Workbook()
    sheet = book.active
    sheet.title = _("企业名录")
    append_row(sheet, [label for label, _width, _get in columns])
    header_fill = PatternFill("solid", fgColor="1F4FD1")
    for index, (_label, width, _get) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    for enterprise in enterprises:
        # Through the safe writer: a name like "=HYPERLINK(…)" must stay text (core.xlsx).
        append_row(sheet, [get(enterprise) for _label, _width, get in columns])
    formats = {CAPITAL_COLUMN: "#,##0.00", len(columns): "yyyy-mm-dd hh:mm"}
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "")}


def enterprise_export(*, actor, filters: dict) -> tuple[bytes, int]:
    """The scoped, filtered register as an .xlsx file; audited as ``enterprise.export``.
    Not one transaction: building the workbook must not hold the write lock (D17); the audit
    event is its own transaction, and the file is returned only once it is written."""
    access.ensure_somewhere(actor, "enterprise.export", requirement="R-ORG-3")
    rows = list(enterprise_list(actor=actor, **filters))
    content = enterprise_workbook(rows)
    audit.record(
        actor,
        "enterprise.export",
        None,
        after={"count": len(rows), "filters": _describe(filters)},
        object_repr=_("企业名录"),
    )
    return content, len(rows)


def export_filename() -> str:
    return f"{_('企业名录')}-{clock.today():%Y%m%d}.xlsx"
