"""Enterprise records (R-ENT-1), portal accounts and invitations, and the register import."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from parkflow.core import clock
from parkflow.org.models import NormalisedPhoneMixin, phone_validator

from .choices import EnterpriseGrade, EnterpriseStatus, ImportStatus, Industry
from .validators import normalise_credit_code, validate_credit_code

S = EnterpriseStatus
# Between the searched fields: a control character nobody types, so no search spans two fields.
SEARCH_SEPARATOR = "\x1f"
# 经营范围 as a licence prints it: long, but a paragraph, not a document (issue 13).
BUSINESS_SCOPE_MAX_LENGTH = 2000


class Enterprise(NormalisedPhoneMixin, FSMModelMixin, models.Model):
    phone_fields = ("contact_phone",)

    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=60)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices)
    grade = models.CharField(
        _("客户等级"), max_length=4, choices=EnterpriseGrade.choices, default=EnterpriseGrade.B
    )
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    address = models.CharField(_("入驻地址"), max_length=200, blank=True)
    # What the business licence (营业执照) says besides the facts above, so that a licence read
    # by OCR can fill the record (issue 13). 住所 is where the company is registered; it is not
    # the unit it occupies in the park (address).
    company_type = models.CharField(_("类型"), max_length=60, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_address = models.CharField(
        _("住所（执照登记）"),
        max_length=200,
        blank=True,
        help_text=_("营业执照上登记的住所，可与入驻地址不同。"),
    )
    business_scope = models.TextField(
        _("经营范围"),
        blank=True,
        validators=[MaxLengthValidator(BUSINESS_SCOPE_MAX_LENGTH)],
    )
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": "park"},
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_enterprises",
    )
    status = FSMField(_("状态"), default=S.PROSPECT, choices=S.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    status_changed_at = models.DateTimeField(_("状态变更时间"))
    # What the register's search box matches (name, credit code, contact, legal representative),
    # upper-cased and kept by the database, so that one trigram index serves the search at group
    # scale instead of four ORed column scans (issue 7 §6; enterprises 0011).
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "name",
                Value(SEARCH_SEPARATOR),
                "credit_code",
                Value(SEARCH_SEPARATOR),
                "contact_name",
                Value(SEARCH_SEPARATOR),
                "legal_representative",
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
        editable=False,
    )

    # What the admission review looks at; editing any of these after approval voids it (R-CPL-1).
    REVIEWED_FIELDS = (
        "name",
        "credit_code",
        "legal_representative",
        "registered_capital",
        "industry",
        "park_id",
    )
    EDITABLE_FIELDS = (
        "name",
        "credit_code",
        "legal_representative",
        "registered_capital",
        "industry",
        "grade",
        "contact_name",
        "contact_phone",
        "contact_email",
        "address",
        "account_manager",
        "company_type",
        "established_on",
        "registered_address",
        "business_scope",
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["park", "status"]),
            models.Index(fields=["name"]),
            # The register's default order, for headquarters and for one park; the applications
            # list (status, newest change first).
            models.Index(fields=["-created_at", "-id"], name="enterprise_recent"),
            models.Index(fields=["park", "-created_at", "-id"], name="enterprise_park_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="enterprise_status_recent"),
            models.Index(
                fields=["status", "-status_changed_at", "-id"], name="enterprise_status_changed"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0), name="enterprise_capital_not_negative"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("enterprises:detail", args=[self.pk])

    def clean(self):
        super().clean()
        # A value clean_fields refused is still the raw input here: compare dates only.
        established = self.established_on
        if isinstance(established, datetime.date) and established > clock.today():
            raise ValidationError({"established_on": _("成立日期不能晚于今天。")})

    def clean_fields(self, exclude=None):
        # Full-width, spaced or dashed codes are the same code (core.normalise); phone numbers
        # are normalised by NormalisedPhoneMixin.
        if self.credit_code:
            self.credit_code = normalise_credit_code(self.credit_code)
        super().clean_fields(exclude=exclude)

    # The lifecycle's transitions are declared in workflows.py and performed only by
    # core.workflow.transition(); the protected status field refuses any other assignment.


class PortalAccount(models.Model):
    """Links an enterprise user to the one enterprise they may see (R-ORG-2, R-PLT-3)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="portal_accounts"
    )

    class Meta:
        verbose_name = _("企业门户账号")
        verbose_name_plural = _("企业门户账号")

    def __str__(self):
        return f"{self.user} → {self.enterprise}"


class PortalInvitation(models.Model):
    """A one-time, expiring link through which an enterprise registered by staff sets up its
    portal account (R-PLT-3). Only the SHA-256 of the token is stored; the link is shown once."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="portal_invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("发送至邮箱"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("邀请时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("开通时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开通账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("门户开通邀请")
        verbose_name_plural = _("门户开通邀请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · 门户开通邀请"

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class ImportBatch(FSMModelMixin, models.Model):
    """One Excel file of the register brought in by a park adopting ParkFlow (R-PLT-5): checked in
    full first (a dry run with row-level errors), then imported all or nothing through the
    services. The file is kept (with its SHA-256) as the evidence of what was imported."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"))
    original_name = models.CharField(_("文件名"), max_length=200)
    stored_file = models.CharField(max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("文件大小"))
    status = FSMField(
        _("状态"), default=ImportStatus.CHECKING, choices=ImportStatus.choices, protected=True
    )
    enterprise_rows = models.PositiveIntegerField(_("企业行数"), default=0)
    contact_rows = models.PositiveIntegerField(_("应急联系人行数"), default=0)
    resident_rows = models.PositiveIntegerField(_("在园企业行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # The first errors, each {"sheet", "row", "column", "message"}; error_count has the total.
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    failure = models.CharField(_("失败原因"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业名录导入批次")
        verbose_name_plural = _("企业名录导入批次")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["-created_at", "-id"], name="import_batch_recent"),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("enterprises:import_batch", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @transition(field=status, source=ImportStatus.CHECKING, target=ImportStatus.VALID)
    def pass_check(self):
        pass

    @transition(field=status, source=ImportStatus.CHECKING, target=ImportStatus.INVALID)
    def fail_check(self):
        pass

    @transition(field=status, source=ImportStatus.VALID, target=ImportStatus.IMPORTING)
    def start_import(self):
        pass

    @transition(field=status, source=ImportStatus.IMPORTING, target=ImportStatus.IMPORTED)
    def finish_import(self):
        pass

    @transition(
        field=status,
        source=[ImportStatus.IMPORTING, ImportStatus.CHECKING],
        target=ImportStatus.FAILED,
    )
    def fail(self):
        pass

    @transition(field=status, source=ImportStatus.IMPORTING, target=ImportStatus.INVALID)
    def fail_recheck(self):
        pass


class LegacyAdmission(models.Model):
    """A resident admitted before the park adopted ParkFlow, brought in by an import (R-PLT-5).
    Its admission review happened outside the system; the importer attests the date and the
    batch keeps the source file. Everything else the good-standing guard checks still applies."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.PROTECT, related_name="legacy_admission"
    )
    admitted_on = models.DateField(_("原入驻日期"))
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="+"
    )
    source_row = models.PositiveIntegerField(_("来源行号"))

    class Meta:
        verbose_name = _("历史入驻记录")
        verbose_name_plural = _("历史入驻记录")

    def __str__(self):
        return f"{self.enterprise} · {self.admitted_on}"
