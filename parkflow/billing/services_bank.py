"""Writes of bank-statement import and invoice settings (R-BIL-4, R-BIL-6, SPEC §5).

A confirmed statement (``bank_import_confirm``) takes each credit line into the park's books:

1. a transaction the park has already taken (the same bank serial number, or the same date,
   amount, payer, text and balance, in an earlier statement) is recorded as 已导入 and nothing
   else happens;
2. a line whose 摘要/附言 names one bill of the park (ZD202611-0000123) is paid into that bill;
3. otherwise a line whose payer is one of the park's enterprises — by its name, or its
   统一社会信用代码 in the payer name or the text — is paid into the one outstanding bill of
   that enterprise whose outstanding amount equals the line's amount; none or several such
   bills, several bill numbers, an unknown or settled bill, an unknown payer: the line waits
   for a person (待人工核对), who matches it to a bill (``bank_line_match``, audited) or marks it
   as not the park's money with a reason (``bank_line_ignore``).

Every payment goes through ``services.payment_record`` — the one path money takes (R-BIL-4):
bank transfer, source 银行流水导入, and an idempotency key made from the bank transaction
(``imports_bank.payment_key``), so a retried chunk, a re-run import or a manual match of a line
the import already paid finds the payment instead of recording a second one. What a line pays
beyond its bill goes to the prepaid balance, as ``payment_record`` does with any payment.

A statement of at most ``imports_bank.BACKGROUND_FROM`` credit lines is taken in the
confirmation's own transaction; a larger one by the worker (``bank_import_execute``) in chunks
of ``CHUNK`` lines, each its own transaction, with the progress on the import's row.

Lock order: the import's row, then each bill (``payment_record``); for a manual match, the line
then its bill. Inserts and audit events last."""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import check_length
from parkflow.enterprises.models import Enterprise
from parkflow.org.models import OrgUnit

from . import imports_bank
from .choices import OUTSTANDING, ChargeKind, PaymentMethod, PaymentSource
from .choices_bank import BankLineStatus, ImportStatus, InvoiceMethod, MatchMethod, ReviewReason
from .models import Bill, Payment
from .models_bank import BankLine, BankStatementImport, InvoiceTaxSetting
from .services import payment_record

CHUNK = 200
ZERO = Decimal("0")
BILL_NUMBER = re.compile(r"ZD-?(\d{6})-?(\d{7,12})")
CREDIT_CODE = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)
# The rates a 数电发票 may carry (税率 and 征收率).
RATES = {Decimal(r) for r in ("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13")}

SYSTEM_OPERATIONS = {
    "plan": "reads the park's enterprises and bills for a check its caller authorised; "
    "writes nothing",
    "bank_import_execute": "the worker carries out an import the importer confirmed; the "
    "importer was checked at the confirmation, and each payment checks him again (R-BIL-4)",
}


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


# ---------------------------------------------------------------------------------------------
# Matching a credit line to a bill


@dataclass(frozen=True)
class Outcome:
    """What a credit line becomes: paid into ``bill_id`` (by ``method``), left for a person
    (``reason``), or already taken (``duplicate_of``, the line that took it)."""

    status: str
    method: str = ""
    reason: str = ""
    bill_id: int | None = None
    bill_number: str = ""
    duplicate_of: int | None = None

    @property
    def label_key(self) -> str:
        return self.method if self.status == BankLineStatus.MATCHED else self.status

    @property
    def tone(self) -> str:
        return {"matched": "success", "review": "warning", "duplicate": "slate"}[self.status]


def _number(period_start: datetime.date, pk: int) -> str:
    return f"ZD{period_start:%Y%m}-{pk:07d}"


