"""Entering a year's State Council holiday schedule (issue 6 §3, D19).

An administrator types or uploads rows of "名称, 放假起止日期, 调休上班日…"; the page shows a preview
(what changes against what the calendar says today, provisional fallback included) and only the
confirmation goes through the one audited service, ``calendar_schedule_enter``, which replaces
that year's exceptions in one transaction, marks the year official, rebuilds the working-day index
(re-timing the running SLA clocks it moves) and re-evaluates the coverage rule so its alert closes
at once.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import access, audit, calendar, clock
from .db import service
from .errors import PermissionDenied, ValidationFailed
from .models import CalendarDay, CalendarYear
from .xlsx import append_row

REQUIREMENT = "R-CMP-3"

# Public functions of this module that do not call the access layer themselves, and why (D21;
# ``parkflow/core/tests/test_service_permissions.py`` fails on any other): pure helpers of the
# page, which the service ``calendar_schedule_enter`` checks (``may_manage``) before it writes.
SYSTEM_OPERATIONS = {
    "weekday_label": "pure helper: a weekday in Chinese",
    "date_label": "pure helper: a date in Chinese",
    "parse_text": "pure: parses the typed schedule",
    "file_to_text": "pure: reads an uploaded template into the typed form",
    "template_workbook": "pure: the empty upload template",
    "validate": "pure: the schedule's errors",
    "plan": "pure: the exceptions a schedule means",
    "preview": "read of the public calendar: what a schedule would change",
}
MAX_HOLIDAY_DAYS = 15
MAX_ROWS = 60
MAX_FILE_BYTES = 512 * 1024
TEMPLATE_HEADERS = ("名称", "放假开始日期", "放假结束日期", "调休上班日（多个用顿号分隔）")
WEEKDAYS = "一二三四五六日"

_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_LINE = re.compile(r"^第 (\d+) 行")
_SHORT_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日?")


@dataclass
class ScheduleRow:
    """One holiday of the notice: its days off and the weekend days worked in exchange."""

    name: str
    start: datetime.date
    end: datetime.date
    workdays: list[datetime.date] = field(default_factory=list)
    line: int = 0

    def days(self) -> list[datetime.date]:
        n = (self.end - self.start).days
        return [self.start + datetime.timedelta(days=i) for i in range(n + 1)]

    def as_line(self) -> str:
        span = (
            self.start.isoformat()
            if self.start == self.end
            else f"{self.start.isoformat()}~{self.end.isoformat()}"
        )
        work = " ".join(d.isoformat() for d in self.workdays)
        return f"{self.name}, {span}" + (f", {work}" if work else "")


def weekday_label(day: datetime.date) -> str:
    return f"周{WEEKDAYS[day.weekday()]}"


def date_label(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{weekday_label(day)}）"


# ---------------------------------------------------------------------------------------------
# Parsing (the page's job: syntax; the service re-checks the meaning)


def _dates_in(text: str, year: int) -> list[datetime.date]:
    """Every date written in ``text``: 2027-02-05, 2027/2/5, 2027年2月5日 or 2月5日 (this year).
    Raises ValueError naming the bad date."""
    found = []
    rest = text
    for match in _FULL_DATE.finditer(text):
        y, m, d = (int(g) for g in match.groups())
        try:
            found.append((match.start(), datetime.date(y, m, d)))
        except ValueError:
            raise ValueError(_("“%(text)s”不是有效日期") % {"text": match.group(0)}) from None
        rest = rest.replace(match.group(0), " " * len(match.group(0)), 1)
    for match in _SHORT_DATE.finditer(rest):
        m, d = (int(g) for g in match.groups())
        try:
            found.append((match.start(), datetime.date(year, m, d)))
        except ValueError:
            raise ValueError(_("“%(text)s”不是有效日期") % {"text": match.group(0)}) from None
        rest = rest.replace(match.group(0), " " * len(match.group(0)), 1)
    leftover = re.sub(r"[\s~至到—–\-、;；/]+", "", rest)
    if leftover:
        raise ValueError(_("无法识别“%(text)s”，日期请写成 2027-02-05") % {"text": leftover})
    return [day for _pos, day in sorted(found, key=lambda item: item[0])]


def parse_text(year: int, text: str) -> tuple[list[ScheduleRow], list[str]]:
    """Rows of "名称, 放假起止日期[, 调休上班日…]", one holiday a line. Returns rows and the
    errors, each naming its line."""
    rows, errors = [], []
    text = unicodedata.normalize("NFKC", text or "")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith(TEMPLATE_HEADERS[0]):
            continue
        parts = [p.strip() for p in re.split(r"[,\t]", line)]
        prefix = _("第 %(n)s 行") % {"n": number}
        if len(parts) < 2 or not parts[0] or not parts[1]:
            errors.append(
                _(
                    "%(line)s：格式应为“名称, 放假起止日期, 调休上班日”，例如“春节, 2027-02-05~2027-02-12, 2027-02-14”"
                )
                % {"line": prefix}
            )
            continue
        name = parts[0][:30]
        try:
            span = _dates_in(parts[1], year)
            workdays = [d for part in parts[2:] for d in _dates_in(part, year)]
        except ValueError as exc:
            errors.append(f"{prefix}：{exc}")
            continue
        if len(span) not in (1, 2):
            errors.append(
                _("%(line)s：放假起止日期应为一个日期或“开始~结束”两个日期") % {"line": prefix}
            )
            continue
        rows.append(ScheduleRow(name, span[0], span[-1], workdays, number))
    if len(rows) > MAX_ROWS:
        errors.append(_("一次最多录入 %(n)s 行。") % {"n": MAX_ROWS})
    return rows, errors


def _cell(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value or "").strip()


def file_to_text(upload) -> str:
    """An uploaded template (.xlsx or .csv, UTF-8 or GBK) as the text form the page parses.
    Raises ValueError with the reason in Chinese."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_FILE_BYTES:
        raise ValueError(_("文件不能超过 512 KB。"))
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            table = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ValueError(_("无法读取该 Excel 文件，请使用下载的模板（.xlsx）。")) from None
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                decoded = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("CSV 文件编码无法识别，请保存为 UTF-8。"))
        table = [[c.strip() for c in row] for row in csv.reader(io.StringIO(decoded))]
    else:
        raise ValueError(_("只支持 .xlsx 或 .csv 文件（请使用下载的模板）。"))
    if not table or list(table[0][:1]) != [TEMPLATE_HEADERS[0]]:
        raise ValueError(
            _("文件第一行应为模板表头：%(headers)s。") % {"headers": "、".join(TEMPLATE_HEADERS)}
        )
    lines = []
    for row in table[1:]:
        row = (list(row) + ["", "", "", ""])[:4]
        if not any(row):
            continue
        name, start, end, work = row
        span = f"{start}~{end}" if end and end != start else start
        # Cells may themselves hold commas: turn them into the separators the parser splits on.
        work = re.sub(r"[,，]", "、", work)
        lines.append(f"{name.replace(',', ' ')}, {span}" + (f", {work}" if work else ""))
    if not lines:
        raise ValueError(_("文件中没有数据行。"))
    return "\n".join(lines)


