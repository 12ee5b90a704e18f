"""Value-added services (R-VAS-1 … R-VAS-3).

* ``VasService`` — one entry of a park's catalogue (工商代办, 会议室茶歇 …), kept by the lead
  department, the office or a system administrator.
* ``VasPrice`` — one published price of a service. Prices are versions: a price is published at
  least N days (a parameter, default 7) before it takes effect, and is never edited or deleted
  (the database refuses both); a new version supersedes it. The price in force on a date is the
  latest published version whose effective date is on or before it.
* ``VasOrder`` — an enterprise's order of a service at the price in force on the order date
  (a snapshot). An order placed by the enterprise in the portal is confirmed by construction;
  one entered by staff waits for the enterprise's own confirmation in the portal and is not
  billable before it (R-VAS-2: no forced selling) — a database check says a billable order
  always carries its confirmation. A completed order is billed once and rated by the
  enterprise (R-VAS-3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import BILLABLE, OrderChannel, OrderStatus, VasCategory

USER = settings.AUTH_USER_MODEL


class VasService(models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("服务名称"), max_length=60)
    category = models.CharField(_("服务类别"), max_length=16, choices=VasCategory.choices)
    description = models.TextField(_("服务说明"), blank=True)
    unit = models.CharField(_("计价单位"), max_length=8)
    is_active = models.BooleanField(_("在售"), default=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("增值服务")
        verbose_name_plural = _("增值服务")
        ordering = ["category", "name", "id"]
        indexes = [
            models.Index(fields=["category", "name", "id"], name="vas_service_catalogue"),
            models.Index(fields=["park", "is_active", "category"], name="vas_service_by_park"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="vas_service_name_per_park"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vas:service", args=[self.pk])


class VasPrice(models.Model):
    """One published price of a service (R-VAS-1). Never edited or deleted: the database
    refuses both (migration ``0002_prices_fixed``); a new version supersedes it."""

    service = models.ForeignKey(
        VasService, verbose_name=_("服务"), on_delete=models.PROTECT, related_name="prices"
    )
    price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    effective_from = models.DateField(_("执行日期"))
    published_at = models.DateTimeField(_("公示时间"))
    # The local date of publication: what the lead time counts from.
    published_on = models.DateField(_("公示日期"))
    published_by = models.ForeignKey(
        USER, verbose_name=_("公示人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("调价说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("增值服务价格")
        verbose_name_plural = _("增值服务价格")
        ordering = ["service", "-published_at", "-id"]
        indexes = [
            # The price in force on a date: the service's versions effective by then, the
            # latest published first.
            models.Index(
                fields=["service", "effective_from", "-published_at"], name="vas_price_in_force"
            ),
            models.Index(fields=["service", "-published_at", "-id"], name="vas_price_history"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="vas_price_positive"),
            # What a constraint can say of the lead time: never on the day of publication or
            # before it. The N days themselves are a parameter the service enforces.
            models.CheckConstraint(
                condition=Q(effective_from__gt=models.F("published_on")),
                name="vas_price_published_before_effective",
            ),
        ]

    def __str__(self):
        day = self.effective_from
        return f"{self.service} ¥{self.price:,.2f}（{day.year}年{day.month}月{day.day}日起）"

    def get_absolute_url(self):
        return reverse("vas:service", args=[self.service_id])

    def delete(self, *args, **kwargs):
        from parkflow.core.errors import Conflict

        raise Conflict(
            "price_kept",
            _("已公示的价格不得修改或删除，调整价格请公示新的价格版本。"),
            requirement="R-VAS-1",
        )


class VasOrder(models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="vas_orders",
    )
    service = models.ForeignKey(
        VasService, verbose_name=_("服务"), on_delete=models.PROTECT, related_name="orders"
    )
    # The price version in force on the order date and its unit price: a snapshot a later
    # price never changes.
    price = models.ForeignKey(
        VasPrice, verbose_name=_("价格版本"), on_delete=models.PROTECT, related_name="+"
    )
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("需求说明"), max_length=500, blank=True)
    channel = models.CharField(_("下单渠道"), max_length=8, choices=OrderChannel.choices)
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_CONFIRMATION,
    )
    placed_by = models.ForeignKey(
        USER, verbose_name=_("下单人"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("下单时间"))
    placed_on = models.DateField(_("下单日期"))
    # The enterprise's own confirmation (in the portal): for a portal order its placing.
    confirmed_at = models.DateTimeField(_("企业确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        verbose_name=_("企业确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(_("企业拒绝时间"), null=True, blank=True)
    decline_reason = models.CharField(_("拒绝原因"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始服务时间"), null=True, blank=True)
    handler = models.ForeignKey(
        USER,
        verbose_name=_("服务负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    delivery_note = models.CharField(_("交付说明"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    # The bill of a completed order: one, ever (billing refuses a second charge of the order).
    bill = models.OneToOneField(
        "billing.Bill",
        verbose_name=_("账单"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    billed_at = models.DateTimeField(_("计费时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("服务质量评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("增值服务订单")
        verbose_name_plural = _("增值服务订单")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["-placed_at", "-id"], name="vas_order_newest"),
            models.Index(fields=["park", "status", "-placed_at"], name="vas_order_queue"),
            models.Index(fields=["enterprise", "-placed_at"], name="vas_order_by_enterprise"),
            # The quality rule: a service's latest ratings.
            models.Index(
                fields=["service", "-rated_at"],
                condition=Q(rating__isnull=False),
                name="vas_order_ratings",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="vas_order_quantity_positive"),
            # R-VAS-2: an order is delivered and billed only with the enterprise's confirmation.
            models.CheckConstraint(
                condition=~Q(status__in=BILLABLE)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="vas_order_billable_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(bill__isnull=True, billed_at__isnull=True)
                | Q(bill__isnull=False, billed_at__isnull=False, status=OrderStatus.COMPLETED),
                name="vas_order_billed_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=1, rating__lte=5, status=OrderStatus.COMPLETED),
                name="vas_order_rating_1_to_5_when_completed",
            ),
        ]

    def __str__(self):
        return f"{self.service} · {self.enterprise}"

    def get_absolute_url(self):
        return reverse("vas:order", args=[self.pk])

    def delete(self, *args, **kwargs):
        from parkflow.core.errors import Conflict

        raise Conflict(
            "order_kept", _("增值服务订单不得删除，可取消并写明原因。"), requirement="R-VAS-2"
        )

    @property
    def awaits_enterprise(self) -> bool:
        return self.status == OrderStatus.PENDING_CONFIRMATION

    @property
    def awaits_rating(self) -> bool:
        return self.status == OrderStatus.COMPLETED and self.rating is None
