"""Enterprise records (R-ENT-1), portal accounts and conflict-of-interest declarations (R-ENT-4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from parkflow.org.models import NormalisedPhoneMixin, phone_validator

from .choices import (
    BrandMatch,
    DocumentType,
    DrawPurpose,
    EnterpriseGrade,
    EnterpriseStatus,
    FlagStatus,
    ImportStatus,
    Industry,
)
from .validators import normalise_credit_code, validate_credit_code

S = EnterpriseStatus


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

    scope_park_lookup = "park"
    scope_enterprise_lookup = "pk"
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
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["park", "status"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0), name="enterprise_capital_not_negative"
            )
        ]

    def __str__(self):
        return self.name

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

    scope_park_lookup = "enterprise__park"
    scope_enterprise_lookup = "enterprise"

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

    scope_park_lookup = "enterprise__park"

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


class ConflictDeclaration(models.Model):
    """A staff member's declared conflict of interest with an enterprise (R-ENT-4): it removes
    them from reviewing or approving anything of that enterprise."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="conflicts"
    )
    reason = models.CharField(_("利益关系说明"), max_length=300)
    declared_at = models.DateTimeField(_("申报时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    scope_park_lookup = "enterprise__park"

    class Meta:
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "enterprise"],
                condition=Q(withdrawn_at__isnull=True),
                name="conflict_once_active",
            )
        ]

    def __str__(self):
        return f"{self.person} ↔ {self.enterprise}"


def document_path(document, filename: str) -> str:
    """Server-generated, unguessable storage name; the uploaded name is kept only as data."""
    import uuid

    return f"documents/{document.enterprise_id}/{uuid.uuid4().hex}.{document.extension}"


class QualificationDocument(models.Model):
    """One version of one qualification document (R-ENT-2). Versions are only ever added:
    a new upload of the same type becomes version N+1 and the older ones stay."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="documents"
    )
    doc_type = models.CharField(_("材料类型"), max_length=24, choices=DocumentType.choices)
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    mime_type = models.CharField(_("文件格式"), max_length=40)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    scope_park_lookup = "enterprise__park"
    scope_enterprise_lookup = "enterprise"
    EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}

    class Meta:
        verbose_name = _("资质材料")
        verbose_name_plural = _("资质材料")
        ordering = ["enterprise", "doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "doc_type", "version"], name="document_version_once"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="document_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_doc_type_display()} v{self.version}"

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.mime_type, "bin")


class ReviewDraw(models.Model):
    """A "double random" draw (R-ENT-3, Art.10 双随机): the eligible pool, the seed and the result
    are recorded so anyone can re-run the draw and get the same reviewers."""

    purpose = models.CharField(_("用途"), max_length=12, choices=DrawPurpose.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="draws"
    )
    gate = models.CharField(_("审查节点"), max_length=80)
    round = models.PositiveIntegerField(_("审查轮次"))
    seed = models.CharField(_("随机种子"), max_length=40)
    pool = models.JSONField(_("合格审查人池"))  # sorted user ids
    excluded = models.JSONField(_("排除人员及原因"), default=dict)  # {user id: reason}
    count = models.PositiveSmallIntegerField(_("抽取人数"))
    selected = models.JSONField(_("抽中审查人"))  # user ids in draw order
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"))
    campaign = models.ForeignKey(
        "SpotCheckCampaign", null=True, blank=True, on_delete=models.PROTECT, related_name="draws"
    )

    scope_park_lookup = "enterprise__park"

    class Meta:
        verbose_name = _("双随机抽取记录")
        verbose_name_plural = _("双随机抽取记录")
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.get_purpose_display()} · {self.drawn_at:%Y-%m-%d}"


class SpotCheckCampaign(models.Model):
    """The quarterly random sample of approved enterprises for re-checks (R-ENT-3)."""

    quarter = models.CharField(_("季度"), max_length=7, unique=True)  # "2026Q4"
    seed = models.CharField(_("随机种子"), max_length=40)
    population = models.JSONField(_("抽样总体"))  # sorted enterprise ids
    rate = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=3)
    sample = models.JSONField(_("抽中企业"))
    drawn_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        verbose_name = _("季度抽查")
        verbose_name_plural = _("季度抽查")
        ordering = ["-quarter"]

    def __str__(self):
        return self.quarter


class PublishedResult(models.Model):
    """ "一公开": the outcome of an admission review or spot check, published to staff and the
    portal — name, decision and date only, never internal opinions."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="published_results"
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=120)
    purpose = models.CharField(_("事项"), max_length=12, choices=DrawPurpose.choices)
    decision = models.CharField(_("结论"), max_length=10)
    decided_on = models.DateField(_("审查日期"))
    published_at = models.DateTimeField(_("公示时间"))

    class Meta:
        verbose_name = _("审查结果公示")
        verbose_name_plural = _("审查结果公示")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.enterprise_name} · {self.get_purpose_display()} · {self.decision}"

    @property
    def decision_label(self) -> str:
        from parkflow.core.choices import ReviewDecision

        return (
            str(ReviewDecision(self.decision).label)
            if self.decision in ReviewDecision.values
            else self.decision
        )