def template_workbook() -> bytes:
    """The upload template: headers on the first sheet, instructions and an example on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "放假安排"
    append_row(sheet, TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for column, width in zip("ABCD", (14, 16, 16, 36), strict=True):
        sheet.column_dimensions[column].width = width
    help_sheet = book.create_sheet("填写说明")
    for line in (
        ("每行一个节日，按国务院办公厅当年的放假通知填写。",),
        ("日期写成 2027-02-05；放假只有一天时结束日期可留空。",),
        ("调休上班日写在第四列，多个日期用顿号分隔；只填周六、周日。",),
        ("所有日期必须在所录入的年份内。",),
        (),
        ("示例（请勿照抄）：",),
        ("春节", "2027-02-05", "2027-02-12", "2027-02-14、2027-02-20"),
    ):
        append_row(help_sheet, line)
    help_sheet.column_dimensions["A"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Meaning: validation, the plan, the preview


def validate(year: int, rows: list[ScheduleRow]) -> list[str]:
    """Everything wrong with a year's schedule, each message naming the row."""
    errors = []
    if not 2004 <= year <= 2100:
        return [_("年份应在 2004–2100 之间。")]
    if not rows:
        return [_("请至少填写一个节日的放假安排。")]
    taken: dict[datetime.date, ScheduleRow] = {}
    workdays: dict[datetime.date, ScheduleRow] = {}
    for row in rows:
        label = _("第 %(n)s 行“%(name)s”") % {"n": row.line, "name": row.name}
        if not row.name.strip():
            errors.append(_("%(row)s：请填写名称。") % {"row": label})
        outside = [d for d in (row.start, row.end, *row.workdays) if d.year != year]
        if outside:
            errors.append(
                _("%(row)s：日期 %(date)s 不在 %(year)s 年内。")
                % {"row": label, "date": outside[0].isoformat(), "year": year}
            )
            continue
        if row.end < row.start:
            errors.append(_("%(row)s：放假结束日期早于开始日期。") % {"row": label})
            continue
        if (row.end - row.start).days + 1 > MAX_HOLIDAY_DAYS:
            errors.append(
                _("%(row)s：放假期间超过 %(n)s 天，请检查起止日期。")
                % {"row": label, "n": MAX_HOLIDAY_DAYS}
            )
            continue
        for day in row.days():
            if day in taken:
                other = taken[day]
                errors.append(
                    _("%(row)s：放假日期 %(date)s 与第 %(n)s 行“%(other)s”重叠。")
                    % {"row": label, "date": day.isoformat(), "n": other.line, "other": other.name}
                )
                break
            taken[day] = row
        for day in row.workdays:
            if day.weekday() < 5:
                errors.append(
                    _(
                        "%(row)s：调休上班日 %(date)s 是%(weekday)s，本来就是工作日（应为周六或周日）。"
                    )
                    % {"row": label, "date": day.isoformat(), "weekday": weekday_label(day)}
                )
            elif day in workdays:
                errors.append(
                    _("%(row)s：调休上班日 %(date)s 重复填写。")
                    % {"row": label, "date": day.isoformat()}
                )
            workdays[day] = row
    for day, row in workdays.items():
        if day in taken:
            errors.append(
                _("第 %(n)s 行“%(name)s”：调休上班日 %(date)s 落在“%(holiday)s”的放假期间内。")
                % {
                    "n": row.line,
                    "name": row.name,
                    "date": day.isoformat(),
                    "holiday": taken[day].name,
                }
            )
    # In the order of the lines they name, however they were found.
    return sorted(errors, key=lambda text: int(m.group(1)) if (m := _LINE.search(text)) else 0)


