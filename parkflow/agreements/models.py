"""Service agreements (R-AGR-1 … R-AGR-6). Content that the legal review covers — parties, term,
clauses, service lines, fee schedule — lives in rows the review's content hash reads
(``gates.reviewed_content``); a change after approval voids it."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import (
    PERIOD_MONTHS,
    AgreementKind,
    AgreementStatus,
    ClauseKind,
    ConfirmationChannel,
    FeeKind,
    FeePeriod,
    LineBasis,
    TariffUnit,
    TemplateStatus,
    VenueKind,
)

CENT = Decimal("0.01")
USER = settings.AUTH_USER_MODEL


def yuan(value) -> Decimal:
    """Money: Decimal CNY to the fen, half up (the rounding rule of R-BIL-6, documented in
    docs/decisions.md)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Venue(models.Model):
    """An allowed dispute-resolution venue (R-AGR-2): the people's courts and arbitration
    commissions legal accepts in a dispute clause. Group-wide reference data."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=VenueKind.choices)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("争议解决机构")
        verbose_name_plural = _("争议解决机构")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    """A service a park offers in its agreements. ``required_for``: the agreement kinds that must
    include it (R-AGR-3); for every other kind it is optional and only the enterprise may ask
    for it."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("编码"), max_length=30)
    name = models.CharField(_("服务名称"), max_length=60)
    description = models.CharField(_("服务说明"), max_length=300, blank=True)
    required_for = models.JSONField(_("必备于协议类型"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="service_item_code_per_park")
        ]

    def __str__(self):
        return self.name

    def is_required_for(self, kind: str) -> bool:
        return kind in (self.required_for or [])


class Tariff(models.Model):
    """A published price of a park (R-AGR-5): what a fee of ``fee_kind`` (and service item)
    costs from ``effective_from`` until the next version. Versioned and never retroactive: a
    tariff is published for today or later, and an agreement's fee line is priced from the one
    in force on the line's start date."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    fee_kind = models.CharField(_("费用类别"), max_length=12, choices=FeeKind.choices)
    service_item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("服务项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tariffs",
    )
    unit = models.CharField(_("计价单位"), max_length=12, choices=TariffUnit.choices)
    price = models.DecimalField(_("标准价格（元）"), max_digits=12, decimal_places=2)
    effective_from = models.DateField(_("生效日期"))
    published_at = models.DateTimeField(_("公布时间"))
    published_by = models.ForeignKey(
        USER, verbose_name=_("公布人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["park", "fee_kind", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "fee_kind", "effective_from"],
                condition=Q(service_item__isnull=True),
                name="price_tariff_once_per_day",
            ),
            models.UniqueConstraint(
                fields=["park", "fee_kind", "service_item", "effective_from"],
                condition=Q(service_item__isnull=False),
                name="price_tariff_item_once_per_day",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_tariff_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["park", "fee_kind", "service_item", "-effective_from"],
                name="price_tariff_in_force",
            )
        ]

    def __str__(self):
        what = self.service_item.name if self.service_item_id else self.get_fee_kind_display()
        return f"{what} {self.price} {self.get_unit_display()}"


# ---------------------------------------------------------------------------------------------
# Templates (R-AGR-1)


class Template(models.Model):
    """A park's agreement template, owned by the lead department; its text lives in versions."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("模板名称"), max_length=80)
    kind = models.CharField(_("协议类型"), max_length=12, choices=AgreementKind.choices)
    owner_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("协议模板")
        verbose_name_plural = _("协议模板")
        ordering = ["park", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="template_name_per_park")
        ]

    def __str__(self):
        return self.name


class TemplateVersion(models.Model):
    """One text of a template. Usable for new agreements only once approved by the compliance
    review, and only while its quarterly re-review (Art.18(三)) has not lapsed."""

    template = models.ForeignKey(
        Template, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("起草时间"))
    approved_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    # The last compliance review of its core clauses: the approval, then each quarterly one.
    last_reviewed_on = models.DateField(_("最近合规复核日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_once")
        ]

    def __str__(self):
        return f"{self.template.name} 第{self.number}版"

    def get_absolute_url(self):
        return reverse("agreements:template_version", args=[self.pk])

    @property
    def park_id(self):
        return self.template.park_id


