"""Writes of statements and disputes (R-BIL-5, R-BIL-6, Art.14). Each is a ``@service``: one
transaction, permission checked on the object, audited.

Lock order: the enterprise's row (issuing its statement), the statement, the dispute; a
resolution then goes through ``services.adjustment_make``, which locks the bill. Nothing here
edits a bill: a dispute upheld is corrected by a new adjustment line; a statement is never
changed once issued — it is superseded and issued again."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock, rules, sla
from parkflow.core.canonical import canonical
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import check_length

from . import services, statements
from .choices import CreditReason
from .choices_statements import OPEN_DISPUTES, DisputeStatus, StatementStatus
from .clocks import DISPUTE_RESOLUTION, DISPUTE_RESPONSE
from .models import Adjustment, Bill, CreditEntry, Payment
from .models_statements import Statement, StatementDispute, StatementLine

SYSTEM_OPERATIONS = {
    "statements_issue_monthly": "the monthly schedule issues last month's statement of every "
    "resident enterprise with activity in it (R-BIL-5); no person acts, each statement is "
    "audited as issued by the system",
}

# The clocks start when the enterprise raises its dispute: the portal user is not the one who
# handles it (the clocks' permission is finance's), the raising is the audited act.
BY_RAISING = "the enterprise raising its dispute"


def _text(field, value, max_length, label, *, requirement="R-BIL-5") -> str:
    text = check_length(field, value or "", max_length, label=label, requirement=requirement)
    text = text.strip()
    if not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement=requirement
        )
    return text


# ---------------------------------------------------------------------------------------------
# Issuing a statement


def _period(period_start, period_end) -> tuple[datetime.date, datetime.date]:
    today = clock.today()
    if period_start is None:
        return statements.previous_month(today)
    if not isinstance(period_start, datetime.date):
        raise ValidationFailed({"period_start": [_("请填写对账期间。")]}, requirement="R-BIL-5")
    if period_end is None:
        period_end = statements.month_of(period_start)[1]
    if not isinstance(period_end, datetime.date) or period_end < period_start:
        raise ValidationFailed(
            {"period_end": [_("对账期间的结束日不能早于开始日。")]}, requirement="R-BIL-5"
        )
    if period_end >= today:
        raise ValidationFailed(
            {"period_end": [_("对账期间须已结束（最晚到昨天），本期的收付尚未完成。")]},
            requirement="R-BIL-5",
        )
    if (period_end - period_start).days > 366 * 5:
        raise ValidationFailed({"period_end": [_("对账期间最长五年。")]}, requirement="R-BIL-5")
    return period_start, period_end


def _content_hash(header: dict, lines: list[dict], outstanding: list[dict]) -> str:
    """SHA-256 of the canonical text of what the statement says (R-BIL-5)."""
    text = canonical({"statement": header, "lines": lines, "outstanding": outstanding})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _line_facts(line: statements.Line) -> dict:
    return {
        "kind": line.kind,
        "date": line.date,
        "description": line.description,
        "amount": line.amount,
        "effect": line.effect,
        "balance": line.balance,
        "bill": line.bill_id,
        "payment": line.payment_id,
        "adjustment": line.adjustment_id,
        "credit_entry": line.credit_entry_id,
    }


def _outstanding_facts(row: statements.Outstanding) -> dict:
    return {
        "bill": row.bill_id,
        "number": row.number,
        "label": row.label,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "due_date": row.due_date.isoformat(),
        "due": str(row.due),
        "outstanding": str(row.outstanding),
    }


def _issue(actor, enterprise, period_start, period_end) -> Statement:
    """Compute, check and store the statement (the enterprise's row locked by the caller)."""
    existing = Statement.objects.filter(
        enterprise=enterprise,
        period_start=period_start,
        period_end=period_end,
        status=StatementStatus.ISSUED,
    ).first()
    if existing is not None:
        raise Conflict(
            "statement_exists",
            _(
                "%(enterprise)s %(period)s 的对账单已出具（%(number)s），不能重复出具；如需更正，"
                "请先作废原对账单再重新出具。"
            )
            % {
                "enterprise": enterprise.name,
                "period": existing.period_label,
                "number": existing.number,
            },
            requirement="R-BIL-5",
        )
    data = statements.compute(enterprise, period_start, period_end)
    if data.problems:
        raise Conflict(
            "statement_unbalanced",
            _("对账单余额不平，未出具：%(problem)s") % {"problem": "；".join(data.problems)},
            requirement="R-BIL-6",
        )
    t = data.totals
    outstanding = [_outstanding_facts(row) for row in data.outstanding]
    header = {
        "enterprise": enterprise.pk,
        "period_start": period_start,
        "period_end": period_end,
        "opening": data.opening,
        "billed": t.billed,
        "debits": t.debits,
        "credits": t.credits,
        "received": t.received,
        "credit_applied": t.credit_applied,
        "refunded": t.refunded,
        "closing": data.closing,
        "outstanding": data.outstanding_total,
        "prepaid": data.prepaid,
        "advance": data.advance,
    }
    digest = _content_hash(header, [_line_facts(line) for line in data.lines], outstanding)
    statement = Statement.objects.create(
        park_id=enterprise.park_id,
        enterprise=enterprise,
        period_start=period_start,
        period_end=period_end,
        opening=data.opening,
        billed=t.billed,
        debits=t.debits,
        credits=t.credits,
        received=t.received,
        credit_applied=t.credit_applied,
        refunded=t.refunded,
        closing=data.closing,
        outstanding=data.outstanding_total,
        prepaid=data.prepaid,
        advance=data.advance,
        outstanding_bills=outstanding,
        issued_at=clock.now(),
        issued_by=actor,
        content_hash=digest,
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            position=position,
            kind=line.kind,
            date=line.date,
            description=line.description[:400],
            amount=line.amount,
            effect=line.effect,
            balance=line.balance,
            bill_id=line.bill_id,
            payment_id=line.payment_id,
            adjustment_id=line.adjustment_id,
            credit_entry_id=line.credit_entry_id,
        )
        for position, line in enumerate(data.lines, start=1)
    )
    audit.record(
        actor,
        "statement.issue",
        statement,
        after={
            "period": f"{period_start}~{period_end}",
            "opening": str(data.opening),
            "closing": str(data.closing),
            "lines": len(data.lines),
            "content_hash": digest,
        },
    )
    return statement


