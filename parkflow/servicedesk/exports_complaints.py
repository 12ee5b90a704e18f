"""The complaint ledger as Excel (投诉台账): the list's rows, scoped and filtered as on the page
(R-ORG-3), capped, every export an audit event (R-PLT-1)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.choices import SlaState
from parkflow.core.xlsx import append_row

from .choices import ComplaintChannel, ComplaintGrade, ComplaintStatus, ComplaintTopic
from .selectors_complaints import complaint_list

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000

SYSTEM_OPERATIONS = {
    "filename": "pure: the download's file name",
    "complaint_workbook": "pure: writes the workbook of rows the caller already scoped",
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


def _moment_cell(sheet, value):
    cell = WriteOnlyCell(sheet, _naive(value))
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _describe(filters: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in filters.items() if v not in (None, "", False)}


def complaint_workbook(complaints, target) -> int:
    labels = {
        "status": dict(ComplaintStatus.choices),
        "grade": dict(ComplaintGrade.choices),
        "topic": dict(ComplaintTopic.choices),
        "channel": dict(ComplaintChannel.choices),
        "sla": dict(SlaState.choices),
    }
    book = Workbook(write_only=True)
    sheet = _sheet(
        book,
        _("投诉台账"),
        [
            (_("接收时间"), 18),
            (_("登记时间"), 18),
            (_("园区"), 16),
            (_("投诉企业"), 30),
            (_("投诉渠道"), 12),
            (_("12345 工单号"), 16),
            (_("投诉主题"), 12),
            (_("投诉事由"), 30),
            (_("投诉人"), 12),
            (_("矩阵建议等级"), 12),
            (_("投诉等级"), 10),
            (_("状态"), 12),
            (_("首问负责人"), 14),
            (_("转办次数"), 10),
            (_("响应截止"), 18),
            (_("响应时限"), 12),
            (_("首次答复时间"), 18),
            (_("办结时间"), 18),
            (_("企业评分"), 10),
        ],
    )
    count = 0
    for row in complaints:
        append_row(
            sheet,
            [
                _moment_cell(sheet, row.received_at),
                _moment_cell(sheet, row.recorded_at),
                str(row.park),
                row.enterprise.name,
                str(labels["channel"].get(row.channel, row.channel)),
                row.hotline_ticket,
                str(labels["topic"].get(row.topic, row.topic)),
                row.title,
                row.complainant,
                str(labels["grade"].get(row.proposed_grade, row.proposed_grade)),
                str(labels["grade"].get(row.grade, row.grade)),
                str(labels["status"].get(row.status, row.status)),
                str(row.owner) if row.owner_id else "",
                row.transfer_count,
                _moment_cell(sheet, row.response_due_at),
                str(labels["sla"].get(row.response_state, "")) if row.response_state else "",
                _moment_cell(sheet, row.first_response_at),
                _moment_cell(sheet, row.resolved_at),
                row.rating,
            ],
        )
        count += 1
    book.save(target)
    return count


def complaint_export(*, actor, filters: dict):
    """The scoped, filtered complaint list as an open temporary .xlsx file (at most 50,000
    rows); audited with the filters and the row count."""
    access.ensure_somewhere(actor, "complaint.view", requirement="R-ORG-3")
    rows = complaint_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = complaint_workbook(rows, target)
        audit.record(
            actor,
            "complaint.export",
            None,
            after={"count": count, "filters": _describe(filters)},
            object_repr=_("投诉台账"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