class TemplateClause(models.Model):
    version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("模板版本"),
        on_delete=models.CASCADE,
        related_name="clauses",
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("条款类别"), max_length=16, choices=ClauseKind.choices)
    title = models.CharField(_("条款标题"), max_length=60)
    text = models.TextField(_("条款内容"))
    venue_kind = models.CharField(
        _("争议解决方式"), max_length=12, choices=VenueKind.choices, blank=True
    )
    venue_name = models.CharField(_("争议解决机构"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("模板条款")
        verbose_name_plural = _("模板条款")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="template_clause_once")
        ]

    def __str__(self):
        return self.title


class TemplateReReview(models.Model):
    """Legal's quarterly written opinion on a template's core clauses (Art.18(三), R-AGR-1)."""

    version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("模板版本"),
        on_delete=models.PROTECT,
        related_name="rereviews",
    )
    reviewer = models.ForeignKey(
        USER, verbose_name=_("复核人"), on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField(_("书面复核意见"))
    reviewed_on = models.DateField(_("复核日期"))
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("模板季度复核")
        verbose_name_plural = _("模板季度复核")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.version} · {self.reviewed_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("agreements:template_version", args=[self.version_id])


# ---------------------------------------------------------------------------------------------
# Agreements


def signed_scan_path(agreement, filename: str) -> str:
    # Nothing of the user's file name in the path: stored under the agreement's id.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"agreements/{agreement.park_id}/{agreement.pk}/signed.{suffix}"


class Agreement(models.Model):
    """One version of a service agreement. An amendment (补充协议) is a new row with the same
    ``number``, ``version`` + 1 and ``amends`` pointing at the version it changes; it has its own
    review, and once signed the version before it is superseded."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    template_version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("模板版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    kind = models.CharField(_("协议类型"), max_length=12, choices=AgreementKind.choices)
    number = models.CharField(_("协议编号"), max_length=30)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    amends = models.OneToOneField(
        "self",
        verbose_name=_("所补充的协议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment",
    )
    title = models.CharField(_("协议名称"), max_length=120)
    status = models.CharField(
        _("状态"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("终止日期"))
    # The leader the drafter names for a price exception (R-AGR-5, R-ORG-7).
    price_approver = models.ForeignKey(
        USER,
        verbose_name=_("价格例外审批领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_opinion = models.TextField(_("退回意见"), blank=True)
    # Imported from the park's old ledger (R-PLT-5): signed before ParkFlow, not yet reviewed.
    migrated = models.BooleanField(_("历史导入"), default=False)
    migration_reviewed_at = models.DateTimeField(_("导入后审查时间"), null=True, blank=True)
    signed_on = models.DateField(_("签署日期"), null=True, blank=True)
    park_signatory = models.ForeignKey(
        USER,
        verbose_name=_("园区方签署人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise_signatory = models.CharField(_("企业方签署人"), max_length=60, blank=True)
    signed_scan = models.FileField(
        _("签署扫描件"), upload_to=signed_scan_path, max_length=200, blank=True
    )
    scan_name = models.CharField(_("扫描件原文件名"), max_length=200, blank=True)
    scan_mime = models.CharField(_("扫描件格式"), max_length=40, blank=True)
    scan_size = models.PositiveBigIntegerField(_("扫描件大小（字节）"), null=True, blank=True)
    signed_by = models.ForeignKey(
        USER,
        verbose_name=_("签署登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交审查时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("起草时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("服务协议")
        verbose_name_plural = _("服务协议")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="agreement_newest"),
            models.Index(fields=["park", "status", "end_date"], name="agreement_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="agreement_version_once"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="agreement_term_ordered"
            ),
            # A signed agreement always has its date and scan (R-AGR-6), whatever writes it —
            # except one migrated from the old ledger, whose scan may follow.
            models.CheckConstraint(
                condition=~Q(status="signed")
                | Q(migrated=True)
                | (Q(signed_on__isnull=False) & ~Q(signed_scan="")),
                name="agreement_signed_has_scan",
            ),
        ]

    def __str__(self):
        suffix = f"（补充协议{self.version - 1}）" if self.version > 1 else ""
        return f"{self.number} {self.title}{suffix}"

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.pk])

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None


class AgreementClause(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="clauses"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("条款类别"), max_length=16, choices=ClauseKind.choices)
    title = models.CharField(_("条款标题"), max_length=60)
    text = models.TextField(_("条款内容"))
    # A dispute clause names its forum: a people's court or an arbitration commission.
    venue_kind = models.CharField(
        _("争议解决方式"), max_length=12, choices=VenueKind.choices, blank=True
    )
    venue_name = models.CharField(_("争议解决机构"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("协议条款")
        verbose_name_plural = _("协议条款")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="agreement_clause_once")
        ]

    def __str__(self):
        return self.title


def note_path(line, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"agreements/{line.agreement.park_id}/{line.agreement_id}/line-{line.item_id}.{suffix}"


class ServiceLine(models.Model):
    """A service the agreement includes (R-AGR-3): required by the agreement's kind, or
    requested by the enterprise — who confirmed it, when and how."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("纳入依据"), max_length=12, choices=LineBasis.choices)
    confirmed_via = models.CharField(
        _("确认方式"), max_length=12, choices=ConfirmationChannel.choices, blank=True
    )
    confirmed_at = models.DateTimeField(_("企业确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_note = models.FileField(_("企业签字确认书"), upload_to=note_path, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        USER, verbose_name=_("添加人"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("添加时间"))

    class Meta:
        verbose_name = _("服务项")
        verbose_name_plural = _("服务项")
        ordering = ["agreement", "basis", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "item"], name="service_line_once"),
            # A confirmed request says how it was confirmed; a required line needs no request.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(confirmed_via=""),
                name="service_line_confirmation_has_channel",
            ),
            models.CheckConstraint(
                condition=Q(basis="requested") | Q(confirmed_at__isnull=True),
                name="service_line_required_not_requested",
            ),
        ]

    def __str__(self):
        return self.item.name

    @property
    def is_confirmed(self) -> bool:
        return self.basis == LineBasis.REQUIRED or self.confirmed_at is not None


