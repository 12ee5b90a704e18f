from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    SEMIANNUAL = "semiannual", _("每半年")
    ANNUAL = "annual", _("每年")


class UnitScope(models.TextChoices):
    """Which organisation units a duty falls on: one task per unit and period."""

    EACH_PARK = "park", _("各园区（下属单位）")
    EACH_BUSINESS_DEPARTMENT = "business_department", _("各业务部门")
    EACH_LEVEL = "each_level", _("公司总部及各园区")
    SPECIAL_OFFICE = "special_office", _("专项管理办公室")
    LEAD_DEPARTMENT = "lead_department", _("牵头部门")
    LEGAL_DEPARTMENT = "legal_department", _("法务部")
    RISK_DEPARTMENT = "risk_department", _("风控部")


class Evidence(models.TextChoices):
    """What counts as evidence that a task was done."""

    NOTE = "note", _("书面说明")
    FILE = "file", _("文件")
    LINK = "link", _("关联记录")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")


@status_colours("duty_task", {"pending": "warning", "late": "danger", "done": "success"})
class TaskState(models.TextChoices):
    """What the calendar shows: an open task past its due date is late (红色)."""

    PENDING = "pending", _("待办")
    LATE = "late", _("已逾期")
    DONE = "done", _("已完成")