def plan(rows: list[ScheduleRow]) -> dict[datetime.date, tuple[bool, str]]:
    """The exceptions to a Monday–Friday week the schedule means (what ``CalendarDay`` stores)."""
    days: dict[datetime.date, tuple[bool, str]] = {}
    for row in rows:
        for day in row.days():
            if day.weekday() < 5:
                days[day] = (False, row.name)
        for day in row.workdays:
            days[day] = (True, f"{row.name}调休上班")
    return dict(sorted(days.items()))


def _current_status(year: int) -> dict[datetime.date, tuple[bool, str]]:
    """What the calendar says about the year today: stored rows, plus the fallback when the year
    is not official."""
    status = {
        d: (w, n)
        for d, w, n in CalendarDay.objects.filter(date__year=year).values_list(
            "date", "is_working_day", "name"
        )
    }
    if year not in calendar.official_years(year, year):
        for day, value in calendar.provisional_exceptions(year).items():
            status.setdefault(day, value)
    return status


@dataclass
class Preview:
    year: int
    rows: list[ScheduleRow]
    changes: list[dict]
    removed_rows: int
    added_rest: int
    added_work: int
    warnings: list[str]
    was_official: bool

    @property
    def text(self) -> str:
        return "\n".join(row.as_line() for row in self.rows)


