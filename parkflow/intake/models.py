"""Intake (入驻审查): qualification documents (R-ENT-2), double-random review draws and quarterly
spot checks (R-ENT-3), conflict-of-interest declarations (R-ENT-4), published results (一公开),
admission fee tariffs and fees (R-ENT-5) and protected brands with their flags (R-ENT-6)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import BrandMatch, DocumentType, DrawPurpose, FlagStatus


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
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    reason = models.CharField(_("利益关系说明"), max_length=300)
    declared_at = models.DateTimeField(_("申报时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    scope_park_lookup = "enterprise__park"

    class Meta:
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        ordering = ["-declared_at"]
        # An index behind the default order and the lookups the draw and the lists make
        # (issue 7 §6): active declarations of an enterprise, and of a person.
        indexes = [
            models.Index(fields=["-declared_at", "-id"], name="conflict_recent"),
            models.Index(fields=["enterprise", "withdrawn_at"], name="conflict_enterprise_active"),
            models.Index(fields=["person", "withdrawn_at"], name="conflict_person_active"),
        ]
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
    return f"documents/{document.enterprise_id}/{uuid.uuid4().hex}.{document.extension}"


class QualificationDocument(models.Model):
    """One version of one qualification document (R-ENT-2). Versions are only ever added:
    a new upload of the same type becomes version N+1 and the older ones stay."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="documents",
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
        # The current version of a type (newest first) and the licence-expiry rule's sweep.
        indexes = [
            models.Index(fields=["enterprise", "doc_type", "-version"], name="document_current"),
            models.Index(fields=["doc_type", "valid_until"], name="document_type_valid_until"),
        ]
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

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("intake:document", args=[self.pk])

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.mime_type, "bin")


class ReviewDraw(models.Model):
    """A "double random" draw (R-ENT-3, Art.10 双随机): the eligible pool, the seed and the result
    are recorded so anyone can re-run the draw and get the same reviewers."""

    purpose = models.CharField(_("用途"), max_length=12, choices=DrawPurpose.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="draws",
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
        indexes = [
            models.Index(fields=["-drawn_at", "-id"], name="draw_recent"),
            models.Index(fields=["enterprise", "-drawn_at"], name="draw_enterprise_recent"),
        ]

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

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("intake:spot_checks")


class PublishedResult(models.Model):
    """ "一公开": the outcome of an admission review or spot check, published to staff and the
    portal — name, decision and date only, never internal opinions."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="published_results"
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
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="result_recent"),
            models.Index(fields=["enterprise", "-published_at"], name="result_enterprise_recent"),
        ]

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

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("intake:brands")

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

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="brand_flags"
    )
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
        indexes = [
            models.Index(fields=["-raised_at", "-id"], name="brand_flag_recent"),
            models.Index(fields=["enterprise", "status"], name="brand_flag_enterprise_status"),
        ]
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

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("intake:tariffs")


class AdmissionFee(models.Model):
    """The admission fee charged to one enterprise, always the tariff amount in force."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="admission_fee"
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
