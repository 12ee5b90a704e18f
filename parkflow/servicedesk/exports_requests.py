"""The service-request list as Excel (R-SVC-1): the rows of the page's scoped selector with the
same filters, capped, streamed from a temporary file; every export is an audit event (R-PLT-1),
as the resource lists' exports are."""

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

from .choices import Category, Channel, RequestStatus
from .selectors_requests import request_list

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000

SYSTEM_OPERATIONS = {
    "filename": "pure: the download's file name",
    "request_workbook": "pure: writes the workbook of rows the caller already scoped",
}


def _naive(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _moment_cell(sheet, value):
    cell = WriteOnlyCell(sheet, _naive(value))
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


WIDTHS = [18, 16, 32, 10, 30, 12, 12, 14, 18, 10, 18, 40, 10]


def request_workbook(requests, target) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("服务请求"))
    labels = [
        _("提交时间"),
        _("园区"),
        _("企业"),
        _("类别"),
        _("事由"),
        _("状态"),
        _("受理渠道"),
        _("负责人"),
        _("受理时间"),
        _("转办次数"),
        _("办结时间"),
        _("处理结果"),
        _("企业评分"),
    ]
    header = []
    for index, (label, width) in enumerate(zip(labels, WIDTHS, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = WriteOnlyCell(sheet, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4FD1")
        cell.alignment = Alignment(vertical="center", horizontal="center")
        header.append(cell)
    sheet.freeze_panes = "A2"
    append_row(sheet, header)
    # Labels from dicts built once, not get_FOO_display per row.
    categories = {v: str(label) for v, label in Category.choices}
    statuses = {v: str(label) for v, label in RequestStatus.choices}
    channels = {v: str(label) for v, label in Channel.choices}
    count = 0
    for made in requests:
        append_row(
            sheet,
            [
                _moment_cell(sheet, made.submitted_at),
                str(made.park),
                made.enterprise.name,
                categories.get(made.category, made.category),
                made.title,
                statuses.get(made.status, made.status),
                channels.get(made.channel, made.channel),
                str(made.owner) if made.owner_id else "",
                _moment_cell(sheet, made.taken_at),
                made.transfer_count,
                _moment_cell(sheet, made.resolved_at),
                made.resolution,
                made.rating,
            ],
        )
        count += 1
    book.save(target)
    return count


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "", False)}


def request_export(*, actor, filters: dict):
    """The scoped, filtered request list as an open temporary .xlsx file; audited as
    ``service_request.export`` with the filters and the number of rows."""
    access.ensure_somewhere(actor, "service_request.view", requirement="R-ORG-3")
    if access.is_enterprise_user(actor):
        # The list is the park's work list: an enterprise follows its own requests in the portal.
        raise PermissionDenied("forbidden", _("您没有执行此操作的权限。"), requirement="R-ORG-3")
    rows = request_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = request_workbook(rows, target)
        audit.record(
            actor,
            "service_request.export",
            None,
            after={"count": count, "filters": _describe(filters)},
            object_repr=_("服务请求清单"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
