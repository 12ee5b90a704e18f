"""Writes of billing (SPEC §5, Art.14): bills from what the enterprise agreed to, payments that
a retry cannot double, the prepaid balance and adjustments. Each is a ``@service``: one
transaction, permission checked, audited.

Lock order (D17, ``core.db``): the enterprise's row (only where its prepaid balance is spent),
then the bill's row; inserts and the audit events last.

Money (R-BIL-6): Decimal CNY to the fen, rounded half up (``agreements.models.yuan``, D45:
四舍五入, the rule of Chinese invoices and bank statements). Every amount a service writes is
rounded once, where it is computed; sums of rounded amounts are exact."""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement, FeeLine, yuan
from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import check_length

from .charges import Charge, charges_of, due_date_for, duplicate_message
from .choices import (
    AdjustmentKind,
    BillSource,
    BillStatus,
    ChargeKind,
    CreditReason,
    PaymentMethod,
    PaymentSource,
    RunStatus,
)
from .models import Adjustment, Bill, BillRun, CreditEntry, Payment
from .selectors import credit_balance

SYSTEM_OPERATIONS = {
    "bill_run_execute": "the worker carries out a bill run a person (or the monthly schedule) "
    "started; the run's starter was checked when it was started (R-BIL-1)",
    "bill_runs_monthly": "the monthly schedule starts each park's run on the first day of the "
    "month (R-BIL-1, the duty billing.monthly_bills); no person acts",
}

ZERO = Decimal("0")
RUN_CHUNK = 200  # agreements per transaction of a run: the progress moves, locks stay short
# R-BIL-2's refusal, said the same way on every interface.
DUPLICATE = "duplicate_charge"


def _status(amount: Decimal, adjusted: Decimal, paid: Decimal) -> str:
    if paid >= amount + adjusted:
        return BillStatus.PAID
    return BillStatus.PARTIAL if paid > 0 else BillStatus.OPEN


