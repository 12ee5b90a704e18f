"""One task per (duty, unit, period) of the compliance calendar (R-MON-3)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import TaskState, TaskStatus


def evidence_path(task, filename: str) -> str:
    """Server-generated, unguessable storage name; the uploaded name is kept only as data."""
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        task.evidence_mime, "bin"
    )
    return f"duties/{task.period}/{uuid.uuid4().hex}.{extension}"


class DutyTask(models.Model):
    """A duty's task for one unit and one period: created once by the calendar job (a unique
    constraint makes a second one impossible), done with evidence by its owner."""

    duty = models.CharField(_("职责"), max_length=80)
    title = models.CharField(_("任务"), max_length=200)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    # The unit's park, denormalised for scoping (null: a headquarters unit).
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("期间"), max_length=10)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    due_on = models.DateField(_("截止日期"))
    owner_role = models.CharField(_("责任角色"), max_length=20)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_tasks",
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_at = models.DateTimeField(_("生成时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("完成说明"), blank=True)
    evidence = models.FileField(_("证明文件"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("证明文件名"), max_length=200, blank=True)
    evidence_mime = models.CharField(_("证明文件类型"), max_length=40, blank=True)
    evidence_sha256 = models.CharField(_("证明文件摘要"), max_length=64, blank=True)
    # The record that fulfils the duty (a screening campaign, a spot-check draw …): a generic
    # reference a domain fills through ``services.task_fulfil``.
    link_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link_id = models.CharField(max_length=64, blank=True)
    link = GenericForeignKey("link_type", "link_id")
    link_repr = models.CharField(_("关联记录"), max_length=255, blank=True)
    # ``task_due`` / ``task_late`` are sent once each: stamped when sent.
    due_notified_at = models.DateTimeField(null=True, blank=True)
    late_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("合规任务")
        verbose_name_plural = _("合规任务")
        ordering = ["due_on", "id"]
        constraints = [
            # Each period's task exists once, however often the job runs (R-MON-3).
            models.UniqueConstraint(
                fields=["duty", "unit", "period"], name="duty_task_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | Q(status="done", completed_at__isnull=False),
                name="duty_task_done_has_time",
            ),
        ]
        indexes = [
            # The calendar: a month or quarter of due dates, by park.
            models.Index(fields=["due_on", "id"], name="duty_task_due"),
            models.Index(fields=["park", "due_on", "id"], name="duty_task_park_due"),
            # "My tasks", soonest first (the to-do centre).
            models.Index(
                fields=["owner", "due_on", "id"],
                condition=Q(status="open"),
                name="duty_task_owner_open",
            ),
            # The late rule and the reminders: open tasks by due date.
            models.Index(fields=["due_on"], condition=Q(status="open"), name="duty_task_open_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("duties:task_detail", args=[self.pk])

    def state_on(self, today) -> str:
        if self.status == TaskStatus.DONE:
            return TaskState.DONE
        return TaskState.LATE if self.due_on < today else TaskState.PENDING

    @property
    def completed_late(self) -> bool:
        return self.completed_at is not None and timezone.localdate(self.completed_at) > self.due_on