class _Matcher:
    """Everything the lines of one chunk (or one check) need, read with a fixed number of
    queries; then each line in turn, in memory. A bill a line pays is no longer outstanding
    for the next line (``take``)."""

    def __init__(self, park_id: int, lines):
        self.park_id = park_id
        self.names: dict[str, set[int]] = {}
        self.codes: dict[str, int] = {}
        for pk, name, code in Enterprise.objects.filter(park_id=park_id).values_list(
            "pk", "name", "credit_code"
        ):
            self.names.setdefault(_normal(name), set()).add(pk)
            self.codes[code.upper()] = pk
        self.refs = {line.row: self._refs(line) for line in lines}
        self.payers = {line.row: self._payers(line) for line in lines}
        numbered = {pk for refs in self.refs.values() for _month, pk in refs}
        wanted = {pk for payers in self.payers.values() for pk in payers}
        self.bills: dict[int, dict] = {}
        rows = Bill.objects.filter(pk__in=numbered).values(
            "pk", "park_id", "enterprise_id", "period_start", "status"
        )
        for row in rows.annotate(left=F("amount") + F("adjusted") - F("paid")):
            self.bills[row["pk"]] = row
        self.by_enterprise: dict[int, list[int]] = {}
        rows = Bill.objects.filter(
            park_id=park_id, enterprise_id__in=wanted, status__in=OUTSTANDING
        ).values("pk", "park_id", "enterprise_id", "period_start", "status")
        for row in rows.annotate(left=F("amount") + F("adjusted") - F("paid")).order_by("pk"):
            self.bills[row["pk"]] = row
            self.by_enterprise.setdefault(row["enterprise_id"], []).append(row["pk"])
        self.known = dict(
            BankLine.objects.filter(park_id=park_id, key__in=[line.key for line in lines])
            .exclude(status=BankLineStatus.DUPLICATE)
            .values_list("key", "pk")
        )
        # A payment already recorded under a line's key (R-BIL-4): the line is that payment.
        keys = {imports_bank.payment_key(park_id, line.key): line.key for line in lines}
        self.paid: dict[str, int] = {}
        for key, bill_id, period_start in Payment.objects.filter(
            idempotency_key__in=list(keys)
        ).values_list("idempotency_key", "bill_id", "bill__period_start"):
            self.paid[keys[key]] = bill_id
            self.bills.setdefault(bill_id, {"period_start": period_start, "left": ZERO})

    @staticmethod
    def _refs(line) -> set[tuple[str, int]]:
        return {(month, int(pk)) for month, pk in BILL_NUMBER.findall(_normal(line.summary))}

    def _payers(self, line) -> set[int]:
        found = set(self.names.get(_normal(line.payer_name), ()))
        text = unicodedata.normalize("NFKC", f"{line.payer_name} {line.summary}").upper()
        for code in CREDIT_CODE.findall(text):
            if code in self.codes:
                found.add(self.codes[code])
        return found

    def _bill(self, pk: int, **outcome) -> Outcome:
        row = self.bills[pk]
        return Outcome(
            BankLineStatus.MATCHED,
            bill_id=pk,
            bill_number=_number(row["period_start"], pk),
            **outcome,
        )

    def outcome(self, line) -> Outcome:
        if line.key in self.known:
            return Outcome(BankLineStatus.DUPLICATE, duplicate_of=self.known[line.key])
        refs = self.refs[line.row]
        if line.key in self.paid:
            method = MatchMethod.BILL_NUMBER if refs else MatchMethod.NAME_AMOUNT
            return self._bill(self.paid[line.key], method=method)
        if len({pk for _month, pk in refs}) > 1:
            return Outcome(BankLineStatus.REVIEW, reason=ReviewReason.SEVERAL_NUMBERS)
        if refs:
            ((month, pk),) = refs
            row = self.bills.get(pk)
            if (
                row is None
                or row["park_id"] != self.park_id
                or f"{row['period_start']:%Y%m}" != month
            ):
                return Outcome(BankLineStatus.REVIEW, reason=ReviewReason.UNKNOWN_BILL)
            if row["left"] <= 0:
                return Outcome(BankLineStatus.REVIEW, reason=ReviewReason.SETTLED_BILL)
            return self._bill(pk, method=MatchMethod.BILL_NUMBER)
        payers = self.payers[line.row]
        if not payers:
            return Outcome(BankLineStatus.REVIEW, reason=ReviewReason.UNKNOWN_PAYER)
        candidates = [
            pk
            for enterprise in sorted(payers)
            for pk in self.by_enterprise.get(enterprise, ())
            if self.bills[pk]["left"] == line.amount
        ]
        if len(candidates) == 1:
            return self._bill(candidates[0], method=MatchMethod.NAME_AMOUNT)
        reason = ReviewReason.SEVERAL_CANDIDATES if candidates else ReviewReason.NO_CANDIDATE
        return Outcome(BankLineStatus.REVIEW, reason=reason)

    def take(self, line, outcome: Outcome, line_id: int | None = None) -> None:
        """What the line did to what the next lines see."""
        self.known.setdefault(line.key, line_id)
        if outcome.bill_id is not None:
            row = self.bills[outcome.bill_id]
            row["left"] = max(row["left"] - line.amount, ZERO)


def plan(park, lines) -> list[Outcome]:
    """What each line would become if the statement were imported now (the check's preview);
    writes nothing."""
    matcher = _Matcher(park.pk, lines)
    outcomes = []
    for line in lines:
        outcome = matcher.outcome(line)
        matcher.take(line, outcome)
        outcomes.append(outcome)
    return outcomes