class ProtectedBrand(models.Model):
    """A well-known brand that applicants must not impersonate (R-ENT-6, Art.10 重点防控)."""

    name = models.CharField(_("品牌名称"), max_length=60, unique=True)
    aliases = models.CharField(
        _("别名/英文名"), max_length=200, blank=True, help_text=_("以逗号分隔，如 HUAWEI,华为技术")
    )
    owner = models.CharField(_("权利人"), max_length=120, blank=True)
    # The brand's own reading (D20): homophones are compared with it, tone for tone. pypinyin's
    # guess is only the default (it reads 华为 huá wèi), so it is stored and editable.
    reading = models.CharField(
        _("读音"),
        max_length=240,
        blank=True,
        help_text=_(
            "品牌自身的读音：每个汉字一个拼音音节加声调数字（1–4，轻声为 5），以空格分隔，"
            "如 hua2 wei2；留空则按最常用读音填写。"
        ),
    )
    distinct_words = models.CharField(
        _("不视为冒用的词语"),
        max_length=200,
        blank=True,
        help_text=_("含品牌但词义不同的词语，以逗号分隔，如 京东方、小米粥"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("受保护品牌")
        verbose_name_plural = _("受保护品牌")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]

    @property
    def distinct_word_list(self) -> list[str]:
        text = self.distinct_words.replace("，", ",").replace("、", ",")
        return [w.strip() for w in text.split(",") if w.strip()]

    @property
    def reading_display(self) -> str:
        from .brands import reading_display

        return reading_display(self.reading)

    def clean(self):
        """The reading defaults to pypinyin's most common one and must fit the name (D20)."""
        from .brands import default_reading, normalise_reading, reading_error

        self.reading = normalise_reading(self.reading) or default_reading(self.name)
        error = reading_error(self.name, self.reading) if self.name else None
        if error:
            raise ValidationError({"reading": error})


class BrandFlag(models.Model):
    """A suspected impersonation: blocks approval until a brand authorisation is approved."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="brand_flags")
    brand = models.ForeignKey(ProtectedBrand, on_delete=models.PROTECT, related_name="flags")
    matched_name = models.CharField(_("比对名称"), max_length=120)
    method = models.CharField(_("命中方式"), max_length=12, choices=BrandMatch.choices)
    score = models.PositiveSmallIntegerField(_("相似度"))
    # Why it matched, as found at check time (D20): path, span, segments, readings, score.
    evidence = models.JSONField(_("命中依据"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    raised_at = models.DateTimeField(_("发现时间"))
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    cleared_by_document = models.ForeignKey(
        QualificationDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_park_lookup = "enterprise__park"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("品牌冒用嫌疑")
        verbose_name_plural = _("品牌冒用嫌疑")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "brand"],
                condition=Q(status="open"),
                name="brand_flag_once_open",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} ≈ {self.brand}"

    @property
    def why(self) -> str:
        """The evidence in Chinese; flags raised before evidence was kept show their method."""
        from .brands import explain

        return explain(self.evidence) or _("%(method)s（命中时未记录分词依据）") % {
            "method": self.get_method_display()
        }


class AdmissionFeeTariff(models.Model):
    """The published admission fee of a park (R-ENT-5: only the published tariff is charged)."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("入驻费（元）"), max_digits=12, decimal_places=2)
    effective_from = models.DateField(_("生效日期"))
    published_at = models.DateTimeField(_("公布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_park_lookup = "park"

    class Meta:
        verbose_name = _("入驻费标准")
        verbose_name_plural = _("入驻费标准")
        ordering = ["park", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["park", "effective_from"], name="tariff_once_per_day"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tariff_not_negative"),
        ]

    def __str__(self):
        return f"{self.park} ¥{self.amount} ({self.effective_from})"


class AdmissionFee(models.Model):
    """The admission fee charged to one enterprise, always the tariff amount in force."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.PROTECT, related_name="admission_fee"
    )
    tariff = models.ForeignKey(AdmissionFeeTariff, on_delete=models.PROTECT, related_name="charges")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    charged_at = models.DateTimeField(_("计费时间"))
    charged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_park_lookup = "enterprise__park"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("入驻费")
        verbose_name_plural = _("入驻费")

    def __str__(self):
        return f"{self.enterprise} ¥{self.amount}"


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
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return self.original_name

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

    scope_park_lookup = "enterprise__park"

    class Meta:
        verbose_name = _("历史入驻记录")
        verbose_name_plural = _("历史入驻记录")

    def __str__(self):
        return f"{self.enterprise} · {self.admitted_on}"
