"""Reading the enterprise register a park keeps in Excel (R-PLT-5).

A park adopting ParkFlow brings its ledger: one sheet of enterprises and one of emergency contacts
(R-ORG-6). This module reads and checks a workbook without writing anything; the services in
``services.py`` import a checked file all or nothing. Columns are found by their Chinese header,
so the template, an edited copy of it and the register's own Excel export all read the same way.
"""

import datetime
import decimal
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parkflow.core import clock
from parkflow.core.errors import ValidationFailed
from parkflow.core.xlsx import append_row
from parkflow.org.models import EmergencyContact, OrgUnit

from .choices import EnterpriseGrade, EnterpriseStatus, Industry
from .models import Enterprise

ENTERPRISE_SHEET = _lazy("企业名录")
CONTACT_SHEET = _lazy("应急联系人")
GUIDE_SHEET = _lazy("填写说明")
MAX_ERRORS_KEPT = 500
IMPORTABLE_STATUSES = (EnterpriseStatus.PROSPECT, EnterpriseStatus.RESIDENT)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    width: int = 16
    note: str = ""
    # Other headers a park's own ledger may use for the same column (住所 / 注册地址).
    aliases: tuple[str, ...] = ()


def _enterprise_columns() -> list[Column]:
    return [
        Column(_("企业名称"), "name", True, 34),
        Column(_("统一社会信用代码"), "credit_code", True, 22, _("18位，校验位按 GB 32100 核对")),
        Column(_("园区"), "park", True, 18, _("须为系统中已有、您有权导入的园区名称")),
        Column(_("状态"), "status", False, 10, _("意向 或 在园；留空为意向")),
        Column(_("入驻日期"), "admitted_on", False, 14, _("在园企业必填，不晚于今天")),
        Column(_("客户等级"), "grade", False, 10, _("重点客户、A级、B级、C级；留空为B级")),
        Column(_("行业"), "industry", True, 16),
        Column(_("法定代表人"), "legal_representative", True, 12),
        Column(_("注册资本（万元）"), "registered_capital", True, 16, _("数字，不小于0")),
        Column(_("联系人"), "contact_name", True, 12),
        Column(_("联系电话"), "contact_phone", True, 16),
        Column(_("联系邮箱"), "contact_email", False, 24),
        Column(_("入驻地址"), "address", False, 30, _("企业在园区内的办公或生产单元")),
        # 营业执照信息 (issue 13): optional; the register's export writes them under these headers.
        Column(
            _("类型"),
            "company_type",
            False,
            26,
            _("按营业执照填写，如 有限责任公司（自然人投资或控股）"),
            (_("企业类型"), _("公司类型")),
        ),
        Column(
            _("成立日期"),
            "established_on",
            False,
            14,
            _("如 2019-03-12 或 2019年3月12日，不晚于今天"),
            (_("注册日期"),),
        ),
        Column(
            _("住所"),
            "registered_address",
            False,
            34,
            _("营业执照上登记的住所；园区内的单元填在“入驻地址”"),
            (_("住所（执照登记）"), _("注册地址")),
        ),
        Column(_("经营范围"), "business_scope", False, 60, _("按营业执照原文填写，最多 2000 字")),
    ]


def _contact_columns() -> list[Column]:
    return [
        Column(_("单位"), "unit", True, 24, _("园区或部门名称，须为系统中已有的单位")),
        Column(_("姓名"), "name", True, 12),
        Column(_("职务"), "title", False, 16),
        Column(_("电话"), "phone", True, 18),
    ]


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class EnterpriseRow:
    row: int
    park: OrgUnit
    values: dict
    status: str
    admitted_on: datetime.date | None


@dataclass
class ContactRow:
    row: int
    unit: OrgUnit
    values: dict


