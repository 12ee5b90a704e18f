"""Import of the agreements a park signed before ParkFlow, from its Excel ledger (R-PLT-5).

One row per agreement. The upload is checked in full first (``agreement_import_check``): every
error is listed with its row and column, in Chinese, and nothing is written; a clean file is kept
(server-side name, SHA-256) for the importer to confirm. The confirmation checks the file again
and writes every row in one transaction (``agreement_import_rows``): one bad row, or a number
taken meanwhile, and nothing is imported. A file of more than ``BACKGROUND_FROM`` rows is
imported by the worker, its progress shown on the page (like the register import).

Imported agreements are signed and ``migrated``: they predate the legal review, so they are
shown as 历史导入，未经审查 until someone reviews them; their scans may follow (the model's check
constraint allows a signed migrated agreement without one). The job's state lives in huey's
store (shared by the web and the worker), keyed by a random token and bound to its importer.
"""

import datetime
import decimal
import hashlib
import io
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from parkflow.core.xlsx import append_row
from parkflow.enterprises.models import Enterprise
from parkflow.org.models import OrgUnit

from .choices import AgreementKind, AgreementStatus, FeeKind, FeePeriod
from .models import Agreement, FeeLine, yuan

logger = logging.getLogger(__name__)

ACTION = "agreement.import"
SHEET = "历史协议"
XLSX_MAGIC = b"PK\x03\x04"
BACKGROUND_FROM = 200  # more rows than this: imported by the worker, progress shown
MAX_ERRORS_KEPT = 500
PREVIEW_ROWS = 50

CHECKED, INVALID, RUNNING, DONE, FAILED = "checked", "invalid", "running", "done", "failed"
STATUS_LABELS = {
    CHECKED: "检查通过，待确认导入",
    INVALID: "检查未通过",
    RUNNING: "正在导入",
    DONE: "已导入",
    FAILED: "导入失败",
}