class FeeLine(models.Model):
    """One line of the staged fee schedule (R-AGR-5), priced from the tariff in force on its
    start date. Billing reads ``charges()``: the amounts and periods, never re-keyed."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议"), on_delete=models.CASCADE, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("费用类别"), max_length=12, choices=FeeKind.choices)
    service_item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("服务项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("费用名称"), max_length=60)
    quantity = models.DecimalField(_("数量（面积/个数）"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    tariff = models.ForeignKey(
        Tariff,
        verbose_name=_("适用收费标准"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tariff_price = models.DecimalField(
        _("标准价格（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(_("计费周期"), max_length=12, choices=FeePeriod.choices)
    start_date = models.DateField(_("计费起始日"))
    end_date = models.DateField(_("计费截止日"))
    # Yearly rise of a periodic fee, in percent, from each anniversary of its start date.
    escalation_percent = models.DecimalField(
        _("年递增率（%）"), max_digits=5, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("费用明细")
        verbose_name_plural = _("费用明细")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="fee_line_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fee_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="fee_price_not_negative"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="fee_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(escalation_percent__gte=0) & Q(escalation_percent__lte=100),
                name="fee_escalation_in_range",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def above_tariff(self) -> bool:
        return self.tariff_price is not None and self.unit_price > self.tariff_price

    @property
    def discount_percent(self) -> Decimal:
        """How far below the tariff, in percent (0 when at or above it)."""
        if not self.tariff_price or self.unit_price >= self.tariff_price:
            return Decimal("0")
        return yuan((self.tariff_price - self.unit_price) * 100 / self.tariff_price)

    def price_in_year(self, year_index: int) -> Decimal:
        """The unit price in the line's ``year_index``-th year (0: the first), escalated."""
        factor = (1 + self.escalation_percent / 100) ** year_index
        return yuan(self.unit_price * factor)

    def charges(self) -> list[tuple[datetime.date, datetime.date, Decimal]]:
        """(period start, period end, amount) of every charge the line gives, in order: one for
        a deposit or a one-off fee, else one per period (the last one cut at the end date and
        prorated by days), each at the price of the line's year it starts in."""
        if self.period == FeePeriod.ONCE:
            return [(self.start_date, self.end_date, yuan(self.unit_price * self.quantity))]
        months = PERIOD_MONTHS[self.period]
        result = []
        start, index = self.start_date, 0
        while start <= self.end_date:
            full_end = self.start_date + relativedelta(months=months * (index + 1))
            end = min(full_end - datetime.timedelta(days=1), self.end_date)
            year = relativedelta(start, self.start_date).years
            amount = self.price_in_year(year) * self.quantity * months
            if end < full_end - datetime.timedelta(days=1):
                full_days = (full_end - start).days
                amount = amount * ((end - start).days + 1) / full_days
            result.append((start, end, yuan(amount)))
            start, index = end + datetime.timedelta(days=1), index + 1
        return result
