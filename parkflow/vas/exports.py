"""The order ledger as Excel (增值服务订单): the list's rows, scoped and filtered as on the page
(R-ORG-3), capped, every export an audit event (R-PLT-1)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.errors import PermissionDenied
from parkflow.core.xlsx import append_row

from .choices import OrderChannel, OrderStatus
from .selectors import order_list

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000

SYSTEM_OPERATIONS = {
    "filename": "pure: the download's file name",
    "order_workbook": "pure: writes the workbook of rows the caller already scoped",
}


def _naive(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _sheet(book, title, columns):
    sheet = book.create_sheet(title)
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label, _width in columns:
        cell = WriteOnlyCell(sheet, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4FD1")
        cell.alignment = Alignment(vertical="center", horizontal="center")
        header.append(cell)
    append_row(sheet, header)
    return sheet


def _moment(sheet, value):
    cell = WriteOnlyCell(sheet, _naive(value))
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _money(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = "#,##0.00"
    return cell


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "", False)}


def order_workbook(orders, target) -> int:
    status = dict(OrderStatus.choices)
    channel = dict(OrderChannel.choices)
    book = Workbook(write_only=True)
    sheet = _sheet(
        book,
        _("增值服务订单"),
        [
            (_("下单时间"), 18),
            (_("园区"), 16),
            (_("企业"), 30),
            (_("服务"), 20),
            (_("需求说明"), 30),
            (_("下单渠道"), 14),
            (_("数量"), 8),
            (_("单位"), 8),
            (_("单价（元）"), 12),
            (_("金额（元）"), 14),
            (_("状态"), 14),
            (_("企业确认时间"), 18),
            (_("服务负责人"), 12),
            (_("完成时间"), 18),
            (_("计费时间"), 18),
            (_("服务质量评分"), 12),
            (_("评价"), 30),
        ],
    )
    count = 0
    for row in orders:
        append_row(
            sheet,
            [
                _moment(sheet, row.placed_at),
                str(row.park),
                row.enterprise.name,
                row.service.name,
                row.note,
                str(channel.get(row.channel, row.channel)),
                row.quantity,
                row.service.unit,
                _money(sheet, row.unit_price),
                _money(sheet, row.amount),
                str(status.get(row.status, row.status)),
                _moment(sheet, row.confirmed_at),
                str(row.handler) if row.handler_id else "",
                _moment(sheet, row.completed_at),
                _moment(sheet, row.billed_at),
                row.rating,
                row.rating_comment,
            ],
        )
        count += 1
    book.save(target)
    return count


def order_export(*, actor, filters: dict):
    """The scoped, filtered order list as an open temporary .xlsx file (at most 50,000 rows);
    audited with the filters and the row count."""
    access.ensure_somewhere(actor, "vas_order.view", requirement="R-ORG-3")
    if access.is_enterprise_user(actor):
        # The ledger is the park's: an enterprise follows its own orders in the portal.
        raise PermissionDenied("forbidden", _("您没有执行此操作的权限。"), requirement="R-ORG-3")
    rows = order_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = order_workbook(rows, target)
        audit.record(
            actor,
            "vas_order.export",
            None,
            after={"rows": count, "filters": _describe(filters)},
            object_repr=_("增值服务订单"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