def _money(field: str, value, label: str, *, requirement="R-BIL-6", positive=True) -> Decimal:
    """A caller's amount: a number of yuan with at most two decimals (never rounded silently:
    1.005 is refused, not charged as 1.01)."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("¥", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(
            {field: [_("%(label)s须为金额（元），如 1234.50。") % {"label": label}]},
            requirement=requirement,
        ) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            {field: [_("%(label)s最多保留两位小数（分）。") % {"label": label}]},
            requirement=requirement,
        )
    if positive and amount <= 0:
        raise ValidationFailed(
            {field: [_("%(label)s须大于零。") % {"label": label}]}, requirement=requirement
        )
    if abs(amount) >= Decimal("1e12"):
        raise ValidationFailed(
            {field: [_("%(label)s超出允许范围。") % {"label": label}]}, requirement=requirement
        )
    return yuan(amount)


# --- bills from fee schedules (R-BIL-1 … R-BIL-3) ----------------------------------------------


def _month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=1) + relativedelta(months=1, days=-1)


def _billable_agreements(park_id: int):
    """Signed agreements carry the fee schedules that are billed. An amendment, once signed,
    supersedes the version it amends: its own schedule is billed from then on (the periods
    the earlier version already billed are not billed again, see ``_already_billed``)."""
    return Agreement.objects.filter(park_id=park_id, status=AgreementStatus.SIGNED)


class _Billed:
    """The charges already billed for these agreements' schedules — by fee line, and, for an
    amendment, by what the versions it amends billed: (number, kind, service item, label,
    period start) billed under another version of the same number is not billed again."""

    def __init__(self, agreements: list[Agreement]):
        # The agreements' own bills, read from the unique index (agreement, fee line, period)
        # alone: a run reads every period its lines ever billed, so this must stay cheap as
        # the years of bills grow (bench/billing.py).
        self.lines: set[tuple] = set(
            Bill.objects.filter(
                agreement__in=[agreement.pk for agreement in agreements], fee_line__isnull=False
            ).values_list("fee_line_id", "period_start")
        )
        self.versions: dict[tuple, set[int]] = {}
        # What another version of the same number billed matters only where there is another
        # version: the joins below run for amended agreements alone.
        numbers = {agreement.number for agreement in agreements}
        amended = (
            Agreement.objects.filter(number__in=numbers)
            .values("number")
            .annotate(versions=Count("id"))
            .filter(versions__gt=1)
            .values("number")
        )
        rows = Bill.objects.filter(
            source=BillSource.FEE_SCHEDULE, agreement__number__in=amended
        ).values_list(
            "agreement_id",
            "agreement__number",
            "fee_line_id",
            "fee_line__kind",
            "fee_line__service_item_id",
            "fee_line__label",
            "period_start",
        )
        for agreement_id, number, line_id, kind, item, label, start in rows:
            self.add(agreement_id, number, line_id, kind, item, label, start)

    def add(self, agreement_id, number, line_id, kind, item, label, start) -> None:
        self.lines.add((line_id, start))
        self.versions.setdefault((number, kind, item, label, start), set()).add(agreement_id)

    def billed(self, agreement: Agreement, line: FeeLine, start: datetime.date) -> bool:
        if (line.pk, start) in self.lines:
            return True
        versions = self.versions.get(
            (agreement.number, line.kind, line.service_item_id, line.label, start), set()
        )
        return bool(versions - {agreement.pk})

    def take(self, agreement: Agreement, line: FeeLine, start: datetime.date) -> None:
        self.add(
            agreement.pk,
            agreement.number,
            line.pk,
            line.kind,
            line.service_item_id,
            line.label,
            start,
        )


def _bill_for(charge: Charge, agreement: Agreement, *, actor, now) -> Bill:
    line = charge.fee_line
    return Bill(
        park_id=agreement.park_id,
        enterprise_id=agreement.enterprise_id,
        source=BillSource.FEE_SCHEDULE,
        agreement=agreement,
        fee_line=line,
        kind=line.kind,
        label=line.label,
        period_start=charge.period_start,
        period_end=charge.period_end,
        quantity=line.quantity,
        unit_price=charge.unit_price,
        price_ceiling=charge.unit_price,
        amount=charge.amount,
        due_date=due_date_for(charge.period_start, now.date()),
        issued_at=now,
        issued_by=actor,
    )


def _generate(actor, agreements: list[Agreement], through: datetime.date) -> tuple[list, int]:
    """The bills of these agreements' charges starting on or before ``through`` not yet
    issued; (created bills, charges already billed). Bulk: one read of what exists, one
    insert, one insert of the audit events."""
    if not agreements:
        return [], 0
    lines = list(
        FeeLine.objects.filter(agreement__in=agreements, start_date__lte=through).order_by(
            "agreement_id", "position"
        )
    )
    by_id = {agreement.pk: agreement for agreement in agreements}
    billed = _Billed(agreements)
    now = clock.now()
    new, skipped = [], 0
    for line in lines:
        agreement = by_id[line.agreement_id]
        for charge in charges_of(line):
            if charge.period_start > through:
                break
            if billed.billed(agreement, line, charge.period_start):
                skipped += 1
                continue
            billed.take(agreement, line, charge.period_start)
            new.append(_bill_for(charge, agreement, actor=actor, now=now))
    made = Bill.objects.bulk_create(new, batch_size=1000)
    audit.record_many(
        audit.build(
            actor,
            "bill.issue",
            bill,
            after={
                "period": f"{bill.period_start}~{bill.period_end}",
                "amount": str(bill.amount),
            },
        )
        for bill in made
    )
    return made, skipped


@dataclass(frozen=True)
class Issued:
    """What ``bill_issue`` did: the bill, and whether this call created it (False: it was
    billed already and this attempt was refused and recorded, R-BIL-2)."""

    bill: Bill
    created: bool


def _refuse_duplicate(actor, existing: Bill) -> Issued:
    audit.record(
        actor,
        "bill.duplicate_refused",
        existing,
        after={"period": f"{existing.period_start}~{existing.period_end}"},
        reason=_("同一协议、同一费用、同一期间只能出一张账单"),
    )
    return Issued(existing, False)


@service
def bill_issue(*, actor, fee_line: FeeLine, period_start: datetime.date) -> Issued:
    """On demand: the bill of one period of a signed agreement's fee line. A second attempt —
    concurrent or not — creates nothing: it is refused, and the refusal is recorded on the
    existing bill (R-BIL-2). The unique constraint settles a race; the loser's savepoint
    catches it and records its refusal."""
    fee_line = FeeLine.objects.select_related("agreement").get(pk=fee_line.pk)
    agreement = fee_line.agreement
    access.ensure(actor, "bill.issue", agreement.enterprise, requirement="R-BIL-1")
    if agreement.status != AgreementStatus.SIGNED:
        raise Conflict(
            "agreement_not_signed",
            _("只有已签署协议的费用可以出账（协议“%(title)s”当前为%(status)s）。")
            % {"title": agreement.title, "status": agreement.get_status_display()},
            requirement="R-BIL-1",
        )
    charge = next((c for c in charges_of(fee_line) if c.period_start == period_start), None)
    if charge is None:
        raise ValidationFailed(
            {"period_start": [_("该费用没有从此日开始的计费期间。")]}, requirement="R-BIL-1"
        )
    if _Billed([agreement]).billed(agreement, fee_line, period_start):
        existing = (
            Bill.objects.filter(
                agreement__number=agreement.number,
                fee_line__kind=fee_line.kind,
                fee_line__label=fee_line.label,
                period_start=period_start,
            )
            .order_by("pk")
            .first()
        )
        return _refuse_duplicate(actor, existing)
    try:
        with transaction.atomic():
            bill = _bill_for(charge, agreement, actor=actor, now=clock.now())
            bill.save()
    except IntegrityError:
        existing = Bill.objects.get(
            agreement=agreement, fee_line=fee_line, period_start=period_start
        )
        return _refuse_duplicate(actor, existing)
    audit.record(
        actor,
        "bill.issue",
        bill,
        after={"period": f"{bill.period_start}~{bill.period_end}", "amount": str(bill.amount)},
    )
    return Issued(bill, True)


@service
def bill_charge(
    *,
    actor,
    enterprise,
    source: str,
    source_key: str,
    label: str,
    quantity,
    unit_price,
    price_ceiling,
    service_date: datetime.date,
) -> Bill:
    """The bill of a charge that is not on a fee schedule — a completed value-added service
    order, the admission fee — priced by the calling domain from what the enterprise agreed to
    (``price_ceiling``: the catalogue or tariff price). Once per (source, key); never above
    the agreed price."""
    access.ensure(actor, "bill.issue", enterprise, requirement="R-BIL-1")
    if source not in BillSource.values or source == BillSource.FEE_SCHEDULE:
        raise ValueError(f"bill_charge: not a charge source: {source!r}")
    key = check_length("source_key", str(source_key), 40, requirement="R-BIL-2")
    quantity = _money("quantity", quantity, _("数量"), requirement="R-BIL-1")
    unit_price = _money("unit_price", unit_price, _("单价"), requirement="R-BIL-3", positive=False)
    ceiling = yuan(price_ceiling)
    if unit_price > ceiling:
        raise ValidationFailed(
            {
                "unit_price": [
                    _("单价 %(price)s 元高于约定价格 %(ceiling)s 元：不得擅自提高收费标准。")
                    % {"price": unit_price, "ceiling": ceiling}
                ]
            },
            requirement="R-BIL-3",
        )
    existing = Bill.objects.filter(source=source, source_key=key).first()
    if existing is not None:
        raise Conflict(DUPLICATE, duplicate_message(existing), requirement="R-BIL-2")
    now = clock.now()
    bill = Bill.objects.create(
        park_id=enterprise.park_id,
        enterprise=enterprise,
        source=source,
        source_key=key,
        kind=ChargeKind.VAS if source == BillSource.VAS_ORDER else ChargeKind.ADMISSION,
        label=check_length("label", label, 80, requirement="R-BIL-1"),
        period_start=service_date,
        period_end=service_date,
        quantity=quantity,
        unit_price=unit_price,
        price_ceiling=ceiling,
        amount=yuan(unit_price * quantity),
        due_date=due_date_for(service_date, now.date()),
        issued_at=now,
        issued_by=actor,
    )
    audit.record(actor, "bill.issue", bill, after={"source": source, "amount": str(bill.amount)})
    return bill


# --- bill runs: a park's bills up to a month, with progress (R-BIL-1) --------------------------


def _month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


@service
def bill_run_start(*, actor, park, month: datetime.date) -> BillRun:
    """Start generating a park's bills up to the end of ``month`` (catching up any earlier
    period not billed yet). The worker does the work in chunks, so a park of 10,000
    enterprises shows its progress and never holds a request. One run of a park at a time."""
    access.ensure(actor, "bill.issue", park=park, requirement="R-BIL-1")
    latest = _month(clock.today()) + relativedelta(months=1)
    if month is None or _month(month) > latest:
        raise ValidationFailed(
            {"month": [_("只能出账至下个月（账单按期预先出具）。")]}, requirement="R-BIL-1"
        )
    if BillRun.objects.filter(park=park, status=RunStatus.RUNNING).exists():
        raise Conflict(
            "run_in_progress",
            _("该园区正在出账，请等待本次出账完成。"),
            requirement="R-BIL-1",
        )
    run = BillRun.objects.create(
        park=park,
        month=_month(month),
        agreements_total=_billable_agreements(park.pk).count(),
        started_by=actor,
        started_at=clock.now(),
    )
    audit.record(actor, "bill_run.start", run, after={"month": f"{run.month:%Y-%m}"})
    from .tasks import bill_run_task

    transaction.on_commit(lambda: bill_run_task(run.pk))
    return run


@service
def _run_chunk(run_id: int, agreement_ids: list[int], through: datetime.date) -> None:
    run = BillRun.objects.select_for_update(of=("self",), no_key=True).get(pk=run_id)
    agreements = list(Agreement.objects.filter(pk__in=agreement_ids))
    made, skipped = _generate(run.started_by, agreements, through)
    run.agreements_done += len(agreement_ids)
    run.bills_created += len(made)
    run.already_billed += skipped
    run.amount_created += sum((bill.amount for bill in made), ZERO)
    run.save(update_fields=["agreements_done", "bills_created", "already_billed", "amount_created"])


@service
def _run_admission_fees(run_id: int, through: datetime.date) -> None:
    """The admission fees intake charged (the published tariff, R-ENT-5) become bills of the
    park's ledger, once each (source ``admission``, keyed by the fee): statements and the
    receivables then count them like every other charge."""
    from parkflow.intake.models import AdmissionFee

    run = BillRun.objects.select_for_update(of=("self",), no_key=True).get(pk=run_id)
    fees = AdmissionFee.objects.filter(
        enterprise__park_id=run.park_id, charged_at__date__lte=through
    ).select_related("tariff")
    keys = set(
        Bill.objects.filter(park_id=run.park_id, source=BillSource.ADMISSION).values_list(
            "source_key", flat=True
        )
    )
    now = clock.now()
    new = [
        Bill(
            park_id=run.park_id,
            enterprise_id=fee.enterprise_id,
            source=BillSource.ADMISSION,
            source_key=str(fee.pk),
            kind=ChargeKind.ADMISSION,
            label=_("入驻费"),
            period_start=fee.charged_at.date(),
            period_end=fee.charged_at.date(),
            quantity=Decimal("1"),
            unit_price=fee.amount,
            price_ceiling=fee.tariff.amount,
            amount=fee.amount,
            due_date=due_date_for(fee.charged_at.date(), now.date()),
            issued_at=now,
            issued_by=run.started_by,
        )
        for fee in fees
        if str(fee.pk) not in keys
    ]
    made = Bill.objects.bulk_create(new)
    audit.record_many(
        audit.build(
            run.started_by,
            "bill.issue",
            bill,
            after={"source": bill.source, "amount": str(bill.amount)},
        )
        for bill in made
    )
    run.bills_created += len(made)
    run.amount_created += sum((bill.amount for bill in made), ZERO)
    run.save(update_fields=["bills_created", "amount_created"])


@service
def _run_finish(run_id: int, *, error: str = "") -> BillRun:
    run = BillRun.objects.select_for_update(of=("self",), no_key=True).get(pk=run_id)
    run.status = RunStatus.FAILED if error else RunStatus.DONE
    run.error = error[:300]
    run.finished_at = clock.now()
    run.save(update_fields=["status", "error", "finished_at"])
    audit.record(
        run.started_by,
        "bill_run.fail" if error else "bill_run.finish",
        run,
        after={
            "bills_created": run.bills_created,
            "already_billed": run.already_billed,
            "amount": str(run.amount_created),
        },
    )
    if not error:
        _fulfil_month(run)
    return run


def _fulfil_month(run: BillRun) -> None:
    """A completed run of the current month is the month's billing duty done for that park
    (R-MON-3), with the run as its evidence."""
    from parkflow.duties.services import task_fulfil

    from .duties import MONTHLY_BILLS

    if run.month != _month(clock.today()):
        return
    task_fulfil(
        actor=None,
        duty=MONTHLY_BILLS,
        obj=run,
        unit=run.park,
        note=_("%(month)s 出账完成：新出账单 %(n)s 张，金额 %(amount)s 元。")
        % {
            "month": f"{run.month:%Y年%m月}",
            "n": run.bills_created,
            "amount": f"{run.amount_created:,.2f}",
        },
    )


def bill_run_execute(*, run_id: int) -> BillRun:
    """The worker's part: every signed agreement of the park in chunks of ``RUN_CHUNK``, each
    chunk its own transaction (a crash keeps what is done; running again creates only what is
    missing). A failure marks the run failed with its reason."""
    run = BillRun.objects.get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return run
    through = _month_end(run.month)
    ids = list(_billable_agreements(run.park_id).order_by("pk").values_list("pk", flat=True))
    try:
        for index in range(0, len(ids), RUN_CHUNK):
            _run_chunk(run.pk, ids[index : index + RUN_CHUNK], through)
        _run_admission_fees(run.pk, through)
    except Exception as exc:  # noqa: BLE001 - the run records why it stopped
        return _run_finish(run.pk, error=str(exc) or exc.__class__.__name__)
    return _run_finish(run.pk)


def bill_runs_monthly(*, today: datetime.date | None = None) -> int:
    """The monthly schedule: every park with signed agreements gets a run of this month,
    started by the system. A park whose run is already going is left to it."""
    from parkflow.org.models import OrgUnit

    today = today or clock.today()
    started = 0
    park_ids = set(
        Agreement.objects.filter(status=AgreementStatus.SIGNED).values_list("park_id", flat=True)
    )
    for park in OrgUnit.objects.filter(pk__in=park_ids).order_by("pk"):
        if BillRun.objects.filter(park=park, status=RunStatus.RUNNING).exists():
            continue
        run = _system_run(park, today)
        bill_run_execute(run_id=run.pk)
        started += 1
    return started


@service
def _system_run(park, today: datetime.date) -> BillRun:
    run = BillRun.objects.create(
        park=park,
        month=_month(today),
        agreements_total=_billable_agreements(park.pk).count(),
        started_at=clock.now(),
    )
    audit.record(None, "bill_run.start", run, after={"month": f"{run.month:%Y-%m}"})
    return run


# --- payments (R-BIL-4) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What ``payment_record`` did: the payment, and whether it was recorded by an earlier
    request with the same idempotency key (a retry, answered with the original result)."""

    payment: Payment
    replayed: bool


