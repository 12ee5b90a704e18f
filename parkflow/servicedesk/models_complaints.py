"""Complaints (R-CMP-1 … R-CMP-8, Art.13, Art.17, Art.20(一)3).

A complaint is recorded once and never deleted; its text, its channel and its two times
(received, recorded) never change — the database refuses it (migration ``complaint_append_only``).
Whatever is learned later is *appended* as a ``ComplaintNote`` (a response to the enterprise,
progress, a correction), itself append-only. The grade is proposed by the grading matrix
(``GradingCriterion``, edited by an administrator); a grade below the proposal takes effect only
with a leader's approval (gates.py). A major complaint opens its ``EmergencyPlan`` at once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import (
    ComplaintChannel,
    ComplaintGrade,
    ComplaintStatus,
    ComplaintTopic,
    Criterion,
    NoteKind,
    PlanStage,
    ReferralStatus,
    TransferStatus,
)

USER = settings.AUTH_USER_MODEL


class Complaint(models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("投诉企业"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    channel = models.CharField(_("投诉渠道"), max_length=8, choices=ComplaintChannel.choices)
    hotline_ticket = models.CharField(_("12345 工单号"), max_length=40, blank=True)
    topic = models.CharField(_("投诉主题"), max_length=12, choices=ComplaintTopic.choices)
    title = models.CharField(_("投诉事由"), max_length=100)
    text = models.TextField(_("投诉内容"))
    complainant = models.CharField(_("投诉人"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    # The local date of receipt: the month of the concealment check and the dashboards' day.
    received_on = models.DateField(_("接收日期"))
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    # The grading matrix's criteria (R-CMP-2), as recorded.
    enterprises_affected = models.PositiveIntegerField(_("涉及企业数"), default=1)
    safety = models.BooleanField(_("涉及人身或消防安全"), default=False)
    media_exposure = models.BooleanField(_("媒体或网络曝光"), default=False)
    amount = models.DecimalField(
        _("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    repeat_count = models.PositiveSmallIntegerField(_("30 日内同一企业投诉次数"), default=1)
    proposed_grade = models.CharField(
        _("矩阵建议等级"), max_length=12, choices=ComplaintGrade.choices
    )
    grade = models.CharField(_("投诉等级"), max_length=12, choices=ComplaintGrade.choices)
    grade_reason = models.CharField(_("定级说明"), max_length=300, blank=True)
    # A grade below the proposal, waiting for a leader's approval (empty: none pending).
    requested_grade = models.CharField(
        _("申请调整为"), max_length=12, choices=ComplaintGrade.choices, blank=True
    )
    grade_requested_by = models.ForeignKey(
        USER,
        verbose_name=_("降级申请人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    owner = models.ForeignKey(
        USER,
        verbose_name=_("首问负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    transfer_count = models.PositiveSmallIntegerField(_("转办次数"), default=0)
    first_response_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("企业评分"), null=True, blank=True)
    rating_comment = models.CharField(_("企业评价"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    auto_closed = models.BooleanField(_("逾期未确认自动关闭"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重新处理次数"), default=0)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="complaint_newest"),
            models.Index(fields=["park", "status", "-received_at"], name="complaint_queue"),
            # The repeat and chain rules count by enterprise or (park, topic) over a window.
            models.Index(fields=["enterprise", "received_on"], name="complaint_by_enterprise"),
            models.Index(fields=["park", "topic", "received_on"], name="complaint_by_topic"),
            models.Index(
                fields=["transfer_count"],
                condition=Q(transfer_count__gte=2, status__in=("open", "in_progress")),
                name="complaint_passed_on",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(owner__isnull=False),
                name="complaint_taken_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(recorded_at__gte=models.F("received_at")),
                name="complaint_received_before_recorded",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("servicedesk:complaint", args=[self.pk])

    def delete(self, *args, **kwargs):
        from parkflow.core.errors import Conflict

        raise Conflict("complaint_kept", _("投诉记录不得删除（严禁瞒报）。"), requirement="R-CMP-6")

    @property
    def is_major(self) -> bool:
        return self.grade == ComplaintGrade.MAJOR

    @property
    def recording_delay_hours(self) -> float:
        return (self.recorded_at - self.received_at).total_seconds() / 3600


class ComplaintTransfer(models.Model):
    """An offer to hand a complaint to a colleague (R-CMP-4): ownership moves only when the
    receiver accepts; every offer is counted."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="transfers"
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
        verbose_name = _("投诉转办")
        verbose_name_plural = _("投诉转办")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["to_person", "status"], name="complaint_transfer_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status="pending"),
                name="complaint_transfer_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.complaint} → {self.to_person}"


