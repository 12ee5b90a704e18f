"""The bill and payment lists as Excel (账单清单, 收款清单, R-PLT-5): the list's rows, scoped and
filtered as on the page (R-ORG-3), capped, every export an audit event (R-PLT-1). Amounts are
numbers in yuan with two decimals (R-BIL-6), so the finance office can sum them."""

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

from .choices import BillStatus, ChargeKind, PaymentMethod, PaymentSource
from .selectors import bill_list, payment_list

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000
YUAN = "#,##0.00"

SYSTEM_OPERATIONS = {
    "filename": "pure: the download's file name",
    "bill_workbook": "pure: writes the workbook of rows the caller already scoped",
    "payment_workbook": "pure: writes the workbook of rows the caller already scoped",
}


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


def _yuan(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = YUAN
    return cell


def _date(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def _moment(sheet, value):
    cell = WriteOnlyCell(sheet, timezone.localtime(value).replace(tzinfo=None) if value else None)
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _describe(filters: dict) -> dict:
    shown = {}
    for key, value in filters.items():
        if value in (None, "", False):
            continue
        shown[key] = f"{value:%Y-%m}" if key == "month" else getattr(value, "pk", value)
    return shown


def bill_workbook(bills, target) -> int:
    status = dict(BillStatus.choices)
    kinds = dict(ChargeKind.choices)
    today = clock.today()
    book = Workbook(write_only=True)
    sheet = _sheet(
        book,
        _("账单清单"),
        [
            (_("账单号"), 18),
            (_("园区"), 16),
            (_("企业"), 30),
            (_("费用类别"), 10),
            (_("费用名称"), 20),
            (_("计费期间起"), 12),
            (_("计费期间止"), 12),
            (_("数量"), 10),
            (_("单价（元）"), 12),
            (_("应收金额（元）"), 14),
            (_("调账净额（元）"), 14),
            (_("已收金额（元）"), 14),
            (_("未收金额（元）"), 14),
            (_("缴费截止日"), 12),
            (_("逾期天数"), 10),
            (_("状态"), 10),
            (_("出账时间"), 18),
        ],
    )
    count = 0
    for bill in bills:
        late = (today - bill.due_date).days if bill.status != BillStatus.PAID else 0
        append_row(
            sheet,
            [
                bill.number,
                str(bill.park),
                bill.enterprise.name,
                str(kinds.get(bill.kind, bill.kind)),
                bill.label,
                _date(sheet, bill.period_start),
                _date(sheet, bill.period_end),
                bill.quantity,
                _yuan(sheet, bill.unit_price),
                _yuan(sheet, bill.amount),
                _yuan(sheet, bill.adjusted),
                _yuan(sheet, bill.paid),
                _yuan(sheet, bill.outstanding),
                _date(sheet, bill.due_date),
                late if late > 0 else None,
                str(status.get(bill.status, bill.status)),
                _moment(sheet, bill.issued_at),
            ],
        )
        count += 1
    book.save(target)
    return count


def payment_workbook(payments, target) -> int:
    methods = dict(PaymentMethod.choices)
    sources = dict(PaymentSource.choices)
    book = Workbook(write_only=True)
    sheet = _sheet(
        book,
        _("收款清单"),
        [
            (_("到账日期"), 12),
            (_("园区"), 16),
            (_("企业"), 30),
            (_("账单号"), 18),
            (_("费用名称"), 20),
            (_("收款金额（元）"), 14),
            (_("冲抵账单（元）"), 14),
            (_("转入预收（元）"), 14),
            (_("收款方式"), 12),
            (_("交易流水号"), 24),
            (_("登记方式"), 12),
            (_("登记人"), 12),
            (_("登记时间"), 18),
        ],
    )
    count = 0
    for payment in payments:
        append_row(
            sheet,
            [
                _date(sheet, payment.paid_on),
                str(payment.park),
                payment.enterprise.name,
                payment.bill.number,
                payment.bill.label,
                _yuan(sheet, payment.amount),
                _yuan(sheet, payment.applied),
                _yuan(sheet, payment.credited),
                str(methods.get(payment.method, payment.method)),
                payment.reference,
                str(sources.get(payment.source, payment.source)),
                str(payment.recorded_by),
                _moment(sheet, payment.recorded_at),
            ],
        )
        count += 1
    book.save(target)
    return count


def _staff_only(actor) -> None:
    access.ensure_somewhere(actor, "bill.view", requirement="R-ORG-3")
    if access.is_enterprise_user(actor):
        # The lists are the finance office's: an enterprise follows its own bills in the portal.
        raise PermissionDenied("forbidden", _("您没有执行此操作的权限。"), requirement="R-ORG-3")


def _export(actor, *, rows, write, action, title, filters):
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = write(rows[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK), target)
        audit.record(
            actor,
            action,
            None,
            after={"count": count, "filters": _describe(filters)},
            object_repr=title,
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def bill_export(*, actor, filters: dict):
    """The scoped, filtered bill list as an open temporary .xlsx file (at most 50,000 rows);
    audited with the filters and the row count."""
    _staff_only(actor)
    return _export(
        actor,
        rows=bill_list(actor=actor, **filters),
        write=bill_workbook,
        action="bill.export",
        title=_("账单清单"),
        filters=filters,
    )


def payment_export(*, actor, filters: dict):
    """The scoped, filtered payment list as an open temporary .xlsx file; audited."""
    _staff_only(actor)
    return _export(
        actor,
        rows=payment_list(actor=actor, **filters),
        write=payment_workbook,
        action="payment.export",
        title=_("收款清单"),
        filters=filters,
    )


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