def _digest(**fields) -> str:
    canonical = json.dumps(
        {key: str(value) for key, value in fields.items()}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotency_key(value) -> str:
    key = str(value or "").strip()
    if not key or len(key) > 80:
        raise ValidationFailed(
            {"idempotency_key": [_("请提供幂等键（1–80个字符），重试时使用同一个键。")]},
            requirement="R-BIL-4",
        )
    return key


def _replay(key: str, digest: str) -> Recorded | None:
    earlier = Payment.objects.select_related("bill").filter(idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.request_digest != digest:
        raise Conflict(
            "idempotency_key_reused",
            _(
                "该幂等键已用于另一笔收款（%(number)s，%(amount)s 元）；重试请原样提交，新收款请使用新的键。"
            )
            % {"number": earlier.bill.number, "amount": earlier.amount},
            requirement="R-BIL-4",
        )
    return Recorded(earlier, True)


def _locked_bill(bill) -> Bill:
    return Bill.objects.select_for_update(of=("self",), no_key=True).get(pk=bill.pk)


def _apply(actor, bill: Bill, amount: Decimal, **payment) -> Payment:
    """Apply money to a locked bill: what is still due is paid, the rest becomes prepaid
    credit in the same transaction — never a silent change (R-BIL-4)."""
    applied = min(amount, max(bill.outstanding, ZERO))
    credited = amount - applied
    before = {"paid": str(bill.paid), "status": bill.status}
    now = clock.now()
    made = Payment.objects.create(
        park_id=bill.park_id,
        enterprise_id=bill.enterprise_id,
        bill=bill,
        amount=amount,
        applied=applied,
        credited=credited,
        recorded_by=actor,
        recorded_at=now,
        **payment,
    )
    bill.paid += applied
    bill.status = _status(bill.amount, bill.adjusted, bill.paid)
    bill.save(update_fields=["paid", "status"])
    if credited:
        CreditEntry.objects.create(
            park_id=bill.park_id,
            enterprise_id=bill.enterprise_id,
            amount=credited,
            reason=CreditReason.OVERPAYMENT,
            payment=made,
            created_by=actor,
            created_at=now,
        )
    audit.record(
        actor,
        "payment.record",
        made,
        before=before,
        after={
            "amount": str(amount),
            "applied": str(applied),
            "credited": str(credited),
            "paid": str(bill.paid),
            "status": bill.status,
        },
    )
    return made


@service
def payment_record(
    *,
    actor,
    bill: Bill,
    amount,
    method: str,
    paid_on: datetime.date,
    idempotency_key: str,
    reference: str = "",
    source: str = PaymentSource.MANUAL,
) -> Recorded:
    """Record money received for a bill. Idempotent: a retried request with the same key
    returns the original payment (``replayed``); the same key with another body is refused.
    Partial payments are fine; what exceeds the bill goes to the prepaid balance."""
    key = _idempotency_key(idempotency_key)
    if method not in PaymentMethod.values or method == PaymentMethod.CREDIT:
        raise ValidationFailed({"method": [_("请选择收款方式。")]}, requirement="R-BIL-4")
    amount = _money("amount", amount, _("收款金额"), requirement="R-BIL-4")
    reference = check_length("reference", reference or "", 60, requirement="R-BIL-4").strip()
    if not isinstance(paid_on, datetime.date) or paid_on > clock.today():
        raise ValidationFailed({"paid_on": [_("到账日期不能晚于今天。")]}, requirement="R-BIL-4")
    digest = _digest(
        bill=bill.pk, amount=amount, method=method, paid_on=paid_on, reference=reference
    )
    replay = _replay(key, digest)
    if replay is not None:
        access.ensure(actor, "payment.record", replay.payment.bill, requirement="R-BIL-4")
        return replay
    bill = _locked_bill(bill)
    access.ensure(actor, "payment.record", bill, requirement="R-BIL-4")
    payment = _apply(
        actor,
        bill,
        amount,
        method=method,
        source=source,
        reference=reference,
        paid_on=paid_on,
        idempotency_key=key,
        request_digest=digest,
    )
    return Recorded(payment, False)


@service
def credit_apply(*, actor, bill: Bill, idempotency_key: str) -> Recorded:
    """Pay a bill from the enterprise's prepaid balance, as far as it goes. The enterprise's
    row is locked first, so two bills cannot spend the same balance."""
    from parkflow.enterprises.models import Enterprise

    key = _idempotency_key(idempotency_key)
    digest = _digest(bill=bill.pk, method=PaymentMethod.CREDIT)
    replay = _replay(key, digest)
    if replay is not None:
        access.ensure(actor, "payment.record", replay.payment.bill, requirement="R-BIL-4")
        return replay
    enterprise = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(
        pk=bill.enterprise_id
    )
    bill = _locked_bill(bill)
    access.ensure(actor, "payment.record", bill, requirement="R-BIL-4")
    amount = min(credit_balance(enterprise), bill.outstanding)
    if amount <= 0:
        raise Conflict(
            "nothing_to_apply",
            _("没有可抵扣的预收余额，或该账单已结清。"),
            requirement="R-BIL-4",
        )
    payment = _apply(
        actor,
        bill,
        amount,
        method=PaymentMethod.CREDIT,
        source=PaymentSource.MANUAL,
        reference="",
        paid_on=clock.today(),
        idempotency_key=key,
        request_digest=digest,
    )
    CreditEntry.objects.create(
        park_id=bill.park_id,
        enterprise_id=bill.enterprise_id,
        amount=-amount,
        reason=CreditReason.APPLIED,
        payment=payment,
        created_by=actor,
        created_at=clock.now(),
    )
    return Recorded(payment, False)


# --- adjustments (R-BIL-5) ---------------------------------------------------------------------


@service
def adjustment_make(*, actor, bill: Bill, kind: str, amount, reason: str) -> Adjustment:
    """Correct a bill by a new line — a credit (调减) or a debit (调增) with its reason — never
    by editing it. A credit beyond what is still due returns the difference to the prepaid
    balance; a credit may not exceed what the bill charges."""
    bill = _locked_bill(bill)
    access.ensure(actor, "bill.adjust", bill, requirement="R-BIL-5")
    if kind not in AdjustmentKind.values:
        raise ValidationFailed({"kind": [_("请选择调增或调减。")]}, requirement="R-BIL-5")
    amount = _money("amount", amount, _("调账金额"), requirement="R-BIL-5")
    reason = check_length("reason", reason, 300, requirement="R-BIL-5").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("请填写调账原因。")]}, requirement="R-BIL-5")
    before = {"adjusted": str(bill.adjusted), "paid": str(bill.paid), "status": bill.status}
    refund_to_credit = ZERO
    if kind == AdjustmentKind.CREDIT:
        if amount > bill.due:
            raise ValidationFailed(
                {
                    "amount": [
                        _("调减金额不能超过账单应收 %(due)s 元。") % {"due": f"{bill.due:,.2f}"}
                    ]
                },
                requirement="R-BIL-5",
            )
        refund_to_credit = max(amount - bill.outstanding, ZERO)
        bill.adjusted -= amount
        bill.paid -= refund_to_credit
    else:
        bill.adjusted += amount
    bill.status = _status(bill.amount, bill.adjusted, bill.paid)
    bill.save(update_fields=["adjusted", "paid", "status"])
    now = clock.now()
    adjustment = Adjustment.objects.create(
        bill=bill, kind=kind, amount=amount, reason=reason, made_by=actor, made_at=now
    )
    if refund_to_credit:
        CreditEntry.objects.create(
            park_id=bill.park_id,
            enterprise_id=bill.enterprise_id,
            amount=refund_to_credit,
            reason=CreditReason.ADJUSTMENT,
            adjustment=adjustment,
            created_by=actor,
            created_at=now,
        )
    audit.record(
        actor,
        "bill.adjust",
        bill,
        before=before,
        after={
            "kind": kind,
            "amount": str(amount),
            "adjusted": str(bill.adjusted),
            "paid": str(bill.paid),
            "status": bill.status,
            "credited": str(refund_to_credit),
        },
        reason=reason,
    )
    return adjustment