# ---------------------------------------------------------------------------------------------
# Taking the lines into the books


def _take_lines(run: BankStatementImport, lines, actor) -> dict:
    """Take ``lines`` of the import (the rows not taken yet) into the books; the counts."""
    done = set(
        BankLine.objects.filter(statement=run, row__in=[line.row for line in lines]).values_list(
            "row", flat=True
        )
    )
    lines = [line for line in lines if line.row not in done]
    counts = {"matched": 0, "review": 0, "duplicate": 0, "amount": ZERO}
    if not lines:
        return counts
    matcher = _Matcher(run.park_id, lines)
    for line in lines:
        outcome = matcher.outcome(line)
        values = {
            "statement": run,
            "park_id": run.park_id,
            "row": line.row,
            "key": line.key,
            "transaction_id": line.transaction_id,
            "booked_on": line.booked_on,
            "amount": line.amount,
            "payer_name": line.payer_name,
            "payer_account": line.payer_account,
            "summary": line.summary,
        }
        if outcome.status == BankLineStatus.DUPLICATE:
            made = BankLine.objects.create(
                status=BankLineStatus.DUPLICATE, duplicate_of_id=outcome.duplicate_of, **values
            )
            counts["duplicate"] += 1
        elif outcome.status == BankLineStatus.MATCHED:
            recorded = payment_record(
                actor=actor,
                bill=Bill(pk=outcome.bill_id),
                amount=line.amount,
                method=PaymentMethod.BANK_TRANSFER,
                paid_on=line.booked_on,
                idempotency_key=imports_bank.payment_key(run.park_id, line.key),
                reference=line.reference,
                source=PaymentSource.BANK_IMPORT,
            )
            made = BankLine.objects.create(
                status=BankLineStatus.MATCHED,
                method=outcome.method,
                bill_id=outcome.bill_id,
                payment=recorded.payment,
                **values,
            )
            counts["matched"] += 1
            counts["amount"] += line.amount
        else:
            made = BankLine.objects.create(
                status=BankLineStatus.REVIEW, review_reason=outcome.reason, **values
            )
            counts["review"] += 1
        matcher.take(line, outcome, made.pk)
    return counts


def _count(run: BankStatementImport, counts: dict, done_to: int) -> None:
    run.matched += counts["matched"]
    run.to_review += counts["review"]
    run.duplicates += counts["duplicate"]
    run.matched_amount += counts["amount"]
    run.lines_done = max(run.lines_done, done_to)
    run.save(update_fields=["matched", "to_review", "duplicates", "matched_amount", "lines_done"])


def _finish(run: BankStatementImport, error: str = "") -> BankStatementImport:
    run.status = ImportStatus.FAILED if error else ImportStatus.DONE
    run.error = error[:500]
    run.finished_at = clock.now()
    run.save(update_fields=["status", "error", "finished_at"])
    if error:
        audit.record(run.imported_by, "bank_import.fail", run, after={"error": run.error})
    else:
        audit.record(
            run.imported_by,
            "bank_import.finish",
            run,
            after={
                "matched": run.matched,
                "to_review": run.to_review,
                "duplicates": run.duplicates,
                "amount": str(run.matched_amount),
            },
        )
    return run


