"""Service requests (R-SVC-1). The owner is the first responder: the first staff member who takes
the request owns it until it is closed, or until a transfer is *accepted* by its receiver — an
offered transfer changes nothing. Every offer is counted (``transfer_count``): passing a request
on is visible, and the third raises an alert (rules.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import (
    CallBackChannel,
    CallBackStatus,
    Category,
    Channel,
    RequestStatus,
    TransferStatus,
)

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
            # The buck-passing rule's sweep: the few open requests passed on twice or more.
            models.Index(
                fields=["transfer_count"],
                condition=Q(transfer_count__gte=2, status__in=("open", "in_progress")),
                name="service_request_passed_on",
            ),
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

    def get_absolute_url(self):
        return reverse("servicedesk:request", args=[self.pk])


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


class CallBack(models.Model):
    """The month's satisfaction call-back of a resident enterprise (R-SVC-2, Art.13
    "建立服务满意度月度回访机制"): one per enterprise and month, created on the month's first
    working day; a score of 2 or less opens a follow-up with an owner."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    period = models.CharField(_("月份"), max_length=7)  # "2026-11"
    due_on = models.DateField(_("截止日期"))
    owner = models.ForeignKey(
        USER,
        verbose_name=_("回访人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=CallBackStatus.choices, default=CallBackStatus.PENDING
    )
    score = models.PositiveSmallIntegerField(_("满意度评分"), null=True, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    channel = models.CharField(
        _("回访方式"), max_length=8, choices=CallBackChannel.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # A low score (≤ 2) is followed up by a named person.
    follow_up_owner = models.ForeignKey(
        USER,
        verbose_name=_("跟进人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_due_on = models.DateField(_("跟进截止"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("月度回访")
        verbose_name_plural = _("月度回访")
        ordering = ["-period", "enterprise_id"]
        indexes = [models.Index(fields=["park", "period", "status"], name="callback_work_list")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period"], name="callback_once_a_month"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="callback_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(score__isnull=False),
                name="callback_done_has_score",
            ),
        ]

    def __str__(self):
        year, month = self.period.split("-")
        return f"{self.enterprise} · {int(year)}年{int(month)}月"

    def get_absolute_url(self):
        return reverse("servicedesk:callback", args=[self.pk])


class AnomalyReport(models.Model):
    """A service anomaly or an early sign of a complaint, reported by staff with the time it was
    discovered (R-SVC-3, Art.9(二)): one filed more than N hours after discovery is flagged."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("相关企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("异常情况"))
    discovered_at = models.DateTimeField(_("发现时间"))
    reported_at = models.DateTimeField(_("报告时间"))
    reported_by = models.ForeignKey(
        USER, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("服务异常报告")
        verbose_name_plural = _("服务异常报告")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["-reported_at", "-id"], name="anomaly_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__gte=models.F("discovered_at")),
                name="anomaly_discovered_before_reported",
            )
        ]

    def __str__(self):
        return self.description[:40]

    @property
    def delay_hours(self) -> float:
        return (self.reported_at - self.discovered_at).total_seconds() / 3600


from .models_complaints import (  # noqa: E402,F401
    AccountabilityReferral,
    Complaint,
    ComplaintNote,
    ComplaintTransfer,
    EmergencyPlan,
    GradingCriterion,
    TopicWatch,
)
from .models_photos import RequestPhoto  # noqa: E402,F401
