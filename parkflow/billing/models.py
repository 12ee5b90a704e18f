"""Bills, payments, the prepaid balance and adjustments (SPEC §5, Art.14).

A bill is one charge of one period, taken from something the enterprise agreed to — a signed
agreement's fee line (R-BIL-1), a confirmed value-added service order, the published admission
fee — never typed in. The database itself refuses what the regulation forbids where a
constraint can say it: a second bill for the same (agreement, fee line, period) or the same
order (R-BIL-2), a unit price above the agreed one (R-BIL-3), more paid on a bill than it is
due (an overpayment goes to the prepaid balance, R-BIL-4) and two payments with one
idempotency key. Amounts are Decimal CNY to the fen (R-BIL-6, ``agreements.models.yuan``)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class Bill(models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="bills",
    )
    source = models.CharField(_("计费来源"), max_length=16, choices=BillSource.choices)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("协议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    fee_line = models.ForeignKey(
        "agreements.FeeLine",
        verbose_name=_("费用明细"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    # The order or admission a bill of another source charges (its primary key).
    source_key = models.CharField(_("来源编号"), max_length=40, blank=True)
    kind = models.CharField(_("费用类别"), max_length=12, choices=ChargeKind.choices)
    label = models.CharField(_("费用名称"), max_length=80)
    period_start = models.DateField(_("计费期间起"))
    period_end = models.DateField(_("计费期间止"))
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    # What the enterprise agreed to for this period: the fee line's price of that year, the
    # order's catalogue price, the published tariff. Copied by the service, never given.
    price_ceiling = models.DecimalField(_("约定单价（元）"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("应收金额（元）"), **MONEY)
    # Net of adjustments: debits add, credits subtract (R-BIL-5: the bill itself is not edited).
    adjusted = models.DecimalField(_("调账净额（元）"), default=Decimal("0"), **MONEY)
    paid = models.DecimalField(_("已收金额（元）"), default=Decimal("0"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=8, choices=BillStatus.choices, default=BillStatus.OPEN
    )
    due_date = models.DateField(_("缴费截止日"))
    issued_at = models.DateTimeField(_("出账时间"))
    issued_by = models.ForeignKey(
        USER,
        verbose_name=_("出账人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("账单")
        verbose_name_plural = _("账单")
        ordering = ["-period_start", "-id"]
        indexes = [
            models.Index(fields=["-period_start", "-id"], name="bill_newest"),
            models.Index(fields=["park", "status", "due_date"], name="bill_receivable"),
            models.Index(fields=["enterprise", "period_start"], name="bill_statement"),
            # receivables: the dashboard's aging reads what is still outstanding, by park and
            # due date (a partial index: the paid bills, most of them, are not in it).
            models.Index(
                fields=["park", "due_date"],
                condition=Q(status__in=["open", "partial"]),
                name="bill_outstanding_aging",
            ),
        ]
        constraints = [
            # R-BIL-2: one bill per (agreement, fee line, period), concurrent or not.
            models.UniqueConstraint(
                fields=["agreement", "fee_line", "period_start"],
                condition=Q(fee_line__isnull=False),
                name="bill_once_per_fee_line_period",
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~Q(source_key=""),
                name="bill_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source="fee_schedule", fee_line__isnull=False, agreement__isnull=False)
                | (~Q(source="fee_schedule") & ~Q(source_key="")),
                name="bill_has_its_source",
            ),
            # R-BIL-3: never above the agreed price.
            models.CheckConstraint(
                condition=Q(unit_price__lte=F("price_ceiling")), name="bill_price_not_above_agreed"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(quantity__gt=0) & Q(amount__gte=0),
                name="bill_amount_not_negative",
            ),
            # R-BIL-4: paid never exceeds what is due; an overpayment is a prepaid credit.
            models.CheckConstraint(
                # Sums rounded to the fen: SQLite adds decimals as binary floats (R-BIL-6).
                condition=Q(paid__gte=0) & Q(paid__lte=Round(F("amount") + F("adjusted"), 2)),
                name="bill_not_overpaid",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="bill_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.label}"

    def get_absolute_url(self):
        return reverse("billing:bill", args=[self.pk])

    @property
    def number(self) -> str:
        """账单号: the period's month and the row's number, stable and unique."""
        return f"ZD{self.period_start:%Y%m}-{self.pk:07d}"

    @property
    def due(self) -> Decimal:
        return self.amount + self.adjusted

    @property
    def outstanding(self) -> Decimal:
        return self.amount + self.adjusted - self.paid


class Payment(models.Model):
    """Money received for a bill. ``amount`` = ``applied`` to the bill + ``credited`` to the
    prepaid balance. One payment per idempotency key: a retried request finds it (R-BIL-4)."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    bill = models.ForeignKey(
        Bill, verbose_name=_("账单"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("收款金额（元）"), **MONEY)
    applied = models.DecimalField(_("冲抵账单（元）"), **MONEY)
    credited = models.DecimalField(_("转入预收（元）"), default=Decimal("0"), **MONEY)
    method = models.CharField(_("收款方式"), max_length=16, choices=PaymentMethod.choices)
    source = models.CharField(
        _("登记方式"), max_length=12, choices=PaymentSource.choices, default=PaymentSource.MANUAL
    )
    reference = models.CharField(_("交易流水号"), max_length=60, blank=True)
    paid_on = models.DateField(_("到账日期"))
    idempotency_key = models.CharField(_("幂等键"), max_length=80, unique=True)
    # SHA-256 of what was asked: the same key with another body is refused, not replayed.
    request_digest = models.CharField(_("请求摘要"), max_length=64)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["-recorded_at", "-id"], name="payment_newest"),
            models.Index(fields=["enterprise", "paid_on"], name="payment_statement"),
            # receivables: the dashboard's money received this month, in every park.
            models.Index(fields=["paid_on"], name="payment_received_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(applied__gte=0) & Q(credited__gte=0), name="payment_parts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount=Round(F("applied") + F("credited"), 2)),
                name="payment_parts_add_up",
            ),
        ]

    def __str__(self):
        return f"{self.bill.number if self.bill_id else ''} ¥{self.amount}"

    def get_absolute_url(self):
        return reverse("billing:bill", args=[self.bill_id])


