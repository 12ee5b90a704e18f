"""Import of a park's unit ledger (台账) from Excel (R-RES-1 "Excel import of the unit ledger with
row-level errors", R-PLT-5).

One row per office unit: building, floor, number, code, name, area, value, status, into the park
the importer chooses. The upload is checked in full first (``resource_import_check``): every error
is listed with its row and column, in Chinese, and nothing is written; a clean file is kept
(server-side name, SHA-256) for the importer to confirm. The confirmation checks the file again
and writes every row in one transaction (``resource_import_rows``): one bad row, or a code taken
meanwhile, and nothing is imported. A file of more than ``BACKGROUND_FROM`` rows is imported by
the worker, its progress shown on the page (like the agreements' and the register's imports).
Each resource is audited ("resource.import") with the file and row it came from.

The job's state lives in huey's store (shared by the web and the worker), keyed by a random token
and bound to its importer."""

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
from parkflow.org.models import OrgUnit

from .choices import ResourceKind, ResourceStatus
from .models import Resource

logger = logging.getLogger(__name__)

ACTION = "resource.manage"
SHEET = "办公单元台账"
XLSX_MAGIC = b"PK\x03\x04"
BACKGROUND_FROM = 200  # more rows than this: imported by the worker, progress shown
CHUNK = 100
MAX_ERRORS_KEPT = 500
PREVIEW_ROWS = 50
MAX_AREA = decimal.Decimal("100000")
MAX_VALUE = decimal.Decimal("1e10")

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
    "read_units": "reads and checks bytes against the park it is given; writes nothing",
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
    limit: int = 0  # the longest text the model keeps
    note: str = ""


COLUMNS = (
    Column("building", "楼栋", True, 10, 30, "如 A栋"),
    Column("floor", "楼层", True, 8, 10, "如 3 或 B1"),
    Column("number", "房号", True, 10, 20, "如 301"),
    Column("code", "编号", True, 14, 30, "本园区内唯一，不得与系统中已有的重复，如 A-301"),
    Column("name", "名称", True, 24, 60, "如 A栋301室"),
    Column("area", "面积（平方米）", True, 14, 0, "大于 0 的数字，最多两位小数"),
    Column("value", "价值（元）", False, 14, 0, "月租金或账面价值，用于重大资源判定；可留空"),
    Column("status", "状态", False, 10, 0, "可用、维护中或已停用；留空为可用"),
)
HEADERS = {c.key: c.header for c in COLUMNS}


class UnreadableWorkbook(ValidationFailed):
    def __init__(self, message):
        super().__init__({"file": [message]}, requirement="R-PLT-5")


# ---------------------------------------------------------------------------------------------
# The template


def template_workbook(parks) -> bytes:
    """The empty ledger: Chinese headers (* required), the statuses as a drop-down, one example
    row's worth of instructions and the parks the importer may import into."""
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
    statuses = [str(label) for label in ResourceStatus.labels]
    letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == "status"))
    validation = DataValidation(type="list", formula1='"{}"'.format(",".join(statuses)))
    validation.error = _("请从下拉列表中选择。")
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}10001")
    guide = book.create_sheet(_("填写说明"))
    append_row(guide, [_("列"), _("是否必填"), _("说明")])
    for column in COLUMNS:
        append_row(guide, [column.header, _("必填") if column.required else "", column.note])
    append_row(guide, [])
    append_row(guide, [_("可导入的园区"), "", "、".join(p.name for p in parks)])
    append_row(
        guide,
        [_("导入后"), "", _("每行登记为所选园区的一个办公单元；编号已存在的行不会覆盖原资源。")],
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
    values: dict  # building, floor, number, code, name, area, value, status


@dataclass
class Ledger:
    rows: list
    errors: list  # {"row", "column", "message"}
    error_count: int = 0

    def error(self, row: int, key: str, message) -> None:
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


def _number(value) -> decimal.Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = decimal.Decimal(str(value))
    else:
        text = _text(value).replace(",", "").replace("¥", "").replace("￥", "")
        # A unit after the number ("85㎡" reads as "85m2" once normalised, "85平方米", "元").
        number = decimal.Decimal(re.sub(r"\s*(平方米|m2|m²|元)$", "", text))
    if not number.is_finite():
        raise ValueError(value)
    return number


def _status(text: str) -> str | None:
    if not text:
        return ResourceStatus.AVAILABLE
    for value, label in ResourceStatus.choices:
        if text in (str(label), value):
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
                    _("每次最多导入 %(n)s 个办公单元，请拆分文件。") % {"n": f"{max_rows:,}"}
                )
            found.append((number, raw))
        return found
    finally:
        book.close()


