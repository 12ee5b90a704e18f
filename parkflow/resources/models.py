"""Resource allocation (R-RES-1 … R-RES-6). Periods are half-open ``[starts_at, ends_at)``: one
booking may end at the minute the next one starts. On PostgreSQL an exclusion constraint
(migration 0002, btree_gist) makes two active allocations of one resource over overlapping
periods impossible whatever writes them; on SQLite the allocation service checks inside a
transaction that holds the database's write lock (services.allocate, D47)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkflow.enterprises.choices import EnterpriseGrade

from .choices import (
    AllocationStatus,
    DeviationKind,
    DeviationStatus,
    RequestChannel,
    RequestStatus,
    ResourceKind,
    ResourceStatus,
)

USER = settings.AUTH_USER_MODEL


class Resource(models.Model):
    """One thing a park allocates: an office unit (building, floor, number, area), a meeting
    room (capacity, equipment), a piece of equipment, a parking space or a staff service."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("资源类别"), max_length=16, choices=ResourceKind.choices)
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    building = models.CharField(_("楼栋"), max_length=30, blank=True)
    floor = models.CharField(_("楼层"), max_length=10, blank=True)
    number = models.CharField(_("房号"), max_length=20, blank=True)
    area = models.DecimalField(
        _("面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("容纳人数"), null=True, blank=True)
    equipment = models.CharField(_("配套设备"), max_length=200, blank=True)
    # What the resource is worth for the "major allocation" threshold: a unit's monthly rent at
    # the tariff, an asset's book value (元).
    value = models.DecimalField(
        _("价值（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ResourceStatus.choices, default=ResourceStatus.AVAILABLE
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        ordering = ["park", "kind", "building", "code"]
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="resource_code_per_park"),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(area__gt=0), name="resource_area_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "kind", "building", "code"], name="resource_catalogue"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("resources:resource", args=[self.pk])


class Entitlement(models.Model):
    """What a customer grade may have of a kind of resource in a park (R-RES-2): meeting-room
    hours per month, a number of parking spaces or pieces of equipment, an office area — and its
    booking priority (1 first)."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("客户等级"), max_length=4, choices=EnterpriseGrade.choices)
    kind = models.CharField(_("资源类别"), max_length=16, choices=ResourceKind.choices)
    monthly_hours = models.DecimalField(
        _("每月时长（小时）"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    max_count = models.PositiveSmallIntegerField(_("数量上限"), null=True, blank=True)
    max_area = models.DecimalField(
        _("面积上限（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    priority = models.PositiveSmallIntegerField(_("预订优先级"), default=3)

    class Meta:
        verbose_name = _("资源权益")
        verbose_name_plural = _("资源权益")
        ordering = ["park", "grade", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "grade", "kind"], name="entitlement_once_per_grade_kind"
            ),
            models.CheckConstraint(condition=Q(priority__gte=1), name="entitlement_priority"),
        ]

    def __str__(self):
        return f"{self.get_grade_display()} · {self.get_kind_display()}"


class ResourceRequest(models.Model):
    """A request for a resource over a period, by the enterprise in the portal or by staff for
    it. It takes effect only as an ``Allocation``, after the risk-control review (or a declared
    standing approval for routine meeting-room bookings) and, for a major one, the leading
    group's approval (gates.py)."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="resource_requests",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="requests"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    channel = models.CharField(_("申请渠道"), max_length=8, choices=RequestChannel.choices)
    # Decided when the request is made, from the thresholds and the enterprise's usage then.
    major = models.BooleanField(_("重大资源需求"), default=False)
    above_entitlement = models.BooleanField(_("超出权益"), default=False)
    justification = models.TextField(_("超出权益的书面理由"), blank=True)
    # The declared standing approval that allocated it without a review (standing.py), if any.
    standing_rule = models.CharField(_("常规审批规则"), max_length=60, blank=True)
    renewal_of = models.ForeignKey(
        "Allocation",
        verbose_name=_("续期的分配"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    decision_note = models.TextField(_("审查意见"), blank=True)
    requested_by = models.ForeignKey(
        USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("资源申请")
        verbose_name_plural = _("资源申请")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="resource_request_newest"),
            models.Index(fields=["park", "status", "-created_at"], name="resource_request_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="resource_request_period"
            ),
            # R-RES-5: above entitlement only with a written justification, whatever writes it.
            models.CheckConstraint(
                condition=Q(above_entitlement=False) | ~Q(justification=""),
                name="resource_request_justified",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.resource}"

    def get_absolute_url(self):
        return reverse("resources:request", args=[self.pk])

    @property
    def hours(self):
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Allocation(models.Model):
    """A resource held by an enterprise over ``[starts_at, ends_at)``: what a granted request
    became. Never two active ones of a resource over overlapping periods (R-RES-4)."""

    request = models.OneToOneField(
        ResourceRequest,
        verbose_name=_("资源申请"),
        on_delete=models.PROTECT,
        related_name="allocation",
    )
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="allocations"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.ACTIVE
    )
    above_entitlement = models.BooleanField(_("超出权益"), default=False)
    # Who granted it: the last reviewer whose approval completed the gates, or nobody when a
    # standing approval allocated it (then ``request.standing_rule`` says which).
    granted_by = models.ForeignKey(
        USER,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("分配时间"))
    released_at = models.DateTimeField(_("释放时间"), null=True, blank=True)
    release_reason = models.CharField(_("释放原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("资源分配")
        verbose_name_plural = _("资源分配")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["-starts_at", "-id"], name="allocation_newest"),
            models.Index(fields=["resource", "starts_at"], name="allocation_by_resource"),
            models.Index(fields=["enterprise", "-starts_at"], name="allocation_by_enterprise"),
            models.Index(fields=["park", "status", "ends_at"], name="allocation_ending"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="allocation_period"
            ),
        ]

    def __str__(self):
        return f"{self.resource} · {self.enterprise}"

    def get_absolute_url(self):
        return reverse("resources:request", args=[self.request_id])


class Deviation(models.Model):
    """A delivery deviation (R-RES-6) reported against an allocation — late, different from what
    was agreed, insufficient — tracked to its resolution on the SLA clock."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("资源分配"), on_delete=models.PROTECT, related_name="deviations"
    )
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("偏差类型"), max_length=14, choices=DeviationKind.choices)
    description = models.TextField(_("情况说明"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DeviationStatus.choices, default=DeviationStatus.OPEN
    )
    channel = models.CharField(_("报告渠道"), max_length=8, choices=RequestChannel.choices)
    reported_by = models.ForeignKey(
        USER, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("报告时间"))
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_by = models.ForeignKey(
        USER,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交付偏差")
        verbose_name_plural = _("交付偏差")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["-reported_at", "-id"], name="deviation_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="deviation_resolved_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.allocation}"

    def get_absolute_url(self):
        return reverse("resources:deviation", args=[self.pk])
