from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class DocumentType(models.TextChoices):
    """Qualification documents (R-ENT-2, Art.10 "对财务报表、经营许可等材料实施全流程留痕管理")."""

    BUSINESS_LICENCE = "business_licence", _("营业执照")
    FINANCIAL_STATEMENT = "financial_statement", _("财务报表")
    OPERATING_PERMIT = "operating_permit", _("经营许可证")
    BRAND_AUTHORISATION = "brand_authorisation", _("品牌授权书")
    OTHER = "other", _("其他材料")


@status_colours("purpose", {"admission": "primary", "spot_check": "purple"})
class DrawPurpose(models.TextChoices):
    ADMISSION = "admission", _("准入审核")
    SPOT_CHECK = "spot_check", _("季度抽查")


class BrandMatch(models.TextChoices):
    EXACT = "exact", _("名称包含品牌")
    TRADITIONAL = "traditional", _("繁体字变体")
    PINYIN = "pinyin", _("同音（拼音）变体")
    NEAR_MISS = "near_miss", _("近似名称")


@status_colours("flag", {"open": "danger", "cleared": "success"})
class FlagStatus(models.TextChoices):
    OPEN = "open", _("待解除")
    CLEARED = "cleared", _("已解除")


@status_colours(
    "licence",
    {
        "valid": "success",
        "expiring": "warning",
        "expired": "danger",
        "not_yet": "orange",
        "missing": "danger",
    },
)
class LicenceState(models.TextChoices):
    """The current business licence as the application list shows it (R-ENT-2)."""

    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")
    NOT_YET = "not_yet", _("尚未生效")
    MISSING = "missing", _("未上传")