@dataclass
class Ledger:
    """What a workbook says, once read and checked."""

    enterprises: list[EnterpriseRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, sheet, row, column, message) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(str(sheet), row, str(column), str(message)))

    @property
    def residents(self) -> int:
        return sum(1 for r in self.enterprises if r.status == EnterpriseStatus.RESIDENT)


class UnreadableWorkbook(Exception):
    """The file is not a workbook this import can read; the message says why, in Chinese."""


# ---------------------------------------------------------------------------------------------
# The template


def template_workbook(parks: list[OrgUnit]) -> bytes:
    """The empty ledger with Chinese headers, drop-down lists and a sheet of instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(ENTERPRISE_SHEET)
    _write_header(sheet, _enterprise_columns())
    lists = {
        "park": [p.name for p in parks],
        "status": [str(s.label) for s in IMPORTABLE_STATUSES],
        "grade": [str(label) for label in EnterpriseGrade.labels],
        "industry": [str(label) for label in Industry.labels],
    }
    for index, column in enumerate(_enterprise_columns(), start=1):
        options = lists.get(column.key)
        if options and len(",".join(options)) < 250:  # Excel's limit for an inline list
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list", formula1='"{}"'.format(",".join(options)), allow_blank=True
            )
            validation.error = _("请从下拉列表中选择。")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}10001")
    contacts = book.create_sheet(str(CONTACT_SHEET))
    _write_header(contacts, _contact_columns())
    guide = book.create_sheet(str(GUIDE_SHEET))
    append_row(guide, [_("工作表"), _("列"), _("是否必填"), _("说明")])
    for sheet_name, columns in (
        (ENTERPRISE_SHEET, _enterprise_columns()),
        (CONTACT_SHEET, _contact_columns()),
    ):
        for column in columns:
            append_row(
                guide,
                [str(sheet_name), column.header, _("必填") if column.required else "", column.note],
            )
    append_row(guide, [])
    append_row(guide, [_("可选园区"), "、".join(lists["park"])])
    append_row(guide, [_("可选行业"), "、".join(lists["industry"])])
    append_row(guide, [_("可选客户等级"), "、".join(lists["grade"])])
    for letter, width in zip("ABCD", (14, 20, 10, 60), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_header(sheet, columns: list[Column]) -> None:
    fill = PatternFill("solid", fgColor="1F4FD1")
    append_row(sheet, [f"{c.header}*" if c.required else c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


# ---------------------------------------------------------------------------------------------
# Reading


def _header_key(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return re.sub(r"[\s*＊]", "", text).replace("(", "（").replace(")", "）")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise ValueError
    return datetime.date(*(int(part) for part in match.groups()))


def _decimal(value) -> decimal.Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return decimal.Decimal(str(value))
    text = unicodedata.normalize("NFKC", _text(value)).replace(",", "")
    return decimal.Decimal(text)


def _rows(sheet, columns: list[Column]) -> Iterator[tuple[int, dict]]:
    """(Excel row number, {key: raw value}) for every non-empty row under the header."""
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    wanted = {_header_key(name): c for c in columns for name in (c.header, *c.aliases)}
    positions = {}
    for index, title in enumerate(header):
        column = wanted.get(_header_key(title))
        if column is not None and column.key not in positions:
            positions[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise UnreadableWorkbook(
            _("工作表“%(sheet)s”缺少必填列：%(columns)s。请使用导入模板。")
            % {"sheet": sheet.title, "columns": "、".join(missing)}
        )
    for number, values in enumerate(rows, start=2):
        raw = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        yield number, raw


def read_ledger(
    content: bytes,
    *,
    parks: dict[str, OrgUnit],
    units: dict[str, OrgUnit],
    max_rows: int,
    progress: Callable[[int], None] | None = None,
) -> Ledger:
    """Read and check every row; nothing is written. ``parks`` are the parks the importer may
    import into and ``units`` the units whose contacts he may manage, both by name."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableWorkbook(_("文件无法读取：请上传 Excel 工作簿（.xlsx）。")) from None
    ledger = Ledger()
    try:
        names = {_header_key(n): n for n in book.sheetnames}
        enterprise_sheet = names.get(_header_key(ENTERPRISE_SHEET)) or book.sheetnames[0]
        _read_enterprises(book[enterprise_sheet], ledger, parks, max_rows, progress)
        contact_sheet = names.get(_header_key(CONTACT_SHEET))
        if contact_sheet:
            _read_contacts(book[contact_sheet], ledger, units, max_rows)
    finally:
        book.close()
    if not ledger.enterprises and not ledger.contacts and not ledger.error_count:
        raise UnreadableWorkbook(_("文件中没有可导入的数据行。"))
    _check_duplicates_in_database(ledger)
    return ledger


