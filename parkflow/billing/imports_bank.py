"""Reading a bank statement (银行流水) and checking it before anything is written (R-BIL-4,
R-PLT-5).

Finance uploads the statement its bank exports — an Excel workbook (.xlsx) or a CSV in UTF-8 or
GBK — into a park. The columns are found by the names Chinese banks use (交易日期/记账日期,
收入金额/贷方发生额 or 交易金额 with 借贷标志, 对方户名, 对方账号, 摘要/附言/用途, 交易流水号,
余额 …) on whichever of the first rows carries them: banks put the account and the period above
the header. Every row is checked (``read_statement``): an unreadable date or amount, a future
date, more than two decimals, an over-long cell — each error with its row and column, in
Chinese, and nothing is written. Debit lines (支出) are counted, not processed.

A clean file is kept (server-side name, SHA-256) with a preview of what each credit line will
become — paid into a bill by its number or by payer and amount, left for a person (待人工核对), or
already imported with an earlier statement (已导入) — for finance to confirm
(``services_bank.bank_import_confirm``). The same file a second time into the same park is
refused at once, naming when and by whom it was imported. The job's state lives in huey's store
(shared by the web and the worker), keyed by a random token and bound to its importer, as the
other imports' jobs (resources, agreements)."""

import csv
import datetime
import decimal
import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook

from parkflow.core import access, clock
from parkflow.core.errors import NotFound, PermissionDenied, ValidationFailed
from parkflow.org.models import OrgUnit

from .choices_bank import BankLineStatus, MatchMethod, ReviewReason

ACTION = "bank.import"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
BACKGROUND_FROM = 200  # more credit lines than this: imported by the worker, progress shown
MAX_ERRORS_KEPT = 500
PREVIEW_LINES = 200
HEADER_SEARCH_ROWS = 30
MAX_PAYER = 120
MAX_ACCOUNT = 40
MAX_SUMMARY = 300
MAX_TRANSACTION_ID = 60

CHECKED, INVALID, IMPORTED = "checked", "invalid", "imported"
STATUS_LABELS = {
    CHECKED: "检查通过，待确认导入",
    INVALID: "检查未通过",
    IMPORTED: "已确认导入",
}

# Public functions that do not call the access layer themselves, and why (D21).
SYSTEM_OPERATIONS = {
    "read_statement": "reads and checks bytes; writes nothing and names no park's data",
    "line_key": "pure: the identity of a bank transaction",
    "payment_key": "pure: the idempotency key of the payment a line becomes",
    "job_view": "formats a job the caller got through import_job_get_for_user",
    "import_job_get_for_user": "the importer's own jobs only (bound to actor.pk): another "
    "user's is NotFound",
    "read_stored": "re-reads a file an importer stored; its caller checked the importer",
    "save_job": "stores a job its caller got through import_job_get_for_user",
    "already_imported_message": "pure: the refusal's wording for an import the caller found",
}

# Header names as banks write them, most specific first (ICBC, CCB, ABC, BOC, BOCOM, CMB,
# SPDB, the city banks' online banking exports).
HEADERS = {
    "date": (
        "交易日期", "记账日期", "入账日期", "交易时间", "记账时间", "账务日期", "交易日", "记账日",
        "日期",
    ),
    "credit": (
        "收入金额", "贷方发生额", "贷方金额", "贷方发生额元", "收入金额元", "存入金额", "来账金额",
        "收款金额", "收入", "贷方", "存入",
    ),
    "debit": (
        "支出金额", "借方发生额", "借方金额", "借方发生额元", "支出金额元", "支取金额", "往账金额",
        "付款金额", "支出", "借方", "支取",
    ),
    "amount": ("交易金额", "发生额", "金额", "交易金额元"),
    "direction": (
        "借贷标志", "借贷方向", "收支方向", "收付方向", "交易方向", "借贷", "收支", "收/支",
        "借/贷",
    ),
    "payer_name": (
        "对方户名", "对方账户名称", "对方账户户名", "对方账户名", "对方名称", "对方单位名称",
        "对方单位", "付款人名称", "付款方户名", "付款人户名", "付款方名称", "收/付方名称",
        "付款人",
    ),
    "payer_account": (
        "对方账号", "对方账户", "对方账户账号", "付款人账号", "付款方账号", "收/付方账号",
        "对方卡号",
    ),
    "summary": (
        "摘要", "附言", "用途", "备注", "交易附言", "汇款附言", "摘要/附言", "交易摘要", "交易用途",
        "附加信息", "交易备注",
    ),
    "transaction_id": (
        "交易流水号", "银行流水号", "流水号", "业务流水号", "交易流水", "交易参考号", "交易序号",
        "流水编号", "柜员流水号", "凭证号",
    ),
    "balance": ("余额", "账户余额", "当前余额", "交易后余额", "联机余额"),
}  # fmt: skip
TOTAL_ROWS = ("合计", "总计", "本页合计", "本页小计", "小计", "累计", "共计")
CREDIT_WORDS = ("贷", "收", "入", "C", "CR")
DEBIT_WORDS = ("借", "支", "出", "付", "D", "DR")