class ComplaintNote(models.Model):
    """One entry appended to a complaint's record — a response, progress, a correction, the
    enterprise's own words. Never edited or deleted (a database trigger refuses both)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=NoteKind.choices)
    text = models.TextField(_("内容"))
    author = models.ForeignKey(
        USER, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("投诉处理记录")
        verbose_name_plural = _("投诉处理记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaint_note_order")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.text[:30]}"

    def delete(self, *args, **kwargs):
        from parkflow.core.errors import Conflict

        raise Conflict("note_kept", _("投诉处理记录不得删除。"), requirement="R-CMP-6")


class EmergencyPlan(models.Model):
    """The emergency plan a major complaint starts at once (Art.17 "重大投诉须启动应急预案"):
    immediate control, the major-event report to the office and the in-charge leader within 24
    hours (R-RSK-6), the resolution plan and its leading-group review (Art.20(一)3, R-CMP-5),
    then carrying it out and tracking the rectification."""

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="emergency_plan"
    )
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(
        _("阶段"), max_length=14, choices=PlanStage.choices, default=PlanStage.ACTIVATED
    )
    activated_at = models.DateTimeField(_("启动时间"))
    control_measures = models.TextField(_("即时控制措施"), blank=True)
    reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    report_text = models.TextField(_("重大事件报告"), blank=True)
    reported_by = models.ForeignKey(
        USER,
        verbose_name=_("上报人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_text = models.TextField(_("解决方案"), blank=True)
    plan_author = models.ForeignKey(
        USER,
        verbose_name=_("方案提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_submitted_at = models.DateTimeField(_("方案提交时间"), null=True, blank=True)
    carried_out_at = models.DateTimeField(_("开始实施时间"), null=True, blank=True)
    carried_out_by = models.ForeignKey(
        USER,
        verbose_name=_("实施负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rectification = models.TextField(_("整改情况"), blank=True)
    completed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉应急预案")
        verbose_name_plural = _("投诉应急预案")
        ordering = ["-activated_at", "-id"]

    def __str__(self):
        return str(_("应急预案：%(title)s") % {"title": self.complaint.title})

    def get_absolute_url(self):
        return reverse("servicedesk:complaint", args=[self.complaint_id])


class GradingCriterion(models.Model):
    """One row of the grading matrix (R-CMP-2): at what value a criterion makes a complaint
    较大 or 重大 (empty: never). Yes/no criteria count as 1 when met. Edited by an
    administrator; every change audited."""

    criterion = models.CharField(
        _("评估维度"), max_length=12, choices=Criterion.choices, unique=True
    )
    significant_at = models.DecimalField(
        _("较大（达到）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    major_at = models.DecimalField(
        _("重大（达到）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("投诉分级矩阵")
        verbose_name_plural = _("投诉分级矩阵")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(significant_at__isnull=True)
                | Q(major_at__isnull=True)
                | Q(major_at__gte=models.F("significant_at")),
                name="grading_major_not_below_significant",
            ),
        ]

    def __str__(self):
        return self.get_criterion_display()


class TopicWatch(models.Model):
    """A (park, topic) pair the chain-complaint rule watches (R-CMP-7): the alert's object, so
    a chain keeps one alert that escalates as it grows. Made when a complaint of the pair is
    first recorded."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("投诉主题"), max_length=12, choices=ComplaintTopic.choices)

    class Meta:
        verbose_name = _("投诉主题监测")
        verbose_name_plural = _("投诉主题监测")
        constraints = [
            models.UniqueConstraint(fields=["park", "topic"], name="topic_watch_once"),
        ]

    def __str__(self):
        return str(self.get_topic_display())

    def get_absolute_url(self):
        return reverse("servicedesk:complaints") + f"?topic={self.topic}&park={self.park_id}"


class AccountabilityReferral(models.Model):
    """A complaint caused by a rule broken, referred for accountability (R-CMP-8, Art.22(一)1):
    the responsible person and the article. The accountability workflow itself (R-CPL-5) takes
    it from here."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="referrals"
    )
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.ForeignKey(
        USER, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    article = models.ForeignKey(
        "core.Article", verbose_name=_("违反条款"), on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField(_("违规事实"))
    status = models.CharField(
        _("状态"), max_length=8, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    referred_by = models.ForeignKey(
        USER, verbose_name=_("移送人"), on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("移送时间"))

    class Meta:
        verbose_name = _("问责移送")
        verbose_name_plural = _("问责移送")
        ordering = ["-referred_at", "-id"]

    def __str__(self):
        return f"{self.complaint} · {self.responsible_person}"

    def get_absolute_url(self):
        return reverse("servicedesk:complaint", args=[self.complaint_id])