def _choice(text: str, choices) -> str | None:
    for value, label in choices.choices:
        if text in (str(label), value):
            return value
    return None


def _read_enterprises(sheet, ledger, parks, max_rows, progress) -> None:
    columns = {c.key: c.header for c in _enterprise_columns()}
    seen_codes: dict[str, int] = {}
    today = clock.today()
    for count, (number, raw) in enumerate(_rows(sheet, _enterprise_columns()), start=1):
        if count > max_rows:
            raise UnreadableWorkbook(
                _("每次最多导入 %(n)s 家企业，请拆分文件。") % {"n": f"{max_rows:,}"}
            )
        if progress and count % 250 == 0:
            progress(count)
        errors_before = ledger.error_count

        def error(key, message, number=number):
            ledger.add_error(sheet.title, number, columns[key], message)

        values = {}
        for key in (
            "name",
            "credit_code",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "company_type",
            "registered_address",
            "business_scope",
        ):
            values[key] = _text(raw.get(key))
        if _text(raw.get("established_on")):
            try:
                values["established_on"] = _date(raw["established_on"])
            except (ValueError, TypeError):
                error("established_on", _("日期格式不正确，应为 2019-03-12 或 2019年3月12日。"))
        park = parks.get(_text(raw.get("park")))
        if not _text(raw.get("park")):
            error("park", _("必填。"))
        elif park is None:
            error(
                "park", _("园区“%(name)s”不存在或您无权向其导入。") % {"name": _text(raw["park"])}
            )
        status_text = _text(raw.get("status"))
        status = (
            _choice(status_text, EnterpriseStatus) if status_text else EnterpriseStatus.PROSPECT
        )
        if status not in IMPORTABLE_STATUSES:
            error("status", _("只能导入“意向”或“在园”企业；其他状态须在系统中办理。"))
        admitted_on = None
        if _text(raw.get("admitted_on")):
            try:
                admitted_on = _date(raw["admitted_on"])
            except (ValueError, TypeError):
                error("admitted_on", _("日期格式不正确，应为 2024-03-01 或 2024年3月1日。"))
            else:
                if admitted_on > today:
                    error("admitted_on", _("入驻日期不能晚于今天。"))
        elif status == EnterpriseStatus.RESIDENT:
            error("admitted_on", _("在园企业须填写原入驻日期。"))
        grade_text = _text(raw.get("grade"))
        values["grade"] = _choice(grade_text, EnterpriseGrade) if grade_text else "b"
        if values["grade"] is None:
            error("grade", _("客户等级“%(v)s”不存在。") % {"v": grade_text})
        industry_text = _text(raw.get("industry"))
        values["industry"] = _choice(industry_text, Industry) if industry_text else ""
        if industry_text and values["industry"] is None:
            error("industry", _("行业“%(v)s”不在可选范围内。") % {"v": industry_text})
        capital = raw.get("registered_capital")
        if _text(capital):
            try:
                values["registered_capital"] = _decimal(capital)
            except (decimal.InvalidOperation, ValueError):
                error("registered_capital", _("注册资本应为数字（万元）。"))
        _check_model(ledger, sheet.title, number, values, columns, error)
        code = values.get("credit_code", "")
        if code:
            if code in seen_codes:
                error(
                    "credit_code",
                    _("与第 %(row)s 行的统一社会信用代码重复。") % {"row": seen_codes[code]},
                )
            else:
                seen_codes[code] = number
        if ledger.error_count == errors_before and park is not None:
            ledger.enterprises.append(
                EnterpriseRow(number, park, _drop_none(values), status, admitted_on)
            )