class UnreadableStatement(ValidationFailed):
    def __init__(self, message):
        super().__init__({"file": [message]}, requirement="R-PLT-5")


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class StatementLine:
    """One credit line as the bank wrote it (normalised), and its identity."""

    row: int
    booked_on: datetime.date
    amount: decimal.Decimal
    payer_name: str
    payer_account: str
    summary: str
    transaction_id: str
    key: str

    @property
    def reference(self) -> str:
        """What the payment records as its reference: the bank's serial number, else the text."""
        return (self.transaction_id or self.summary)[:60]


@dataclass
class Statement:
    lines: list = field(default_factory=list)  # StatementLine, credit lines only
    debit_lines: int = 0  # 支出 and reversals: counted, not processed
    errors: list = field(default_factory=list)  # {"row", "column", "message"}
    error_count: int = 0
    headers: dict = field(default_factory=dict)  # key -> the header as the file wrote it

    def error(self, row: int, key: str, message) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            column = self.headers.get(key) or key
            self.errors.append({"row": row, "column": column, "message": str(message)})

    @property
    def first_day(self):
        return min((line.booked_on for line in self.lines), default=None)

    @property
    def last_day(self):
        return max((line.booked_on for line in self.lines), default=None)


def _header_key(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = re.sub(r"[\s*＊:：]", "", text)
    return re.sub(r"\(元\)|\(人民币\)|\(RMB\)|\(CNY\)", "元", text, flags=re.IGNORECASE)


_WANTED = {
    variant_key: (key, rank)
    for key, variants in HEADERS.items()
    for rank, variant_key in enumerate(_header_key(v) for v in variants)
}


def _text(value) -> str:
    """A cell as text: Excel's numbers without ".0", bank CSVs' ``="0123"`` and tab prefixes
    (kept so Excel does not eat leading zeros) removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u3000", " ").strip().strip("\t").strip()
    match = re.fullmatch(r'="(.*)"', text)
    if match:
        text = match.group(1)
    return text.strip().strip("'").strip()


def _normal(text: str) -> str:
    """For comparing names: full-width to ASCII, no spaces, brackets alike, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    text = re.sub(r"[年月./]", "-", text).replace("日", " ").strip()
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[\sT])", text + " ")
    if match:
        return datetime.date(*(int(part) for part in match.groups()))
    match = re.match(r"^(\d{4})(\d{2})(\d{2})(?:$|\s|\d{6})", text)
    if match:
        return datetime.date(*(int(part) for part in match.groups()))
    raise ValueError(value)


def _amount(value) -> decimal.Decimal | None:
    """A cell's amount; None for an empty cell. Raises for text that is not a number."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = decimal.Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", _text(value))
        text = text.replace(",", "").replace("¥", "").replace("元", "").replace(" ", "")
        if text in ("", "-", "--"):
            return None
        number = decimal.Decimal(text)
    if not number.is_finite():
        raise ValueError(value)
    return number


def _csv_rows(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableStatement(
            _("文件编码无法识别：请上传 Excel 工作簿（.xlsx），或 UTF-8、GBK 编码的 CSV 文件。")
        )
    if "\x00" in text or re.search(r"<\s*(html|table)\b", text[:2000], re.IGNORECASE):
        raise UnreadableStatement(_("文件不是表格：请从网银导出 Excel（.xlsx）或 CSV 格式的流水。"))
    sample = text[:5000]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableStatement(
            _("文件无法读取：请上传 Excel 工作簿（.xlsx）或 CSV 文件。")
        ) from None
    try:
        return [list(row) for row in book[book.sheetnames[0]].iter_rows(values_only=True)]
    finally:
        book.close()


def _header(rows: list[list]) -> tuple[int, dict[str, int], dict[str, str], dict[str, list]]:
    """The header row's index, the column of each key (the most specific name found), the
    header text the file uses for it, and every summary column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, tuple[int, int]] = {}
        texts: dict[str, str] = {}
        summaries: list[int] = []
        for position, cell in enumerate(row):
            hit = _WANTED.get(_header_key(cell))
            if hit is None:
                continue
            key, rank = hit
            if key == "summary":
                summaries.append(position)
            if key not in found or rank < found[key][1]:
                found[key] = (position, rank)
                texts[key] = _text(cell)
        if "date" in found and ("credit" in found or "amount" in found):
            return index, {k: p for k, (p, _r) in found.items()}, texts, summaries
    raise UnreadableStatement(
        _(
            "没有找到流水的表头：前 %(n)s 行中应有“交易日期”和“收入金额”（或“贷方发生额”、"
            "“交易金额”）等列。请上传网银导出的原始流水文件。"
        )
        % {"n": HEADER_SEARCH_ROWS}
    )