def read_units(content: bytes, *, park, max_rows: int) -> Ledger:
    """Read and check every row against the park's catalogue; nothing is written. Every
    problem of a row is listed, naming its column."""
    raw_rows = _rows(content, max_rows)
    if not raw_rows:
        raise UnreadableWorkbook(_("文件中没有可导入的数据行。"))
    codes = {_text(raw.get("code")) for _, raw in raw_rows}
    taken = set(
        Resource.objects.filter(park=park, code__in=codes - {""}).values_list("code", flat=True)
    )
    ledger = Ledger(rows=[], errors=[])
    seen: dict[str, int] = {}
    places: dict[tuple, int] = {}
    for number, raw in raw_rows:
        before = ledger.error_count

        def error(key, message, number=number):
            ledger.error(number, key, message)

        values = {}
        for column in COLUMNS:
            if not column.limit:
                continue
            values[column.key] = _text(raw.get(column.key))
            if not values[column.key]:
                error(column.key, _("必填，不能为空。"))
            elif len(values[column.key]) > column.limit:
                error(column.key, _("不能超过 %(n)s 个字。") % {"n": column.limit})
        code = values["code"]
        if code:
            if code in seen:
                error(
                    "code",
                    _("与第 %(row)s 行的编号“%(code)s”重复。") % {"row": seen[code], "code": code},
                )
            else:
                seen[code] = number
            if code in taken:
                error("code", _("编号“%(code)s”在本园区已存在。") % {"code": code})
        place = (values["building"], values["floor"], values["number"])
        if all(place):
            if place in places:
                error(
                    "number",
                    _("与第 %(row)s 行是同一楼栋、楼层和房号。") % {"row": places[place]},
                )
            else:
                places[place] = number
        values["area"] = None
        if not _text(raw.get("area")):
            error("area", _("必填，不能为空。"))
        else:
            try:
                area = _number(raw["area"])
            except (decimal.InvalidOperation, ValueError, TypeError):
                error("area", _("“%(v)s”不是数字。") % {"v": _text(raw["area"])})
            else:
                if area <= 0:
                    error("area", _("面积应大于 0。"))
                elif area >= MAX_AREA:
                    error("area", _("面积应小于 %(n)s 平方米。") % {"n": f"{MAX_AREA:,}"})
                elif area.as_tuple().exponent < -2:
                    error("area", _("面积最多两位小数。"))
                else:
                    values["area"] = area
        values["value"] = None
        if _text(raw.get("value")):
            try:
                value = _number(raw["value"])
            except (decimal.InvalidOperation, ValueError, TypeError):
                error("value", _("“%(v)s”不是数字。") % {"v": _text(raw["value"])})
            else:
                if value < 0 or value >= MAX_VALUE:
                    error("value", _("应为不小于 0 且小于一百亿的数字。"))
                elif value.as_tuple().exponent < -2:
                    error("value", _("金额最多两位小数。"))
                else:
                    values["value"] = value
        status_text = _text(raw.get("status"))
        values["status"] = _status(status_text)
        if values["status"] is None:
            error(
                "status",
                _("状态“%(v)s”不在可选范围内（可用、维护中、已停用）。") % {"v": status_text},
            )
        if ledger.error_count == before:
            ledger.rows.append(Row(number, values))
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
    return f"parkflow:resource-import:{token}"


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


def _park_or_refuse(actor, park) -> OrgUnit:
    parks = importable_parks(actor)
    if not parks:
        raise PermissionDenied("forbidden", _("您没有导入资源台账的权限。"), requirement="R-PLT-5")
    chosen = next((p for p in parks if str(p.pk) == str(getattr(park, "pk", park))), None)
    if chosen is None:
        if len(parks) == 1 and park in (None, ""):
            return parks[0]
        raise ValidationFailed({"park": [_("请选择您可导入的园区。")]}, requirement="R-PLT-5")
    return chosen


def _preview(row: Row) -> list[str]:
    v = row.values
    return [
        str(row.row),
        v["building"],
        v["floor"],
        v["number"],
        v["code"],
        v["name"],
        f"{v['area']:,.2f}",
        f"¥{v['value']:,.2f}" if v["value"] is not None else "",
        str(ResourceStatus(v["status"]).label),
    ]