def _locked_enterprise(enterprise):
    from parkflow.enterprises.models import Enterprise

    return Enterprise.objects.select_for_update(of=("self",), no_key=True).get(pk=enterprise.pk)


@service
def statement_issue(
    *,
    actor,
    enterprise,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Statement:
    """Issue the statement of ``enterprise`` for a period that has ended (default: last month;
    a month when only its first day is given; any range up to five years). Once per (enterprise,
    period): a second is refused until the first is superseded (R-BIL-5). Its lines are stored
    as computed now, and it is issued only if it reconciles to the fen (R-BIL-6)."""
    access.ensure(actor, "statement.issue", enterprise, requirement="R-BIL-5")
    period_start, period_end = _period(period_start, period_end)
    enterprise = _locked_enterprise(enterprise)
    return _issue(actor, enterprise, period_start, period_end)


@service
def statement_supersede(*, actor, statement: Statement, reason: str) -> Statement:
    """Set an issued statement aside (作废) so the period can be issued again — after a payment
    recorded late with an earlier date, say. It stays on record with the reason; a statement
    with an open dispute is settled first."""
    statement = Statement.objects.select_for_update(of=("self",), no_key=True).get(pk=statement.pk)
    access.ensure(actor, "statement.issue", statement, requirement="R-BIL-5")
    reason = _text("reason", reason, 300, _("作废原因"))
    if statement.status != StatementStatus.ISSUED:
        raise Conflict(
            "statement_superseded",
            _("该对账单已作废。"),
            requirement="R-BIL-5",
        )
    if statement.disputes.filter(status__in=OPEN_DISPUTES).exists():
        raise Conflict(
            "statement_disputed",
            _("该对账单有未办结的争议，请先处理争议再作废重出。"),
            requirement="R-BIL-5",
        )
    statement.status = StatementStatus.SUPERSEDED
    statement.superseded_at = clock.now()
    statement.superseded_by = actor
    statement.supersede_reason = reason
    statement.save(update_fields=["status", "superseded_at", "superseded_by", "supersede_reason"])
    audit.record(
        actor,
        "statement.supersede",
        statement,
        before={"statement_status": StatementStatus.ISSUED},
        after={"statement_status": statement.status},
        reason=reason,
    )
    return statement


def _active_enterprise_ids(start: datetime.date, end: datetime.date) -> set[int]:
    """Resident enterprises with a movement dated in the period (four queries)."""
    from parkflow.enterprises.choices import EnterpriseStatus

    since = statements._midnight(start)
    until = statements._midnight(end + datetime.timedelta(days=1))
    resident = Q(enterprise__status=EnterpriseStatus.RESIDENT)
    ids = set(
        Bill.objects.filter(resident, period_start__gte=start, period_start__lte=end)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    ids |= set(
        Payment.objects.filter(resident, paid_on__gte=start, paid_on__lte=end)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    ids |= set(
        Adjustment.objects.filter(
            bill__enterprise__status=EnterpriseStatus.RESIDENT,
            made_at__gte=since,
            made_at__lt=until,
        )
        .values_list("bill__enterprise_id", flat=True)
        .distinct()
    )
    ids |= set(
        CreditEntry.objects.filter(
            resident, reason=CreditReason.REFUNDED, created_at__gte=since, created_at__lt=until
        )
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    return ids


@service
def _issue_for_system(enterprise_id: int, start, end) -> Statement | None:
    from parkflow.enterprises.models import Enterprise

    enterprise = _locked_enterprise(Enterprise(pk=enterprise_id))
    if Statement.objects.filter(
        enterprise=enterprise,
        period_start=start,
        period_end=end,
        status=StatementStatus.ISSUED,
    ).exists():
        return None
    return _issue(None, enterprise, start, end)


def statements_issue_monthly(*, today: datetime.date | None = None) -> int:
    """The monthly schedule: last month's statement of every resident enterprise with activity
    in it, issued by the system; one transaction each; an enterprise whose statement of the
    month exists is left as it is (running again issues nothing twice)."""
    start, end = statements.previous_month(today or clock.today())
    done = set(
        Statement.objects.filter(
            period_start=start, period_end=end, status=StatementStatus.ISSUED
        ).values_list("enterprise_id", flat=True)
    )
    issued = 0
    for enterprise_id in sorted(_active_enterprise_ids(start, end) - done):
        if _issue_for_system(enterprise_id, start, end) is not None:
            issued += 1
    return issued


# ---------------------------------------------------------------------------------------------
# Downloads (scoped and audited)


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    content_type: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@service
def statement_download(*, actor, statement: Statement, fmt: str) -> Document:
    """The statement as Excel or PDF, for whoever may see it (its park's staff, the
    enterprise's own users); every download is an audit event (R-PLT-1)."""
    from . import exports_statements, pdf

    access.ensure(actor, "statement.view", statement, requirement="R-BIL-5")
    if fmt not in ("xlsx", "pdf"):
        raise ValidationFailed({"fmt": [_("请选择 Excel 或 PDF。")]}, requirement="R-BIL-5")
    statement = Statement.objects.select_related("park", "enterprise").get(pk=statement.pk)
    if fmt == "xlsx":
        content, content_type = exports_statements.statement_workbook(statement), XLSX
    else:
        content, content_type = pdf.statement_pdf(statement), PDF
    audit.record(actor, "statement.download", statement, after={"format": fmt})
    name = f"对账单-{statement.enterprise.name}-{statement.period_start:%Y%m}.{fmt}"
    return Document(content, name, content_type)


# ---------------------------------------------------------------------------------------------
# Disputes: 待处理 → 核查中 → 已解决（调账）/ 已驳回


def _locked_dispute(dispute) -> StatementDispute:
    return (
        StatementDispute.objects.select_for_update(of=("self",), no_key=True)
        .select_related("statement", "line", "enterprise")
        .get(pk=dispute.pk)
    )


def _state_refused(dispute) -> Conflict:
    return Conflict(
        "dispute_state",
        _("该争议当前为“%(status)s”，不能执行此操作。") % {"status": dispute.get_status_display()},
        requirement="R-BIL-5",
    )


@service
def dispute_raise(*, actor, line: StatementLine, reason: str) -> StatementDispute:
    """The enterprise disputes one line of its issued statement, in the portal, with its reason
    (R-BIL-5). Staff cannot raise one on its behalf. One open dispute per line. Finance has
    the response and resolution clocks running from now."""
    line = StatementLine.objects.select_related("statement").get(pk=line.pk)
    statement = line.statement
    access.ensure(actor, "dispute.raise", statement, requirement="R-BIL-5")
    reason = _text("reason", reason, 2000, _("争议理由"))
    if statement.status != StatementStatus.ISSUED:
        raise Conflict(
            "statement_superseded",
            _("该对账单已作废，请对重新出具的对账单提出争议。"),
            requirement="R-BIL-5",
        )
    if StatementDispute.objects.filter(line=line, status__in=OPEN_DISPUTES).exists():
        raise Conflict(
            "dispute_open",
            _("这一行已有未办结的争议，请等待园区财务答复。"),
            requirement="R-BIL-5",
        )
    dispute = StatementDispute.objects.create(
        park_id=statement.park_id,
        enterprise_id=statement.enterprise_id,
        statement=statement,
        line=line,
        reason=reason,
        raised_by=actor,
        raised_at=clock.now(),
    )
    audit.record(
        actor,
        "dispute.raise",
        dispute,
        after={
            "line": line.description,
            "amount": str(line.amount),
            "dispute_status": dispute.status,
        },
        reason=reason[:500],
    )
    for declared in (DISPUTE_RESPONSE, DISPUTE_RESOLUTION):
        sla.start(actor=actor, obj=dispute, clock=declared, authorised_by=BY_RAISING)
    rules.evaluate_on_commit(dispute)
    return dispute


def _stop(actor, dispute, declared) -> None:
    row = sla.clocks_for(StatementDispute.objects.filter(pk=dispute.pk), declared).first()
    if row is not None and row.is_active:
        sla.stop(actor=actor, obj=dispute, clock=declared)


@service
def dispute_take(*, actor, dispute: StatementDispute) -> StatementDispute:
    """Finance takes the dispute up (核查中): the response clock stops; the taker handles it."""
    dispute = _locked_dispute(dispute)
    access.ensure(actor, "dispute.handle", dispute, requirement="R-BIL-5")
    if dispute.status != DisputeStatus.OPEN:
        raise _state_refused(dispute)
    dispute.status = DisputeStatus.INVESTIGATING
    dispute.handler = actor
    dispute.taken_at = clock.now()
    dispute.save(update_fields=["status", "handler", "taken_at"])
    audit.record(
        actor,
        "dispute.take",
        dispute,
        before={"dispute_status": DisputeStatus.OPEN},
        after={"dispute_status": dispute.status},
    )
    _stop(actor, dispute, DISPUTE_RESPONSE)
    rules.evaluate_on_commit(dispute)
    return dispute


def _adjustment_reason(dispute, outcome: str) -> str:
    """The adjustment says which dispute it settles (its reason holds 300 characters)."""
    reason = _("对账争议 #%(pk)s：%(outcome)s") % {"pk": dispute.pk, "outcome": outcome}
    return reason if len(reason) <= 300 else reason[:299] + "…"


def _settle(dispute, status, outcome) -> None:
    dispute.status = status
    dispute.outcome = outcome
    dispute.decided_at = clock.now()


@service
def dispute_resolve(
    *, actor, dispute: StatementDispute, kind: str, amount, outcome: str
) -> StatementDispute:
    """The dispute is upheld: the bill of the disputed line is corrected by a new adjustment
    (``services.adjustment_make``: a credit or a debit with its reason — the bill itself is never
    edited, R-BIL-5), and the enterprise reads the outcome in the portal."""
    dispute = _locked_dispute(dispute)
    access.ensure(actor, "dispute.handle", dispute, requirement="R-BIL-5")
    if dispute.status != DisputeStatus.INVESTIGATING:
        raise _state_refused(dispute)
    outcome = _text("outcome", outcome, 2000, _("处理结果"))
    if dispute.line.bill_id is None:
        raise Conflict(
            "dispute_no_bill",
            _("这一行不对应账单（如退款），无法调账；请核实后书面答复（驳回并说明）。"),
            requirement="R-BIL-5",
        )
    adjustment = services.adjustment_make(
        actor=actor,
        bill=Bill(pk=dispute.line.bill_id),
        kind=kind,
        amount=amount,
        reason=_adjustment_reason(dispute, outcome),
    )
    _settle(dispute, DisputeStatus.RESOLVED, outcome)
    dispute.adjustment = adjustment
    dispute.save(update_fields=["status", "outcome", "decided_at", "adjustment"])
    audit.record(
        actor,
        "dispute.resolve",
        dispute,
        before={"dispute_status": DisputeStatus.INVESTIGATING},
        after={
            "dispute_status": dispute.status,
            "adjustment": adjustment.pk,
            "kind": adjustment.kind,
            "amount": str(adjustment.amount),
            "outcome": outcome[:500],
        },
    )
    _stop(actor, dispute, DISPUTE_RESOLUTION)
    rules.evaluate_on_commit(dispute)
    return dispute


@service
def dispute_reject(*, actor, dispute: StatementDispute, reason: str) -> StatementDispute:
    """The dispute is not upheld: finance says why in writing; the enterprise reads it in the
    portal. Nothing on the bill changes."""
    dispute = _locked_dispute(dispute)
    access.ensure(actor, "dispute.handle", dispute, requirement="R-BIL-5")
    if dispute.status != DisputeStatus.INVESTIGATING:
        raise _state_refused(dispute)
    reason = _text("reason", reason, 2000, _("驳回理由"))
    _settle(dispute, DisputeStatus.REJECTED, reason)
    dispute.save(update_fields=["status", "outcome", "decided_at"])
    audit.record(
        actor,
        "dispute.reject",
        dispute,
        before={"dispute_status": DisputeStatus.INVESTIGATING},
        after={"dispute_status": dispute.status, "outcome": reason[:500]},
        reason=reason[:500],
    )
    _stop(actor, dispute, DISPUTE_RESOLUTION)
    rules.evaluate_on_commit(dispute)
    return dispute