def line_key(
    *, transaction_id, booked_on, amount, payer_name, payer_account, summary, balance, seen
) -> str:
    """A bank transaction's identity: the bank's own serial number when the statement has one,
    else a digest of what describes it (with the balance after it, which tells two equal
    transfers of one day apart; and, without a balance, its place among equal ones)."""
    serial = re.sub(r"\s+", "", unicodedata.normalize("NFKC", transaction_id or ""))
    if serial:
        return f"txn:{serial}"
    described = "|".join(
        [
            booked_on.isoformat(),
            f"{amount:.2f}",
            _normal(payer_name),
            _normal(payer_account),
            _normal(summary),
            balance or "",
        ]
    )
    occurrence = seen.get(described, 0)
    seen[described] = occurrence + 1
    digest = hashlib.sha256(f"{described}|{occurrence}".encode()).hexdigest()
    return f"h:{digest[:40]}"


def payment_key(park_id: int, key: str) -> str:
    """The idempotency key of the payment a bank line becomes: the same transaction, imported
    again or matched by hand later, finds the payment already recorded (R-BIL-4)."""
    return f"bank:{park_id}:{key}"


def read_statement(content: bytes, *, max_rows: int) -> Statement:  # noqa: C901, PLR0912, PLR0915 - one pass over a row, its columns in turn
    """Read and check every row; nothing is written. Every problem of a row is listed with
    its column as the file names it."""
    if content.startswith(OLE_MAGIC):
        raise UnreadableStatement(
            _("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx，或从网银导出 CSV。")
        )
    rows = _xlsx_rows(content) if content.startswith(XLSX_MAGIC) else _csv_rows(content)
    index, columns, texts, summaries = _header(rows)
    statement = Statement(headers=texts)
    today = clock.today()
    seen: dict[str, int] = {}
    serials: dict[str, int] = {}
    data_rows = 0

    def cell(values, key):
        position = columns.get(key)
        return values[position] if position is not None and position < len(values) else None

    for number, values in enumerate(rows[index + 1 :], start=index + 2):
        if all(_text(v) == "" for v in values):
            continue
        date_text = _text(cell(values, "date"))
        if date_text.startswith(TOTAL_ROWS) or any(
            _text(v).startswith(TOTAL_ROWS) for v in values[:2]
        ):
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise UnreadableStatement(
                _("每次最多导入 %(n)s 行流水，请按日期拆分文件。") % {"n": f"{max_rows:,}"}
            )
        before = statement.error_count

        def error(key, message, number=number):
            statement.error(number, key, message)

        # The amount and its direction.
        credit = None
        try:
            if "credit" in columns:
                credit = _amount(cell(values, "credit"))
                debit = _amount(cell(values, "debit")) if "debit" in columns else None
                if credit is not None and credit < 0:
                    statement.debit_lines += 1  # a reversal (冲正): not a payment
                    continue
                if not credit and debit:
                    statement.debit_lines += 1
                    continue
            else:
                amount = _amount(cell(values, "amount"))
                direction = _normal(_text(cell(values, "direction")))
                if amount is not None and "direction" in columns:
                    if direction.startswith(CREDIT_WORDS) and amount > 0:
                        credit = amount
                    elif direction.startswith(DEBIT_WORDS) or amount < 0:
                        statement.debit_lines += 1
                        continue
                    else:
                        error("direction", _("无法识别借贷方向“%(v)s”。") % {"v": direction})
                        continue
                elif amount is not None:
                    if amount < 0:
                        statement.debit_lines += 1
                        continue
                    credit = amount
        except (decimal.InvalidOperation, ValueError, TypeError):
            key = "credit" if "credit" in columns else "amount"
            raw = cell(values, key) if "credit" not in columns else cell(values, "credit")
            error(key, _("“%(v)s”不是金额。") % {"v": _text(raw)})
            continue
        if not credit:
            continue  # no money in: a balance line or a zero amount, nothing to take
        key_column = "credit" if "credit" in columns else "amount"
        if credit.as_tuple().exponent < -2:
            error(key_column, _("金额最多两位小数。"))
        elif credit >= decimal.Decimal("1e12"):
            error(key_column, _("金额超出允许范围。"))
        # The date.
        booked_on = None
        if not date_text and not isinstance(cell(values, "date"), datetime.date):
            error("date", _("必填，不能为空。"))
        else:
            try:
                booked_on = _date(cell(values, "date"))
            except (ValueError, TypeError):
                error("date", _("“%(v)s”不是日期，应如 2026-11-03。") % {"v": date_text})
            else:
                if booked_on > today:
                    error("date", _("交易日期晚于今天。"))
        payer_name = _text(cell(values, "payer_name"))
        payer_account = _text(cell(values, "payer_account"))
        transaction_id = _text(cell(values, "transaction_id"))
        balance = _text(cell(values, "balance"))
        summary = " ".join(
            text
            for text in dict.fromkeys(_text(values[p]) for p in summaries if p < len(values))
            if text
        )
        if len(payer_name) > MAX_PAYER:
            error("payer_name", _("不能超过 %(n)s 个字。") % {"n": MAX_PAYER})
        if len(payer_account) > MAX_ACCOUNT:
            error("payer_account", _("不能超过 %(n)s 个字符。") % {"n": MAX_ACCOUNT})
        if len(transaction_id) > MAX_TRANSACTION_ID:
            error("transaction_id", _("不能超过 %(n)s 个字符。") % {"n": MAX_TRANSACTION_ID})
        elif transaction_id:
            if transaction_id in serials:
                error(
                    "transaction_id",
                    _("与第 %(row)s 行的流水号“%(v)s”重复。")
                    % {"row": serials[transaction_id], "v": transaction_id},
                )
            else:
                serials[transaction_id] = number
        if statement.error_count != before:
            continue
        key = line_key(
            transaction_id=transaction_id,
            booked_on=booked_on,
            amount=credit,
            payer_name=payer_name,
            payer_account=payer_account,
            summary=summary,
            balance=balance,
            seen=seen,
        )
        statement.lines.append(
            StatementLine(
                row=number,
                booked_on=booked_on,
                amount=credit.quantize(decimal.Decimal("0.01")),
                payer_name=payer_name,
                payer_account=payer_account,
                summary=summary[:MAX_SUMMARY],
                transaction_id=transaction_id,
                key=key,
            )
        )
    return statement


