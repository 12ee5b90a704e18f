"""Bank statements and invoice settings (R-BIL-4, R-BIL-6, SPEC §5).

A park's finance uploads the statement its bank exports; each credit line is kept
(``BankLine``) with what became of it: paid into a bill (through ``services.payment_record``,
idempotent by the bank's own transaction), waiting for a person (待人工核对), not the park's
money, or already imported with an earlier statement. The database refuses the same file twice
for a park and the same bank transaction twice (R-BIL-4: a payment is recorded once).

``InvoiceTaxSetting`` is a park's own classification of a charge kind for its 数电发票 data
(item, tax classification code, rate) where it differs from the defaults in ``invoices.py``."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ChargeKind
from .choices_bank import BankLineStatus, ImportStatus, InvoiceMethod, MatchMethod, ReviewReason

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class BankStatementImport(models.Model):
    """One bank statement file imported into a park (对账单导入): its SHA-256, once per park."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64)
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    stored = models.CharField(_("存储位置"), max_length=200)
    first_day = models.DateField(_("流水起始日"), null=True, blank=True)
    last_day = models.DateField(_("流水截止日"), null=True, blank=True)
    lines_total = models.PositiveIntegerField(_("收入笔数"), default=0)
    lines_done = models.PositiveIntegerField(_("已处理笔数"), default=0)
    debit_lines = models.PositiveIntegerField(_("支出笔数（不处理）"), default=0)
    matched = models.PositiveIntegerField(_("自动入账笔数"), default=0)
    to_review = models.PositiveIntegerField(_("待人工核对笔数"), default=0)
    duplicates = models.PositiveIntegerField(_("此前已导入笔数"), default=0)
    matched_amount = models.DecimalField(_("自动入账金额（元）"), default=Decimal("0"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    imported_by = models.ForeignKey(
        USER, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("银行流水导入")
        verbose_name_plural = _("银行流水导入")
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["-imported_at", "-id"], name="bank_import_newest")]
        constraints = [
            # The same file twice into a park is refused: its lines are there already.
            models.UniqueConstraint(fields=["park", "sha256"], name="bank_import_file_once"),
        ]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("billing:bank_import", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.lines_total:
            return 100 if self.status != ImportStatus.RUNNING else 0
        return int(self.lines_done * 100 / self.lines_total)


class BankLine(models.Model):
    """One credit line of an imported statement and what became of it."""

    statement = models.ForeignKey(
        BankStatementImport,
        verbose_name=_("银行流水导入"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    row = models.PositiveIntegerField(_("行号"))
    # The bank transaction's identity in the park: "txn:" + the bank's own serial number, or
    # "h:" + a digest of date, amount, payer, account, text (and the balance after it).
    key = models.CharField(_("流水标识"), max_length=80)
    transaction_id = models.CharField(_("交易流水号"), max_length=60, blank=True)
    booked_on = models.DateField(_("交易日期"))
    amount = models.DecimalField(_("收入金额（元）"), **MONEY)
    payer_name = models.CharField(_("对方户名"), max_length=120, blank=True)
    payer_account = models.CharField(_("对方账号"), max_length=40, blank=True)
    summary = models.CharField(_("摘要/附言"), max_length=300, blank=True)
    status = models.CharField(_("处理结果"), max_length=10, choices=BankLineStatus.choices)
    method = models.CharField(_("匹配方式"), max_length=12, choices=MatchMethod.choices, blank=True)
    review_reason = models.CharField(
        _("待核对原因"), max_length=20, choices=ReviewReason.choices, blank=True
    )
    bill = models.ForeignKey(
        "billing.Bill",
        verbose_name=_("账单"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_lines",
    )
    payment = models.OneToOneField(
        "billing.Payment",
        verbose_name=_("收款"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_line",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("首次导入的流水"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("核对说明"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        USER,
        verbose_name=_("核对人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("核对时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("银行流水")
        verbose_name_plural = _("银行流水")
        ordering = ["statement", "row"]
        indexes = [
            # The review list (待人工核对) of the user's parks, newest first.
            models.Index(fields=["status", "park", "-booked_on", "-id"], name="bank_line_review"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["statement", "row"], name="bank_line_row_once"),
            # R-BIL-4: one bank transaction is taken into a park's books once.
            models.UniqueConstraint(
                fields=["park", "key"],
                condition=~Q(status="duplicate"),
                name="bank_line_transaction_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_line_credit"),
            models.CheckConstraint(
                condition=~Q(status="matched")
                | (Q(bill__isnull=False) & Q(payment__isnull=False) & ~Q(method="")),
                name="bank_line_matched_has_payment",
            ),
            models.CheckConstraint(
                condition=~Q(status="ignored") | ~Q(note=""), name="bank_line_ignored_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="bank_line_duplicate_names_first",
            ),
        ]

    def __str__(self):
        return f"{self.booked_on:%Y-%m-%d} {self.payer_name or '—'} ¥{self.amount:,.2f}"

    def get_absolute_url(self):
        return reverse("billing:bank_line", args=[self.pk])


class InvoiceTaxSetting(models.Model):
    """A park's invoice classification of one charge kind (数电发票): the item, the tax
    classification code and the rate its tax adviser confirmed, replacing the default."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("费用类别"), max_length=12, choices=ChargeKind.choices)
    method = models.CharField(_("计税方式"), max_length=14, choices=InvoiceMethod.choices)
    item_name = models.CharField(_("货物或应税劳务、服务名称"), max_length=60, blank=True)
    tax_code = models.CharField(_("税收分类编码"), max_length=19, blank=True)
    rate = models.DecimalField(_("税率/征收率"), max_digits=5, decimal_places=4)
    updated_by = models.ForeignKey(
        USER, verbose_name=_("修改人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("发票税目设置")
        verbose_name_plural = _("发票税目设置")
        ordering = ["park", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["park", "kind"], name="invoice_setting_once"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lt=Decimal("0.2")), name="invoice_rate_range"
            ),
            models.CheckConstraint(
                condition=~Q(method="not_invoiced") | Q(rate=0), name="invoice_none_no_rate"
            ),
        ]

    def __str__(self):
        return f"{self.park} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("billing:invoice_settings")
