"""Service requests (R-SVC-1). The owner is the first responder: the first staff member who takes
the request owns it until it is closed, or until a transfer is *accepted* by its receiver — an
offered transfer changes nothing. Every offer is counted (``transfer_count``): passing a request
on is visible, and the third raises an alert (rules.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Category, Channel, RequestStatus, TransferStatus

USER = settings.AUTH_USER_MODEL


class ServiceRequest(models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("事由"), max_length=100)
    description = models.TextField(_("情况说明"))
    channel = models.CharField(_("受理渠道"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    # The first responder (首问负责人), then whoever accepted a transfer.
    owner = models.ForeignKey(
        USER,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    transfer_count = models.PositiveSmallIntegerField(_("转办次数"), default=0)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("企业评分"), null=True, blank=True)
    rating_comment = models.CharField(_("企业评价"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # Closed by itself after N working days without the enterprise's answer (recorded as such).
    auto_closed = models.BooleanField(_("逾期未确认自动关闭"), default=False)

    class Meta:
        verbose_name = _("服务请求")
        verbose_name_plural = _("服务请求")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="service_request_newest"),
            models.Index(fields=["park", "status", "-submitted_at"], name="service_request_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="service_request_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(owner__isnull=False),
                name="service_request_taken_has_owner",
            ),
        ]

    def __str__(self):
        return self.title


class Transfer(models.Model):
    """An offer to hand a request to a colleague: ownership moves only when the receiver
    accepts (R-SVC-1, Art.13 "严禁推诿")."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("服务请求"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    from_owner = models.ForeignKey(
        USER, verbose_name=_("转出人"), on_delete=models.PROTECT, related_name="+"
    )
    to_person = models.ForeignKey(
        USER, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("转办原因"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    created_at = models.DateTimeField(_("转办时间"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decline_reason = models.CharField(_("拒绝原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one open offer per request.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_request",
            ),
        ]

    def __str__(self):
        return f"{self.request} → {self.to_person}"
