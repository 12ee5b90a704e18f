"""Excel exports of resource allocation: the request list, and the anti-favouritism analysis
for the audit committee (R-RES-5) — per staff member, repeated pairs, concentration and every
above-entitlement grant with its written justification. Rows come from the pages' scoped
selectors (R-ORG-3); every export is an audit event (R-PLT-1)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.core import access, audit, clock
from parkflow.core.xlsx import append_row

from .selectors import above_entitlement_grants, allocation_analysis, request_list, resource_list

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000

SYSTEM_OPERATIONS = {
    "filename": "pure: the download's file name",
    "request_workbook": "pure: writes the workbook of rows the caller already scoped",
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


def _audited_file(actor, code, write, *, after, label):
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = write(target)
        audit.record(actor, code, None, after={"count": count, **after}, object_repr=label)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


# ---------------------------------------------------------------------------------------------
# The catalogue (R-RES-1)


def catalogue_workbook(resources, target) -> int:
    book = Workbook(write_only=True)
    sheet = _sheet(
        book,
        _("资源目录"),
        [
            (_("园区"), 16),
            (_("资源类别"), 12),
            (_("编号"), 14),
            (_("名称"), 26),
            (_("楼栋"), 10),
            (_("楼层"), 8),
            (_("房号"), 10),
            (_("面积（平方米）"), 12),
            (_("容纳人数"), 10),
            (_("配套设备"), 30),
            (_("价值（元）"), 14),
            (_("状态"), 10),
        ],
    )
    count = 0
    for resource in resources:
        append_row(
            sheet,
            [
                str(resource.park),
                str(resource.get_kind_display()),
                resource.code,
                resource.name,
                resource.building,
                resource.floor,
                resource.number,
                resource.area,
                resource.capacity,
                resource.equipment,
                resource.value,
                str(resource.get_status_display()),
            ],
        )
        count += 1
    book.save(target)
    return count


def catalogue_export(*, actor, filters: dict):
    """The scoped, filtered catalogue as an open temporary .xlsx file; audited."""
    access.ensure_somewhere(actor, "resource.view", requirement="R-ORG-3")
    rows = resource_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    return _audited_file(
        actor,
        "resource.export",
        lambda target: catalogue_workbook(rows, target),
        after={"filters": _describe(filters)},
        label=_("资源目录"),
    )


# ---------------------------------------------------------------------------------------------
# The request list


def request_workbook(requests, target) -> int:
    book = Workbook(write_only=True)
    sheet = _sheet(
        book,
        _("资源申请"),
        [
            (_("申请时间"), 18),
            (_("园区"), 16),
            (_("企业"), 32),
            (_("资源类别"), 12),
            (_("资源"), 26),
            (_("开始时间"), 18),
            (_("结束时间"), 18),
            (_("用途"), 30),
            (_("状态"), 10),
            (_("申请渠道"), 12),
            (_("重大资源需求"), 12),
            (_("超出权益"), 10),
            (_("书面理由"), 40),
            (_("申请人"), 14),
        ],
    )
    count = 0
    for made in requests:
        append_row(
            sheet,
            [
                _moment_cell(sheet, made.created_at),
                str(made.park),
                made.enterprise.name,
                str(made.resource.get_kind_display()),
                str(made.resource),
                _moment_cell(sheet, made.starts_at),
                _moment_cell(sheet, made.ends_at),
                made.purpose,
                str(made.get_status_display()),
                str(made.get_channel_display()),
                _("是") if made.major else _("否"),
                _("是") if made.above_entitlement else _("否"),
                made.justification,
                str(made.requested_by),
            ],
        )
        count += 1
    book.save(target)
    return count


def request_export(*, actor, filters: dict):
    """The scoped, filtered request list as an open temporary .xlsx file; audited."""
    access.ensure_somewhere(actor, "resource_request.view", requirement="R-ORG-3")
    rows = request_list(actor=actor, **filters)[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK)
    return _audited_file(
        actor,
        "resource_request.export",
        lambda target: request_workbook(rows, target),
        after={"filters": _describe(filters)},
        label=_("资源申请清单"),
    )


# ---------------------------------------------------------------------------------------------
# The analysis (R-RES-5)


def _analysis_workbook(analysis, grants, target, label) -> int:
    book = Workbook(write_only=True)
    summary = _sheet(
        book,
        _("按审批人"),
        [
            (_("审批人"), 16),
            (_("分配总数"), 12),
            (_("超权益分配"), 12),
            (_("超权益比例"), 12),
            (_("获超权益分配的企业（次数）"), 60),
            (_("重复组合"), 10),
        ],
    )
    append_row(summary, [_("统计期间：%(period)s") % {"period": label}])
    for row in analysis.staff:
        rate = WriteOnlyCell(summary, row.rate)
        rate.number_format = "0.0%"
        append_row(
            summary,
            [
                row.name,
                row.total,
                row.above,
                rate,
                "；".join(f"{name}（{n}）" for _id, name, n in row.enterprises),
                _("是") if row.repeated else "",
            ],
        )
    if analysis.standing:
        append_row(summary, [_("常规审批规则（无审批人）"), analysis.standing, 0])
    pairs = _sheet(
        book, _("重复组合"), [(_("审批人"), 16), (_("企业"), 36), (_("超权益分配次数"), 16)]
    )
    for pair in analysis.pairs:
        append_row(pairs, [pair["staff"], pair["enterprise"], pair["count"]])
    share = _sheet(
        book,
        _("集中度"),
        [(_("企业"), 36), (_("超权益分配次数"), 16), (_("占比"), 10), (_("涉及审批人数"), 14)],
    )
    for company in analysis.by_enterprise:
        ratio = WriteOnlyCell(share, company["above"] / analysis.above if analysis.above else 0)
        ratio.number_format = "0.0%"
        append_row(share, [company["name"], company["above"], ratio, company["staff"]])
    top = WriteOnlyCell(share, analysis.concentration)
    top.number_format = "0.0%"
    append_row(share, [_("前三家企业合计占比"), None, top])
    detail = _sheet(
        book,
        _("超权益分配明细"),
        [
            (_("分配时间"), 18),
            (_("园区"), 16),
            (_("企业"), 32),
            (_("资源"), 26),
            (_("开始时间"), 18),
            (_("结束时间"), 18),
            (_("审批人"), 14),
            (_("书面理由"), 60),
            (_("状态"), 10),
        ],
    )
    count = 0
    for allocation in grants:
        append_row(
            detail,
            [
                _moment_cell(detail, allocation.created_at),
                str(allocation.park),
                allocation.enterprise.name,
                str(allocation.resource),
                _moment_cell(detail, allocation.starts_at),
                _moment_cell(detail, allocation.ends_at),
                str(allocation.granted_by or _("常规审批规则")),
                allocation.request.justification,
                str(allocation.get_status_display()),
            ],
        )
        count += 1
    book.save(target)
    return count


def analysis_export(*, actor, starts_at, ends_at, park=None, label=""):
    """The analysis of the period for the audit committee, in the actor's scope; audited as
    ``resource.analysis_export`` with the period and the number of grants."""
    access.ensure_somewhere(actor, "resource.analyse", requirement="R-RES-5")
    analysis = allocation_analysis(actor=actor, starts_at=starts_at, ends_at=ends_at, park=park)
    grants = above_entitlement_grants(actor=actor, starts_at=starts_at, ends_at=ends_at, park=park)[
        :EXPORT_LIMIT
    ].iterator(chunk_size=EXPORT_CHUNK)
    return _audited_file(
        actor,
        "resource.analysis_export",
        lambda target: _analysis_workbook(analysis, grants, target, label),
        after={"period": label, "park": getattr(park, "pk", None)},
        label=_("资源分配分析"),
    )


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