# ---------------------------------------------------------------------------------------------
# The job: checked file → confirmation (services_bank.bank_import_confirm)


def importable_parks(actor) -> list[OrgUnit]:
    return [
        park
        for park in OrgUnit.objects.filter(kind="park").order_by("name")
        if access.may(actor, ACTION, park=park)
    ]


def _key(token: str) -> str:
    return f"parkflow:bank-import:{token}"


def save_job(job: dict) -> dict:
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
        raise PermissionDenied("forbidden", _("您没有导入银行流水的权限。"), requirement="R-BIL-4")
    chosen = next((p for p in parks if str(p.pk) == str(getattr(park, "pk", park))), None)
    if chosen is None:
        if len(parks) == 1 and park in (None, ""):
            return parks[0]
        raise ValidationFailed({"park": [_("请选择您可导入的园区。")]}, requirement="R-BIL-4")
    return chosen


def already_imported_message(earlier) -> str:
    moment = timezone.localtime(earlier.imported_at)
    return _(
        "该文件已于 %(when)s 由 %(who)s 导入%(park)s（%(name)s，%(n)s 笔收入）：同一文件不能重复"
        "导入。如有新流水，请从网银导出新的文件。"
    ) % {
        "when": f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}",
        "who": earlier.imported_by,
        "park": earlier.park,
        "name": earlier.file_name,
        "n": earlier.lines_total,
    }