def resource_import_check(*, actor, park, upload) -> dict:
    """Check an uploaded unit ledger for ``park`` (the dry run): the job with its row-level
    errors, or — for a clean file, then kept with its SHA-256 — the rows to import. Writes
    nothing to the database."""
    park = _park_or_refuse(actor, park)
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
    ledger = read_units(content, park=park, max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS)
    name = (getattr(upload, "name", "") or "units.xlsx").replace("\\", "/").split("/")[-1]
    token = uuid.uuid4().hex
    job = {
        "token": token,
        "actor": actor.pk,
        "park": park.pk,
        "park_name": park.name,
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
            f"imports/resources/{token}.xlsx", ContentFile(content)
        )
    return _save(job)


def _read_job_file(job: dict) -> Ledger:
    with default_storage.open(job["stored"], "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != job["sha256"]:
        raise UnreadableWorkbook(_("导入文件已被改动，与检查时的摘要不一致。"))
    park = OrgUnit.objects.get(pk=job["park"])
    return read_units(content, park=park, max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS)


def resource_import_confirm(*, actor, token) -> dict:
    """The importer confirms a checked file: imported at once, or by the worker for a file of
    more than ``BACKGROUND_FROM`` rows."""
    job = import_job_get_for_user(actor=actor, token=token)
    _park_or_refuse(actor, job["park"])
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
        from .tasks import resource_import_task

        transaction.on_commit(lambda: resource_import_task(job["token"]))
        return job
    return resource_import_run(token=job["token"])


def resource_import_run(*, token) -> dict:
    """Import a confirmed file (inline or in the worker) as its importer; on any failure nothing
    of it stays and the job says why."""
    job = _load(token)
    if job is None or job["status"] != RUNNING:
        return job
    actor = get_user_model().objects.get(pk=job["actor"])
    try:
        ledger = _read_job_file(job)
        if ledger.error_count:
            # The catalogue changed since the check (a code taken meanwhile): say which rows.
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

        park = OrgUnit.objects.get(pk=job["park"])
        made = resource_import_rows(
            actor=actor, park=park, rows=ledger.rows, source=job, progress=progress
        )
    except Exception as exc:  # a domain error or worse: the transaction is gone, say so
        logger.exception("resource import %s failed", token)
        message = getattr(exc, "message", None) or _("导入时发生错误，未写入任何数据。")
        job.update(status=FAILED, message=str(message)[:500])
        return _save(job)
    job.update(status=DONE, imported=len(made), done=len(made), message="")
    return _save(job)


@service
def resource_import_rows(*, actor, park, rows: list[Row], source: dict, progress=None) -> list:
    """Write checked rows as office units of ``park`` (R-RES-1, R-PLT-5): all or nothing, each
    one audited ("resource.import") with the file and row it came from. A code taken since the
    check refuses the whole file, naming the rows."""
    access.ensure(actor, ACTION, park=park, requirement="R-PLT-5")
    codes = [row.values["code"] for row in rows]
    taken = set(Resource.objects.filter(park=park, code__in=codes).values_list("code", flat=True))
    if taken:
        clashes = "、".join(
            f"第 {r.row} 行“{r.values['code']}”" for r in rows if r.values["code"] in taken
        )
        raise Conflict(
            "resource_code_taken",
            _("编号已存在，未导入任何数据：%(rows)s。") % {"rows": clashes[:300]},
            requirement="R-RES-1",
        )
    now = clock.now()
    made = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        resources = Resource.objects.bulk_create(
            Resource(
                park=park,
                kind=ResourceKind.UNIT,
                code=row.values["code"],
                name=row.values["name"],
                building=row.values["building"],
                floor=row.values["floor"],
                number=row.values["number"],
                area=row.values["area"],
                value=row.values["value"],
                status=row.values["status"],
                created_at=now,
            )
            for row in chunk
        )
        audit.record_many(
            [
                audit.build(
                    actor,
                    "resource.import",
                    resource,
                    after={
                        "code": resource.code,
                        "name": resource.name,
                        "area": str(resource.area),
                        **({"value": str(resource.value)} if resource.value is not None else {}),
                        "status": resource.status,
                        "file": source.get("name", ""),
                        "sha256": source.get("sha256", ""),
                        "row": row.row,
                    },
                )
                for row, resource in zip(chunk, resources, strict=True)
            ]
        )
        made += resources
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
            _("行号"), _("楼栋"), _("楼层"), _("房号"), _("编号"), _("名称"), _("面积（平方米）"),
            _("价值（元）"), _("状态"),
        ],
    }  # fmt: skip