def _drop_none(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def _check_model(ledger, sheet, number, values, columns, error) -> None:
    """Run the model's own validators (credit code check digit, phone, e-mail, lengths) on an
    unsaved row, the same ones the service runs when the row is imported."""
    from .services import enterprise_input

    try:
        cleaned = enterprise_input(values)
    except ValidationFailed as exc:  # the service's own input cleaning refused a cell
        for key, messages in exc.errors.items():
            for message in messages:
                error(key if key in columns else "name", message)
        return
    values.update(cleaned)
    candidate = Enterprise(**{k: v for k, v in cleaned.items() if v is not None})
    try:
        candidate.full_clean(
            exclude=["park", "status", "created_at", "updated_at", "status_changed_at"],
            validate_unique=False,  # checked for the whole file at once
            validate_constraints=False,  # a query per row; the field validators say the same
        )
    except ValidationError as exc:
        for key, messages in _messages(exc).items():
            for message in messages:
                error(key if key in columns else "name", message)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    """Field errors in the import's words: a blank required cell says "必填"."""
    found = {}
    for key, errors in exc.error_dict.items():
        found[key] = [
            _("必填。") if e.code in ("blank", "null", "required") else " ".join(e.messages)
            for e in errors
        ]
    return found


def _check_duplicates_in_database(ledger: Ledger) -> None:
    """A code already registered is refused whichever park holds it; the name is shown only
    when the importer may see that enterprise, so the check leaks nothing else."""
    codes = {row.values["credit_code"]: row for row in ledger.enterprises}
    if not codes:
        return
    taken = set(
        Enterprise.objects.filter(credit_code__in=list(codes)).values_list("credit_code", flat=True)
    )
    if not taken:
        return
    header = next(c.header for c in _enterprise_columns() if c.key == "credit_code")
    kept = []
    for row in ledger.enterprises:
        if row.values["credit_code"] in taken:
            ledger.add_error(
                ENTERPRISE_SHEET, row.row, header, _("该统一社会信用代码已在系统中登记。")
            )
        else:
            kept.append(row)
    ledger.enterprises = kept


def _read_contacts(sheet, ledger, units, max_rows) -> None:
    columns = {c.key: c.header for c in _contact_columns()}
    for count, (number, raw) in enumerate(_rows(sheet, _contact_columns()), start=1):
        if count > max_rows:
            raise UnreadableWorkbook(
                _("每次最多导入 %(n)s 位应急联系人，请拆分文件。") % {"n": f"{max_rows:,}"}
            )
        errors_before = ledger.error_count
        unit_name = _text(raw.get("unit"))
        unit = units.get(unit_name)
        if not unit_name:
            ledger.add_error(sheet.title, number, columns["unit"], _("必填。"))
        elif unit is None:
            ledger.add_error(
                sheet.title,
                number,
                columns["unit"],
                _("单位“%(name)s”不存在或您无权管理其应急联系人。") % {"name": unit_name},
            )
        values = {key: _text(raw.get(key)) for key in ("name", "title", "phone")}
        candidate = EmergencyContact(confirmed_at=clock.now(), **values)
        try:
            candidate.full_clean(exclude=["unit", "park", "confirmed_at", "confirmed_by"])
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    ledger.add_error(
                        sheet.title, number, columns.get(key, columns["name"]), message
                    )
        if ledger.error_count == errors_before and unit is not None:
            ledger.contacts.append(ContactRow(number, unit, values))