class Adjustment(models.Model):
    """A correction of a bill (R-BIL-5): a new credit or debit line with its reason; the bill's
    own amount is never edited. A credit beyond what is still due goes to the prepaid balance."""

    bill = models.ForeignKey(
        Bill, verbose_name=_("账单"), on_delete=models.PROTECT, related_name="adjustments"
    )
    kind = models.CharField(_("调账方向"), max_length=8, choices=AdjustmentKind.choices)
    amount = models.DecimalField(_("调账金额（元）"), **MONEY)
    reason = models.CharField(_("调账原因"), max_length=300)
    made_by = models.ForeignKey(
        USER, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("调账时间"))

    class Meta:
        verbose_name = _("调账")
        verbose_name_plural = _("调账")
        ordering = ["-made_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_positive"),
        ]

    def __str__(self):
        return f"{self.bill.number} {self.get_kind_display()} ¥{self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind == AdjustmentKind.DEBIT else -self.amount


class CreditEntry(models.Model):
    """One movement of an enterprise's prepaid balance (预收余额): in from an overpayment or a
    credit adjustment, out to a bill or a released refund. The balance is their sum."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    reason = models.CharField(_("事由"), max_length=12, choices=CreditReason.choices)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    adjustment = models.ForeignKey(
        Adjustment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_entries",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("预收余额变动")
        verbose_name_plural = _("预收余额变动")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "created_at"], name="credit_statement")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="credit_entry_not_zero"),
        ]

    def __str__(self):
        return f"{self.enterprise} ¥{self.amount}"


class BillRun(models.Model):
    """One generation of a park's bills up to a month (R-BIL-1): the monthly duty's run or one
    started on demand. Its row is the progress the page shows and the duty's evidence."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("账期"))  # the first day of the month billed up to
    status = models.CharField(
        _("状态"), max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    agreements_total = models.PositiveIntegerField(_("协议数"), default=0)
    agreements_done = models.PositiveIntegerField(_("已处理协议数"), default=0)
    bills_created = models.PositiveIntegerField(_("新出账单数"), default=0)
    already_billed = models.PositiveIntegerField(_("已出过的账单数"), default=0)
    amount_created = models.DecimalField(_("新出账单金额（元）"), default=Decimal("0"), **MONEY)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    started_by = models.ForeignKey(
        USER,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("出账批次")
        verbose_name_plural = _("出账批次")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["-started_at", "-id"], name="bill_run_newest")]
        constraints = [
            # One run of a park at a time: a second start waits for the first to finish.
            models.UniqueConstraint(
                fields=["park"], condition=Q(status="running"), name="bill_run_one_at_a_time"
            ),
        ]

    def __str__(self):
        return f"{self.park} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("billing:run", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.agreements_total:
            return 100 if self.status != RunStatus.RUNNING else 0
        return int(self.agreements_done * 100 / self.agreements_total)


# --- refunds, deposit returns and payouts (part "refunds", R-BIL-4) ---------------------------
# --- receivables: bank statements and invoice settings (models_bank.py) ----------------------
from .models_bank import BankLine, BankStatementImport, InvoiceTaxSetting  # noqa: E402, F401
from .models_refunds import Refund  # noqa: E402, F401

# --- statements and disputes (R-BIL-5): models_statements.py ----------------------------------
from .models_statements import Statement, StatementDispute, StatementLine  # noqa: E402, F401
