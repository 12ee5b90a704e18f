from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")
    VALID = "valid", _("检查通过，待导入")
    INVALID = "invalid", _("有错误，未导入")
    IMPORTING = "importing", _("导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("导入失败，未写入")
