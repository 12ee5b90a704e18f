"""Licence readings (issue 13): one uploaded business licence (营业执照) read by the worker.

A reading holds the file as uploaded (stored under a server-generated name, checked with the
same rules as a qualification document), where the worker stands (status, progress, stage)
and what it read (``result``: ``LicenceResult.as_json()``). It is found by a random token,
never by its sequential id, so a link to it cannot be guessed.

* 新建企业 — staff read a licence to register an enterprise: the confirmed reading creates the
  enterprise and its licence document version 1, once (``used_at``/``used_for``).
* 门户入驻申请 — an applicant without an account reads a licence in the portal: the reading
  belongs to the applicant's anonymous session (``owner_key``, a hash of its key).
* 执照换发 — a renewed licence of a registered enterprise: read automatically when a new licence
  version is uploaded (``document``) and compared with the register.

Files of readings never used are deleted after the retention period (applicants' licence
photos are not kept: ``services.readings_purge_unused``)."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ReadingPurpose, ReadingStage, ReadingStatus

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def retention_days() -> int:
    """How long the file of a reading nobody used is kept (days; default 7)."""
    return int(getattr(settings, "PARKFLOW_LICENCE_READING_RETENTION_DAYS", 7))


def owner_hash(owner_key: str) -> str:
    """What a reading stores of an anonymous applicant's session key: its SHA-256."""
    return hashlib.sha256(owner_key.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_hex(16)


def reading_path(reading, filename: str) -> str:
    """Server-generated, unguessable storage name; the uploaded name is kept only as data."""
    return f"licence-readings/{uuid.uuid4().hex}.{EXTENSIONS.get(reading.mime_type, 'bin')}"


class LicenceReading(models.Model):
    token = models.CharField(_("识别编号"), max_length=32, unique=True, default=new_token)
    purpose = models.CharField(_("用途"), max_length=16, choices=ReadingPurpose.choices)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The enterprise whose renewed licence this is (执照换发).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licence_readings",
    )
    # The licence version read, when the reading was started by its upload (执照换发): the
    # reading then has no file of its own.
    document = models.ForeignKey(
        "intake.QualificationDocument",
        verbose_name=_("执照版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to=reading_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    mime_type = models.CharField(_("文件格式"), max_length=40)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReadingStatus.choices, default=ReadingStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    stage = models.CharField(_("步骤"), max_length=12, choices=ReadingStage.choices, blank=True)
    result = models.JSONField(_("识别结果"), null=True, blank=True)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # SHA-256 of the anonymous applicant's session key (门户入驻申请): only that session sees it.
    owner_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("上传时间"))
    started_at = models.DateTimeField(_("开始识别时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("识别完成时间"), null=True, blank=True)
    # A reading pre-fills one registration only (and a renewal is applied to its enterprise).
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_for = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("用于企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    scope_park_lookup = "park"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("营业执照识别")
        verbose_name_plural = _("营业执照识别")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="licence_reading_newest"),
            # The upload page's "my recent readings".
            models.Index(
                fields=["requested_by", "-created_at", "-id"], name="licence_reading_mine"
            ),
            # The enterprise page's latest renewal reading.
            models.Index(
                fields=["enterprise", "purpose", "-created_at", "-id"],
                name="licence_reading_by_enterprise",
            ),
            # The daily purge: unused readings past the retention period that still hold a file.
            models.Index(
                fields=["created_at"],
                condition=Q(used_at__isnull=True) & ~Q(file=""),
                name="licence_reading_to_purge",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="licence_reading_progress_0_100",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, used_for__isnull=True)
                | Q(used_at__isnull=False, used_for__isnull=False, status=ReadingStatus.DONE),
                name="licence_reading_used_when_done",
            ),
            models.CheckConstraint(
                condition=~Q(purpose=ReadingPurpose.RENEWAL) | Q(enterprise__isnull=False),
                name="licence_reading_renewal_has_enterprise",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="licence_reading_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.original_name}"

    def get_absolute_url(self):
        # The page is found by the random token, never by the id: an instance the audit page
        # builds from an event's object id alone has no link (its token would be a new one).
        if self._state.adding:
            raise ValueError("a reading's page is found by its stored token")
        return reverse("licences:reading", args=[self.token])

    @property
    def is_finished(self) -> bool:
        return self.status in (ReadingStatus.DONE, ReadingStatus.FAILED)

    @property
    def has_file(self) -> bool:
        """Is the licence file still there to show (its own, or the licence version read)?"""
        return bool(self.file) or self.document_id is not None

    @property
    def stage_steps(self) -> list[tuple[str, str]]:
        """Each step of the reading with its state ("done", "current" or "") for the page."""
        codes = ReadingStage.values
        current = codes.index(self.stage) if self.stage in codes else -1
        finished = self.status == ReadingStatus.DONE
        return [
            (label, "done" if finished or i < current else "current" if i == current else "")
            for i, (_code, label) in enumerate(ReadingStage.choices)
        ]

    @property
    def is_image(self) -> bool:
        return self.mime_type in ("image/png", "image/jpeg")