OUTCOME_LABELS = {
    MatchMethod.BILL_NUMBER: "按账单号入账",
    MatchMethod.NAME_AMOUNT: "按户名和金额入账",
    BankLineStatus.REVIEW: "待人工核对",
    BankLineStatus.DUPLICATE: "已导入",
}


def bank_import_check(*, actor, park, upload) -> dict:
    """Check an uploaded statement for ``park`` (the dry run): the job with its row-level
    errors, or — for a clean file, then kept with its SHA-256 — what each credit line will
    become. Writes nothing to the database. The same file imported before into the park is
    refused here, naming when and by whom."""
    from . import services_bank
    from .models_bank import BankStatementImport

    park = _park_or_refuse(actor, park)
    limit = settings.PARKFLOW_IMPORT_MAX_BYTES
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationFailed({"file": [_("请选择要导入的流水文件。")]}, requirement="R-PLT-5")
    if upload.size > limit:
        raise ValidationFailed(
            {"file": [_("文件超过 %(mb)s MB 上限。") % {"mb": limit // (1024 * 1024)}]},
            requirement="R-PLT-5",
        )
    content = upload.read()
    digest = hashlib.sha256(content).hexdigest()
    earlier = (
        BankStatementImport.objects.filter(park=park, sha256=digest)
        .select_related("imported_by", "park")
        .first()
    )
    if earlier is not None:
        raise ValidationFailed({"file": [already_imported_message(earlier)]}, requirement="R-BIL-4")
    statement = read_statement(content, max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS)
    if not statement.lines and not statement.error_count:
        raise UnreadableStatement(_("文件中没有收入流水（贷方）可导入。"))
    name = (getattr(upload, "name", "") or "statement").replace("\\", "/").split("/")[-1]
    token = uuid.uuid4().hex
    outcomes = [] if statement.error_count else services_bank.plan(park, statement.lines)
    counts = dict.fromkeys(OUTCOME_LABELS.values(), 0)
    preview = []
    for line, outcome in zip(statement.lines, outcomes, strict=False):
        counts[OUTCOME_LABELS[outcome.label_key]] += 1
        if len(preview) < PREVIEW_LINES:
            preview.append(
                {
                    "row": line.row,
                    "date": line.booked_on.isoformat(),
                    "amount": f"{line.amount}",
                    "payer": line.payer_name,
                    "summary": line.summary,
                    "outcome": OUTCOME_LABELS[outcome.label_key],
                    "tone": outcome.tone,
                    "bill": outcome.bill_number,
                    "reason": str(ReviewReason(outcome.reason).label) if outcome.reason else "",
                }
            )
    job = {
        "token": token,
        "actor": actor.pk,
        "park": park.pk,
        "park_name": park.name,
        "name": name[:200],
        "size": len(content),
        "sha256": digest,
        "created_at": clock.now().isoformat(),
        "status": INVALID if statement.error_count else CHECKED,
        "lines": len(statement.lines),
        "debit_lines": statement.debit_lines,
        "amount": f"{sum((line.amount for line in statement.lines), decimal.Decimal(0))}",
        "first_day": statement.first_day.isoformat() if statement.first_day else "",
        "last_day": statement.last_day.isoformat() if statement.last_day else "",
        "errors": statement.errors,
        "error_count": statement.error_count,
        "counts": counts,
        "preview": preview,
        "stored": "",
        "import_id": None,
    }
    if not statement.error_count:
        suffix = ".xlsx" if content.startswith(XLSX_MAGIC) else ".csv"
        job["stored"] = default_storage.save(f"imports/bank/{token}{suffix}", ContentFile(content))
    return save_job(job)


def read_stored(stored: str, sha256: str) -> Statement:
    """Read a kept statement again; its SHA-256 must still be the one checked."""
    with default_storage.open(stored, "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise UnreadableStatement(_("流水文件已被改动，与检查时的摘要不一致。"))
    return read_statement(content, max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS)


def job_view(job: dict) -> dict:
    return {
        "status_label": STATUS_LABELS.get(job["status"], job["status"]),
        "first_day": datetime.date.fromisoformat(job["first_day"]) if job["first_day"] else None,
        "last_day": datetime.date.fromisoformat(job["last_day"]) if job["last_day"] else None,
        "amount": decimal.Decimal(job["amount"]),
        "preview": [
            {**row, "date": datetime.date.fromisoformat(row["date"])} for row in job["preview"]
        ],
    }