def preview(year: int, rows: list[ScheduleRow]) -> Preview:
    """Every day whose status the schedule changes, against what the calendar says today."""
    current = _current_status(year)
    new = plan(rows)
    changes = []
    for day in sorted(set(current) | set(new)):
        before = current.get(day, (day.weekday() < 5, ""))
        after = new.get(day, (day.weekday() < 5, ""))
        if before[0] != after[0] or before[1] != after[1]:
            changes.append(
                {
                    "date": day,
                    "label": date_label(day),
                    "before_working": before[0],
                    "before_name": before[1],
                    "after_working": after[0],
                    "after_name": after[1],
                    "status_changed": before[0] != after[0],
                }
            )
    covered = {d for row in rows for d in row.days()}
    warnings = [
        _("法定节假日“%(name)s”（%(date)s）不在任何放假期间内，请核对通知。")
        % {"name": name, "date": date_label(day)}
        for day, name in (calendar.statutory_holidays(year) if year >= 2025 else ())
        if day not in covered
    ]
    stored = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
    return Preview(
        year=year,
        rows=rows,
        changes=changes,
        removed_rows=len(stored - set(new)),
        added_rest=sum(1 for c in changes if c["status_changed"] and not c["after_working"]),
        added_work=sum(1 for c in changes if c["status_changed"] and c["after_working"]),
        warnings=warnings,
        was_official=year in calendar.official_years(year, year),
    )


# ---------------------------------------------------------------------------------------------
# The service


def may_manage(user) -> bool:
    """The calendar is national: the role must be held at headquarters (an object with no park)."""
    return access.may(user, "calendar.manage")


@service
def calendar_schedule_enter(
    *, actor, year: int, rows: list[ScheduleRow], notice: str = ""
) -> CalendarYear:
    """Replace ``year``'s exceptions with the State Council schedule and mark the year official.
    One audit event; the coverage alert of that year closes in the same transaction."""
    from . import rules
    from .calendar_rules import CODE

    if not may_manage(actor):
        raise PermissionDenied(
            "forbidden",
            _("只有总部的系统管理员或专项管理办公室人员可以录入放假安排。"),
            requirement=REQUIREMENT,
        )
    errors = validate(year, rows)
    notice = (notice or "").strip()
    if len(notice) > 120:
        errors.append(_("通知文号不能超过 120 个字。"))
    if errors:
        raise ValidationFailed({"schedule": errors}, requirement=REQUIREMENT)
    record, _created = CalendarYear.objects.select_for_update(
        of=("self",), no_key=True
    ).get_or_create(year=year)
    before_days = list(
        CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day", "name")
    )
    before = {
        "source": record.source,
        "days": [[d.isoformat(), w, n] for d, w, n in before_days],
    }
    new = plan(rows)
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_working_day=working, name=name[:60])
        for day, (working, name) in new.items()
    )
    record.source = CalendarYear.Source.ENTERED
    record.notice = notice
    record.entered_by = actor
    record.entered_at = clock.now()
    record.full_clean()
    record.save()
    # The working-day index and the running SLA clocks follow the notice in this transaction.
    calendar.refresh_index()
    audit.record(
        actor,
        "calendar.schedule_enter",
        record,
        before=before,
        after={
            "source": record.source,
            "notice": notice,
            "rows": [row.as_line() for row in rows],
            "days": [[d.isoformat(), w, n] for d, (w, n) in new.items()],
        },
        reason=notice,
    )
    if CODE in rules.REGISTRY:
        rules.evaluate_object(record)
    return record