@service
def bank_import_confirm(*, actor, token) -> BankStatementImport:
    """The importer confirms a checked statement (R-BIL-4): the file is read again (its SHA-256
    must be the one checked), recorded once for the park — the same file twice is refused —
    and its credit lines taken into the books at once, or by the worker for a large file."""
    job = imports_bank.import_job_get_for_user(actor=actor, token=token)
    park = OrgUnit.objects.get(pk=job["park"])
    access.ensure(actor, "bank.import", park=park, requirement="R-BIL-4")
    earlier = (
        BankStatementImport.objects.filter(park=park, sha256=job["sha256"])
        .select_related("imported_by", "park")
        .first()
    )
    if earlier is not None:
        raise Conflict(
            "statement_already_imported",
            imports_bank.already_imported_message(earlier),
            requirement="R-BIL-4",
        )
    if job["status"] != imports_bank.CHECKED:
        raise Conflict(
            "import_not_ready",
            _("只有检查通过且尚未导入的文件才能导入（当前：%(status)s）。")
            % {"status": imports_bank.STATUS_LABELS.get(job["status"], job["status"])},
            requirement="R-PLT-5",
        )
    statement = imports_bank.read_stored(job["stored"], job["sha256"])
    if statement.error_count:
        raise Conflict(
            "import_not_ready", _("流水文件复查未通过，请重新上传。"), requirement="R-PLT-5"
        )
    run = BankStatementImport.objects.create(
        park=park,
        file_name=job["name"],
        sha256=job["sha256"],
        size=job["size"],
        stored=job["stored"],
        first_day=statement.first_day,
        last_day=statement.last_day,
        lines_total=len(statement.lines),
        debit_lines=statement.debit_lines,
        imported_by=actor,
        imported_at=clock.now(),
    )
    audit.record(
        actor,
        "bank_import.confirm",
        run,
        after={
            "file": run.file_name,
            "sha256": run.sha256,
            "lines": run.lines_total,
            "debit_lines": run.debit_lines,
        },
    )
    imported = {**job, "status": imports_bank.IMPORTED, "import_id": run.pk}
    transaction.on_commit(lambda: imports_bank.save_job(imported))
    if run.lines_total > imports_bank.BACKGROUND_FROM:
        from .tasks import bank_import_task

        transaction.on_commit(lambda: bank_import_task(run.pk))
        return run
    _count(run, _take_lines(run, statement.lines, actor), run.lines_total)
    return _finish(run)


@service
def _import_chunk(import_id: int, lines, done_to: int) -> None:
    run = BankStatementImport.objects.select_for_update(of=("self",), no_key=True).get(pk=import_id)
    _count(run, _take_lines(run, lines, run.imported_by), done_to)


@service
def _import_finish(import_id: int, *, error: str = "") -> BankStatementImport:
    run = BankStatementImport.objects.select_for_update(of=("self",), no_key=True).get(pk=import_id)
    return _finish(run, error)


def bank_import_execute(*, import_id: int) -> BankStatementImport:
    """The worker's part: the statement's lines in chunks, each its own transaction (a crash
    keeps what is done; running again takes only the rows not taken yet, and a payment once
    recorded is found by its key). A failure marks the import failed with its reason."""
    run = BankStatementImport.objects.get(pk=import_id)
    if run.status != ImportStatus.RUNNING:
        return run
    try:
        lines = imports_bank.read_stored(run.stored, run.sha256).lines
        for start in range(0, len(lines), CHUNK):
            _import_chunk(run.pk, lines[start : start + CHUNK], min(start + CHUNK, len(lines)))
    except Exception as exc:  # noqa: BLE001 - the import records why it stopped
        message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
        return _import_finish(run.pk, error=str(message))
    return _import_finish(run.pk)


# ---------------------------------------------------------------------------------------------
# The review list (待人工核对)


def _locked_line(line) -> BankLine:
    return (
        BankLine.objects.select_for_update(of=("self",), no_key=True)
        .select_related("bill", "park")
        .get(pk=line.pk)
    )


def _still_in_review(line: BankLine) -> None:
    if line.status != BankLineStatus.REVIEW:
        raise Conflict(
            "line_not_in_review",
            _("这笔流水已处理（%(status)s），不能再核对。") % {"status": line.get_status_display()},
            requirement="R-BIL-4",
        )


@service
def bank_line_match(*, actor, line: BankLine, bill: Bill, note: str = "") -> BankLine:
    """Finance matches a line waiting for review to a bill of its park by hand (R-BIL-4): the
    payment is recorded through ``payment_record`` with the line's own idempotency key — the one
    the import would have used — and the match is audited. Sending the same match again
    changes nothing; a line already handled otherwise is refused."""
    line = _locked_line(line)
    access.ensure(actor, "bank.match", line, requirement="R-BIL-4")
    if line.status == BankLineStatus.MATCHED and line.bill_id == getattr(bill, "pk", None):
        return line
    _still_in_review(line)
    note = check_length("note", note or "", 300, label=_("核对说明"), requirement="R-BIL-4")
    target = Bill.objects.filter(pk=getattr(bill, "pk", None), park_id=line.park_id).first()
    if target is None:
        raise ValidationFailed({"bill": [_("请选择本园区的账单。")]}, requirement="R-BIL-4")
    recorded = payment_record(
        actor=actor,
        bill=target,
        amount=line.amount,
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=line.booked_on,
        idempotency_key=imports_bank.payment_key(line.park_id, line.key),
        reference=(line.transaction_id or line.summary)[:60],
        source=PaymentSource.BANK_IMPORT,
    )
    before = {"status": line.status, "review_reason": line.review_reason}
    line.status = BankLineStatus.MATCHED
    line.method = MatchMethod.MANUAL
    line.bill = target
    line.payment = recorded.payment
    line.note = note.strip()
    line.handled_by = actor
    line.handled_at = clock.now()
    line.save(
        update_fields=["status", "method", "bill", "payment", "note", "handled_by", "handled_at"]
    )
    audit.record(
        actor,
        "bank_line.match",
        line,
        before=before,
        after={
            "status": line.status,
            "bill": target.number,
            "amount": str(line.amount),
            "applied": str(recorded.payment.applied),
            "credited": str(recorded.payment.credited),
        },
        reason=line.note,
    )
    return line


