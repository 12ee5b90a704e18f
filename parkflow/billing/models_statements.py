"""Issued statements (对账单) and their disputes (R-BIL-5, Art.14).

A statement is issued once per (enterprise, period): its lines are what the computation
(``statements.compute``) gave at that moment, stored, so what the enterprise was shown stays
fixed — a payment recorded afterwards with an earlier date does not change it; the statement is
superseded by a new one, never edited, and its content hash says it was not touched.

A dispute is the enterprise's objection to one line of an issued statement: a workflow (待处理 →
核查中 → 已解决（调账）or 已驳回), never an edit. Resolving it corrects the bill by a new adjustment
(``services.adjustment_make``); rejecting it says why in writing. One open dispute per line."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices_statements import DisputeStatus, StatementLineKind, StatementStatus

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class Statement(models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    period_start = models.DateField(_("对账期间起"))
    period_end = models.DateField(_("对账期间止"))
    opening = models.DecimalField(_("期初余额（元）"), **MONEY)
    billed = models.DecimalField(_("本期账单（元）"), **MONEY)
    debits = models.DecimalField(_("本期调增（元）"), **MONEY)
    credits = models.DecimalField(_("本期调减（元）"), **MONEY)
    received = models.DecimalField(_("本期收款（元）"), **MONEY)
    credit_applied = models.DecimalField(_("本期预收抵扣（元）"), **MONEY)
    refunded = models.DecimalField(_("本期退款（元）"), **MONEY)
    closing = models.DecimalField(_("期末余额（元）"), **MONEY)
    outstanding = models.DecimalField(_("期末未结清账单（元）"), **MONEY)
    prepaid = models.DecimalField(_("期末预收余额（元）"), **MONEY)
    advance = models.DecimalField(_("预付未开始账单（元）"), default=ZERO, **MONEY)
    # The bills outstanding at the end, as they stood when issued: [{bill, number, label,
    # period_start, period_end, due_date, due, outstanding}] (money as text, to the fen).
    outstanding_bills = models.JSONField(_("期末未结清账单明细"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=StatementStatus.choices, default=StatementStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(
        USER,
        verbose_name=_("出具人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        USER,
        verbose_name=_("作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supersede_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    # SHA-256 of the canonical text of the period, the totals and every line (R-BIL-5: what
    # the enterprise was shown is what is kept).
    content_hash = models.CharField(_("内容哈希"), max_length=64)

    class Meta:
        verbose_name = _("对账单")
        verbose_name_plural = _("对账单")
        ordering = ["-period_start", "-id"]
        indexes = [
            models.Index(fields=["-period_start", "-id"], name="statement_newest"),
            models.Index(fields=["enterprise", "-period_start"], name="statement_by_enterprise"),
            models.Index(fields=["park", "-period_start"], name="statement_by_park"),
        ]
        constraints = [
            # One statement per (enterprise, period) in force: issuing again needs the first
            # superseded (R-BIL-5).
            models.UniqueConstraint(
                fields=["enterprise", "period_start", "period_end"],
                condition=Q(status="issued"),
                name="statement_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="statement_period_ordered"
            ),
            # R-BIL-6: the totals reconcile to the fen, checked by the database as well (sums
            # rounded to the fen: SQLite adds decimals as binary floats).
            models.CheckConstraint(
                condition=Q(
                    closing=Round(
                        F("opening")
                        + F("billed")
                        + F("debits")
                        - F("credits")
                        - F("received")
                        + F("refunded"),
                        2,
                    )
                ),
                name="statement_totals_reconcile",
            ),
            models.CheckConstraint(
                condition=Q(closing=Round(F("outstanding") - F("prepaid") - F("advance"), 2)),
                name="statement_balance_composed",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.period_label}"

    def get_absolute_url(self):
        return reverse("billing:statement", args=[self.pk])

    @property
    def number(self) -> str:
        """对账单号: the period's month and the row's number."""
        return f"DZ{self.period_start:%Y%m}-{self.pk:07d}"

    @property
    def period_label(self) -> str:
        start, end = self.period_start, self.period_end
        whole_month = start.day == 1 and (end + datetime.timedelta(days=1)).day == 1
        if whole_month and (start.year, start.month) == (end.year, end.month):
            return f"{start.year}年{start.month}月"
        return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"


class StatementLine(models.Model):
    """One movement of the period as the statement showed it, with what it refers to."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("对账单"), on_delete=models.PROTECT, related_name="lines"
    )
    position = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=16, choices=StatementLineKind.choices)
    date = models.DateField(_("日期"))
    description = models.CharField(_("摘要"), max_length=400)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    effect = models.DecimalField(_("对余额影响（元）"), **MONEY)
    balance = models.DecimalField(_("余额（元）"), **MONEY)
    bill = models.ForeignKey(
        "billing.Bill",
        verbose_name=_("账单"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payment = models.ForeignKey(
        "billing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adjustment = models.ForeignKey(
        "billing.Adjustment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_entry = models.ForeignKey(
        "billing.CreditEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("对账单明细")
        verbose_name_plural = _("对账单明细")
        ordering = ["statement_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="statement_line_position_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.description}"

    def get_absolute_url(self):
        return reverse("billing:statement", args=[self.statement_id])


class StatementDispute(models.Model):
    """The enterprise's objection to one line of an issued statement (R-BIL-5)."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="statement_disputes",
    )
    statement = models.ForeignKey(
        Statement, verbose_name=_("对账单"), on_delete=models.PROTECT, related_name="disputes"
    )
    line = models.ForeignKey(
        StatementLine,
        verbose_name=_("争议明细"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    reason = models.TextField(_("争议理由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    raised_by = models.ForeignKey(
        USER, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"))
    handler = models.ForeignKey(
        USER,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    # The written outcome the enterprise reads: how it was corrected, or why not.
    outcome = models.TextField(_("处理结果"), blank=True)
    adjustment = models.ForeignKey(
        "billing.Adjustment",
        verbose_name=_("调账"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("对账争议")
        verbose_name_plural = _("对账争议")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["-raised_at", "-id"], name="dispute_newest"),
            models.Index(fields=["park", "status", "-raised_at"], name="dispute_queue"),
            models.Index(fields=["enterprise", "-raised_at"], name="dispute_by_enterprise"),
        ]
        constraints = [
            # One open dispute per statement line.
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(status__in=("open", "investigating")),
                name="dispute_one_open_per_line",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(handler__isnull=False),
                name="dispute_taken_has_handler",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(adjustment__isnull=False),
                name="dispute_resolved_by_adjustment",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(outcome=""),
                name="dispute_rejected_with_reason",
            ),
        ]

    def __str__(self):
        return str(_("对账争议 #%(pk)s") % {"pk": self.pk})

    def get_absolute_url(self):
        return reverse("billing:dispute", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (DisputeStatus.OPEN, DisputeStatus.INVESTIGATING)
