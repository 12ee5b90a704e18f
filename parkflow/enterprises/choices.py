from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


@status_colours(
    "enterprise",
    {
        "prospect": "slate",
        "applying": "info",
        "under_review": "warning",
        "approved": "primary",
        "rejected": "danger",
        "resident": "success",
        "exiting": "orange",
        "exited": "muted",
    },
)
class EnterpriseStatus(models.TextChoices):
    """R-ENT-1 life cycle."""

    PROSPECT = "prospect", _("意向")
    APPLYING = "applying", _("申请中")
    UNDER_REVIEW = "under_review", _("审核中")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核未通过")
    RESIDENT = "resident", _("在园")
    EXITING = "exiting", _("退出中")
    EXITED = "exited", _("已退出")


@status_colours("grade", {"key": "purple", "a": "primary", "b": "info", "c": "slate"})
class EnterpriseGrade(models.TextChoices):
    """Customer grade; resource entitlements follow it (R-RES-2, Art.12)."""

    KEY = "key", _("重点客户")
    A = "a", _("A级")
    B = "b", _("B级")
    C = "c", _("C级")


class Industry(models.TextChoices):
    IT = "it", _("新一代信息技术")
    BIOMED = "biomed", _("生物医药")
    EQUIPMENT = "equipment", _("高端装备制造")
    MATERIALS = "materials", _("新材料")
    ENERGY = "energy", _("新能源")
    SERVICES = "services", _("现代服务业")
    CREATIVE = "creative", _("文化创意")
    OTHER = "other", _("其他")


@status_colours(
    "import",
    {
        "checking": "info",
        "valid": "primary",
        "invalid": "danger",
        "importing": "warning",
        "imported": "success",
        "failed": "danger",
    },
)
class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")
    VALID = "valid", _("检查通过，待导入")
    INVALID = "invalid", _("有错误，未导入")
    IMPORTING = "importing", _("导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("导入失败，未写入")


# The workbench's bar chart of enterprises by status (hex: ECharts draws outside app.css).
EnterpriseStatus.chart_colours = {
    "prospect": "#94a3b8",
    "applying": "#0b9fc6",
    "under_review": "#f0a202",
    "approved": "#2f6bff",
    "rejected": "#e5484d",
    "resident": "#17a05d",
    "exiting": "#f97316",
    "exited": "#a1a1aa",
}