@service
def bank_line_ignore(*, actor, line: BankLine, reason: str) -> BankLine:
    """Finance marks a line waiting for review as not the park's money (非本园区款项: a
    refund from a supplier, interest, another company's transfer), with the reason; audited.
    Nothing is paid."""
    line = _locked_line(line)
    access.ensure(actor, "bank.match", line, requirement="R-BIL-4")
    _still_in_review(line)
    reason = check_length("reason", reason or "", 300, label=_("原因"), requirement="R-BIL-4")
    if not reason.strip():
        raise ValidationFailed(
            {"reason": [_("请说明这笔款项为什么不是本园区的。")]}, requirement="R-BIL-4"
        )
    before = {"status": line.status, "review_reason": line.review_reason}
    line.status = BankLineStatus.IGNORED
    line.note = reason.strip()
    line.handled_by = actor
    line.handled_at = clock.now()
    line.save(update_fields=["status", "note", "handled_by", "handled_at"])
    audit.record(
        actor,
        "bank_line.ignore",
        line,
        before=before,
        after={"status": line.status},
        reason=line.note,
    )
    return line


# ---------------------------------------------------------------------------------------------
# Invoice settings (数电发票)


@service
def invoice_setting_save(
    *, actor, park, kind: str, method: str, item_name: str = "", tax_code: str = "", rate=None
) -> InvoiceTaxSetting:
    """A park's classification of a charge kind for its invoice data, replacing the default
    (``invoices.DEFAULTS``) once its tax adviser confirmed it: the item, the 19-digit tax
    classification code and the rate; a kind not invoiced (押金) carries none. Audited with
    what it was before."""
    from . import invoices

    access.ensure(actor, "invoice.configure", park=park, requirement="R-BIL-6")
    if kind not in ChargeKind.values:
        raise ValidationFailed({"kind": [_("请选择费用类别。")]}, requirement="R-BIL-6")
    if method not in InvoiceMethod.values:
        raise ValidationFailed({"method": [_("请选择计税方式。")]}, requirement="R-BIL-6")
    item_name = check_length("item_name", (item_name or "").strip(), 60, requirement="R-BIL-6")
    tax_code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", tax_code or ""))
    if method == InvoiceMethod.NOT_INVOICED:
        item_name, tax_code, rate = "", "", ZERO
    else:
        errors = {}
        if not item_name:
            errors["item_name"] = [_("请填写货物或应税劳务、服务名称。")]
        if not re.fullmatch(r"\d{19}", tax_code):
            errors["tax_code"] = [_("税收分类编码为 19 位数字。")]
        try:
            rate = Decimal(str(rate).strip().rstrip("%")) if rate not in (None, "") else None
            if rate is not None and rate >= 1:
                rate = rate / 100  # "9" or "9%" means 9 %
        except ArithmeticError:
            rate = None
        if rate is None or rate not in RATES:
            errors["rate"] = [_("税率/征收率应为 13%、9%、6%、5%、3%、1% 或 0。")]
        if errors:
            raise ValidationFailed(errors, requirement="R-BIL-6")
    existing = (
        InvoiceTaxSetting.objects.select_for_update(of=("self",), no_key=True)
        .filter(park=park, kind=kind)
        .first()
    )
    default = invoices.default_classification(kind)
    shown = existing or default
    before = {
        "method": shown.method,
        "item_name": shown.item_name,
        "tax_code": shown.tax_code,
        "rate": str(shown.rate),
    }
    setting = existing or InvoiceTaxSetting(park=park, kind=kind)
    setting.method = method
    setting.item_name = item_name
    setting.tax_code = tax_code
    setting.rate = rate
    setting.updated_by = actor
    setting.updated_at = clock.now()
    setting.save()
    audit.record(
        actor,
        "invoice_setting.save",
        setting,
        before=before,
        after={
            "charge_kind": kind,
            "method": method,
            "item_name": item_name,
            "tax_code": tax_code,
            "rate": str(rate),
        },
    )
    return setting