# Public functions that do not call the access layer themselves, and why (D21).
SYSTEM_OPERATIONS = {
    "template_workbook": "builds an empty workbook from the parks it is given",
    "read_agreements": "reads and checks bytes against the parks it is given; writes nothing",
    "job_view": "formats a job the caller got through import_job_get_for_user",
    "import_job_get_for_user": "the importer's own jobs only (bound to actor.pk): another "
    "user's is NotFound",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    note: str = ""


COLUMNS = (
    Column("number", "协议编号", True, 18, "原协议编号，不得与系统中已有的重复"),
    Column("credit_code", "企业统一社会信用代码", True, 22, "企业须已在系统中建档"),
    Column("kind", "协议类型", True, 16, "入驻服务协议、物业服务协议或增值服务协议"),
    Column("title", "协议名称", True, 34),
    Column("start_date", "起始日期", True, 13, "如 2024-03-01 或 2024年3月1日"),
    Column("end_date", "终止日期", True, 13, "不早于起始日期"),
    Column("signed_on", "签署日期", True, 13, "不晚于今天"),
    Column("enterprise_signatory", "企业方签署人", False, 14),
    Column("monthly_rent", "月租金（元）", False, 14, "数字，最多两位小数；填写则生成按月租金"),
    Column("area", "租赁面积（平方米）", False, 16, "数字；随月租金记录"),
    Column("note", "备注", False, 30, "记入导入审计"),
)
HEADERS = {c.key: c.header for c in COLUMNS}


class UnreadableWorkbook(ValidationFailed):
    def __init__(self, message):
        super().__init__({"file": [message]}, requirement="R-PLT-5")


# ---------------------------------------------------------------------------------------------
# The template


def template_workbook(parks) -> bytes:
    """The empty ledger: Chinese headers (* required), the kinds as a drop-down, and a sheet
    of instructions listing the parks the importer may import into."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    append_row(sheet, [f"{c.header}*" if c.required else c.header for c in COLUMNS])
    fill = PatternFill("solid", fgColor="1F4FD1")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    kinds = [str(label) for label in AgreementKind.labels]
    letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == "kind"))
    validation = DataValidation(type="list", formula1='"{}"'.format(",".join(kinds)))
    validation.error = _("请从下拉列表中选择。")
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}10001")
    guide = book.create_sheet(_("填写说明"))
    append_row(guide, [_("列"), _("是否必填"), _("说明")])
    for column in COLUMNS:
        append_row(guide, [column.header, _("必填") if column.required else "", column.note])
    append_row(guide, [])
    append_row(guide, [_("可导入的园区"), "、".join(p.name for p in parks)])
    append_row(
        guide,
        [_("导入后"), "", _("协议记为“已签署”并标注“历史导入，未经审查”，签署扫描件可稍后补传。")],
    )
    for letter, width in zip("ABC", (22, 10, 60), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading and checking


@dataclass
class Row:
    row: int
    park: OrgUnit
    enterprise: Enterprise
    values: dict  # number, kind, title, start_date, end_date, signed_on, enterprise_signatory
    monthly_rent: decimal.Decimal | None
    area: decimal.Decimal | None
    note: str


@dataclass
class Ledger:
    rows: list
    errors: list  # {"row", "column", "message"}
    error_count: int = 0

    def error(self, row: int, key: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"row": row, "column": HEADERS[key], "message": str(message)})


def _header_key(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return re.sub(r"[\s*＊]", "", text).replace("(", "（").replace(")", "）")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", _text(value))
    if not match:
        raise ValueError(value)
    return datetime.date(*(int(part) for part in match.groups()))


def _amount(value) -> decimal.Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = decimal.Decimal(str(value))
    else:
        number = decimal.Decimal(_text(value).replace(",", "").replace("¥", "").replace("￥", ""))
    if not number.is_finite() or number < 0 or abs(number) >= decimal.Decimal("1e10"):
        raise ValueError(value)
    return number


def _kind(text: str) -> str | None:
    for value, label in AgreementKind.choices:
        if text in (str(label), value, str(label).removesuffix("协议")):
            return value
    return None


def _rows(content: bytes, max_rows: int):
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableWorkbook(_("文件无法读取：请上传 Excel 工作簿（.xlsx）。")) from None
    try:
        names = {_header_key(n): n for n in book.sheetnames}
        sheet = book[names.get(_header_key(SHEET)) or book.sheetnames[0]]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        wanted = {_header_key(c.header): c.key for c in COLUMNS}
        positions = {}
        for index, title in enumerate(header):
            key = wanted.get(_header_key(title))
            if key and key not in positions:
                positions[key] = index
        missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
        if missing:
            raise UnreadableWorkbook(
                _("缺少必填列：%(columns)s。请使用导入模板。") % {"columns": "、".join(missing)}
            )
        found = []
        for number, values in enumerate(rows, start=2):
            raw = {k: values[i] if i < len(values) else None for k, i in positions.items()}
            if all(_text(v) == "" for v in raw.values()):
                continue
            if len(found) >= max_rows:
                raise UnreadableWorkbook(
                    _("每次最多导入 %(n)s 份协议，请拆分文件。") % {"n": f"{max_rows:,}"}
                )
            found.append((number, raw))
        return found
    finally:
        book.close()


def read_agreements(content: bytes, *, parks, max_rows: int) -> Ledger:
    """Read and check every row against the database; nothing is written. ``parks``: the parks
    the importer may import into. Every problem of a row is listed, naming its column."""
    raw_rows = _rows(content, max_rows)
    if not raw_rows:
        raise UnreadableWorkbook(_("文件中没有可导入的数据行。"))
    park_ids = {p.pk: p for p in parks}
    codes = {_text(raw.get("credit_code")).upper() for _, raw in raw_rows}
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=codes - {""}).select_related("park")
    }
    numbers = {_text(raw.get("number")) for _, raw in raw_rows}
    taken = set(
        Agreement.objects.filter(number__in=numbers - {""}).values_list("number", flat=True)
    )
    ledger = Ledger(rows=[], errors=[])
    seen: dict[str, int] = {}
    today = clock.today()
    for number, raw in raw_rows:
        before = ledger.error_count

        def error(key, message, number=number):
            ledger.error(number, key, message)

        values = {}
        for key, limit in (("number", 30), ("title", 120), ("enterprise_signatory", 60)):
            values[key] = _text(raw.get(key))
            if len(values[key]) > limit:
                error(key, _("不能超过 %(n)s 个字。") % {"n": limit})
        for key in ("number", "title"):
            if not values[key]:
                error(key, _("必填。"))
        agreement_number = values["number"]
        if agreement_number:
            if agreement_number in seen:
                error(
                    "number",
                    _("与第 %(row)s 行的协议编号重复。") % {"row": seen[agreement_number]},
                )
            else:
                seen[agreement_number] = number
            if agreement_number in taken:
                error("number", _("协议编号“%(n)s”在系统中已存在。") % {"n": agreement_number})
        code = _text(raw.get("credit_code")).upper()
        enterprise = enterprises.get(code)
        if not code:
            error("credit_code", _("必填。"))
        elif enterprise is None:
            error(
                "credit_code",
                _("系统中没有统一社会信用代码为“%(code)s”的企业，请先导入企业名录。")
                % {"code": code},
            )
        elif enterprise.park_id not in park_ids:
            error("credit_code", _("该企业属于其他园区，您无权为其导入协议。"))
            enterprise = None
        kind_text = _text(raw.get("kind"))
        values["kind"] = _kind(kind_text)
        if not kind_text:
            error("kind", _("必填。"))
        elif values["kind"] is None:
            error("kind", _("协议类型“%(v)s”不在可选范围内。") % {"v": kind_text})
        for key in ("start_date", "end_date", "signed_on"):
            if not _text(raw.get(key)):
                error(key, _("必填。"))
                values[key] = None
                continue
            try:
                values[key] = _date(raw[key])
            except (ValueError, TypeError):
                error(key, _("日期格式不正确，应为 2024-03-01 或 2024年3月1日。"))
                values[key] = None
        start, end, signed = values["start_date"], values["end_date"], values["signed_on"]
        if start and end and end < start:
            error("end_date", _("终止日期不能早于起始日期。"))
        if signed and signed > today:
            error("signed_on", _("签署日期不能晚于今天。"))
        rent = area = None
        for key in ("monthly_rent", "area"):
            if not _text(raw.get(key)):
                continue
            try:
                amount = _amount(raw[key])
            except (decimal.InvalidOperation, ValueError, TypeError):
                error(key, _("应为不小于 0 的数字。"))
                continue
            if key == "monthly_rent":
                if amount.as_tuple().exponent < -2:
                    error(key, _("金额最多两位小数。"))
                elif amount == 0:
                    error(key, _("月租金应大于 0；没有租金请留空。"))
                else:
                    rent = amount
            elif amount == 0:
                error(key, _("面积应大于 0。"))
            else:
                area = amount
        if area is not None and rent is None and not _text(raw.get("monthly_rent")):
            error("monthly_rent", _("填写了租赁面积，请同时填写月租金。"))
        note = _text(raw.get("note"))[:500]
        if ledger.error_count == before and enterprise is not None:
            ledger.rows.append(Row(number, enterprise.park, enterprise, values, rent, area, note))
    return ledger


# ---------------------------------------------------------------------------------------------
# The job: checked file → confirmation → import


def importable_parks(actor) -> list[OrgUnit]:
    return [
        park
        for park in OrgUnit.objects.filter(kind="park").order_by("name")
        if access.may(actor, ACTION, park=park)
    ]


def _key(token: str) -> str:
    return f"parkflow:agreement-import:{token}"


def _save(job: dict) -> dict:
    HUEY.put(_key(job["token"]), job)
    return job


def _load(token: str) -> dict | None:
    if not isinstance(token, str) or not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    return HUEY.get(_key(token), peek=True)


def import_job_get_for_user(*, actor, token) -> dict:
    """A job is its importer's alone: another user's (or none) is NotFound."""
    job = _load(token)
    if job is None or job.get("actor") != getattr(actor, "pk", None):
        raise NotFound()
    return job


def _parks_or_refuse(actor) -> list[OrgUnit]:
    parks = importable_parks(actor)
    if not parks:
        raise PermissionDenied("forbidden", _("您没有导入历史协议的权限。"), requirement="R-PLT-5")
    return parks


def _preview(row: Row) -> list[str]:
    v = row.values
    return [
        str(row.row),
        v["number"],
        row.enterprise.name,
        str(AgreementKind(v["kind"]).label),
        v["title"],
        f"{v['start_date']:%Y-%m-%d} 至 {v['end_date']:%Y-%m-%d}",
        f"{v['signed_on']:%Y-%m-%d}",
        f"¥{row.monthly_rent:,.2f}" if row.monthly_rent is not None else "",
    ]


def agreement_import_check(*, actor, upload) -> dict:
    """Check an uploaded ledger (the dry run): the job with its row-level errors, or — for a
    clean file, then kept with its SHA-256 — the rows to import. Writes nothing to the
    database."""
    parks = _parks_or_refuse(actor)
    limit = settings.PARKFLOW_IMPORT_MAX_BYTES
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationFailed({"file": [_("请选择要导入的 Excel 文件。")]}, requirement="R-PLT-5")
    if upload.size > limit:
        raise ValidationFailed(
            {"file": [_("文件超过 %(mb)s MB 上限。") % {"mb": limit // (1024 * 1024)}]},
            requirement="R-PLT-5",
        )
    content = upload.read()
    if not content.startswith(XLSX_MAGIC):
        raise ValidationFailed(
            {"file": [_("只能导入 Excel 工作簿（.xlsx），请使用导入模板。")]},
            requirement="R-PLT-5",
        )
    ledger = read_agreements(content, parks=parks, max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS)
    name = (getattr(upload, "name", "") or "agreements.xlsx").replace("\\", "/").split("/")[-1]
    token = uuid.uuid4().hex
    job = {
        "token": token,
        "actor": actor.pk,
        "name": name[:200],
        "sha256": hashlib.sha256(content).hexdigest(),
        "created_at": clock.now().isoformat(),
        "status": INVALID if ledger.error_count else CHECKED,
        "rows": len(ledger.rows),
        "errors": ledger.errors,
        "error_count": ledger.error_count,
        "preview": [_preview(row) for row in ledger.rows[:PREVIEW_ROWS]],
        "stored": "",
        "done": 0,
        "imported": 0,
        "message": "",
    }
    if not ledger.error_count:
        job["stored"] = default_storage.save(
            f"imports/agreements/{token}.xlsx", ContentFile(content)
        )
    return _save(job)


def _read_job_file(job: dict, actor) -> Ledger:
    with default_storage.open(job["stored"], "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != job["sha256"]:
        raise UnreadableWorkbook(_("导入文件已被改动，与检查时的摘要不一致。"))
    return read_agreements(
        content, parks=importable_parks(actor), max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS
    )


def agreement_import_confirm(*, actor, token) -> dict:
    """The importer confirms a checked file: imported at once, or by the worker for a file of
    more than ``BACKGROUND_FROM`` rows."""
    job = import_job_get_for_user(actor=actor, token=token)
    _parks_or_refuse(actor)
    if job["status"] != CHECKED:
        raise Conflict(
            "import_not_ready",
            _("只有检查通过且尚未导入的文件才能导入（当前：%(status)s）。")
            % {"status": STATUS_LABELS[job["status"]]},
            requirement="R-PLT-5",
        )
    job["status"] = RUNNING
    _save(job)
    if job["rows"] > BACKGROUND_FROM:
        from .tasks import agreement_import_task

        transaction.on_commit(lambda: agreement_import_task(job["token"]))
        return job
    return agreement_import_run(token=job["token"])


def agreement_import_run(*, token) -> dict:
    """Import a confirmed file (inline or in the worker) as its importer; on any failure
    nothing of it stays and the job says why."""
    job = _load(token)
    if job is None or job["status"] != RUNNING:
        return job
    actor = get_user_model().objects.get(pk=job["actor"])
    try:
        ledger = _read_job_file(job, actor)
        if ledger.error_count:
            # The database changed since the check (a number taken meanwhile): say which rows.
            job.update(
                status=FAILED,
                errors=ledger.errors,
                error_count=ledger.error_count,
                message=_("导入前复查发现错误，未写入任何数据。"),
            )
            return _save(job)

        def progress(done):
            job["done"] = done
            _save(job)

        agreements = agreement_import_rows(
            actor=actor, rows=ledger.rows, source=job, progress=progress
        )
    except Exception as exc:  # a domain error or worse: the transaction is gone, say so
        logger.exception("agreement import %s failed", token)
        message = getattr(exc, "message", None) or _("导入时发生错误，未写入任何数据。")
        job.update(status=FAILED, message=str(message)[:500])
        return _save(job)
    job.update(status=DONE, imported=len(agreements), done=len(agreements), message="")
    return _save(job)


@service
def agreement_import_rows(*, actor, rows: list[Row], source: dict, progress=None) -> list:
    """Write checked rows as signed, migrated agreements (R-PLT-5): all or nothing, each one
    audited ("agreement.import") with the file it came from. The importer's permission is
    checked on every row's park."""
    for park in {row.park.pk: row.park for row in rows}.values():
        access.ensure(actor, ACTION, park=park, requirement="R-PLT-5")
    now = clock.now()
    made = []
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        agreements = Agreement.objects.bulk_create(
            Agreement(
                park=row.park,
                enterprise=row.enterprise,
                kind=row.values["kind"],
                number=row.values["number"],
                title=row.values["title"],
                status=AgreementStatus.SIGNED,
                start_date=row.values["start_date"],
                end_date=row.values["end_date"],
                signed_on=row.values["signed_on"],
                enterprise_signatory=row.values["enterprise_signatory"],
                migrated=True,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
            for row in chunk
        )
        fees = []
        for row, agreement in zip(chunk, agreements, strict=True):
            if row.monthly_rent is None:
                continue
            label = _("租金")
            if row.area is not None:
                area = format(row.area.normalize(), "f")
                label = _("租金（面积 %(area)s 平方米）") % {"area": area}
            fees.append(
                FeeLine(
                    agreement=agreement,
                    position=1,
                    kind=FeeKind.RENT,
                    label=label[:60],
                    quantity=decimal.Decimal("1"),
                    unit_price=yuan(row.monthly_rent),
                    period=FeePeriod.MONTHLY,
                    start_date=agreement.start_date,
                    end_date=agreement.end_date,
                )
            )
        FeeLine.objects.bulk_create(fees)
        audit.record_many(
            [
                audit.build(
                    actor,
                    "agreement.import",
                    agreement,
                    after={
                        "number": agreement.number,
                        "file": source.get("name", ""),
                        "sha256": source.get("sha256", ""),
                        "row": row.row,
                        **({"monthly_rent": str(row.monthly_rent)} if row.monthly_rent else {}),
                        **({"area": str(row.area)} if row.area is not None else {}),
                        **({"note": row.note} if row.note else {}),
                    },
                )
                for row, agreement in zip(chunk, agreements, strict=True)
            ]
        )
        made += agreements
        if progress:
            progress(len(made))
    return made


def job_view(job: dict) -> dict:
    """What the page shows of a job: its state, and the progress while the worker runs."""
    total = job.get("rows") or 0
    done = job.get("done") or 0
    return {
        "status_label": STATUS_LABELS.get(job["status"], job["status"]),
        "running": job["status"] == RUNNING,
        "percent": min(100, round(100 * done / total)) if total else None,
        "done": done,
        "total": total,
        "columns": [
            _("行号"), _("协议编号"), _("企业"), _("协议类型"), _("协议名称"), _("期限"),
            _("签署日期"), _("月租金"),
        ],
    }  # fmt: skip
