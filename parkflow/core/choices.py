from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import status_colours


@status_colours(
    "severity", {"info": "info", "warning": "warning", "high": "danger", "critical": "critical"}
)
class Severity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", _("警告")
    HIGH = "high", _("严重")
    CRITICAL = "critical", _("重大")


@status_colours("alert", {"open": "danger", "acknowledged": "warning", "resolved": "success"})
class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    RESOLVED = "resolved", _("已解除")


@status_colours(
    "review",
    {
        "pending": "warning",
        "approve": "success",
        "reject": "danger",
        "return": "orange",
        "withdrawn": "muted",
    },
)
class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("待审查")
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("不通过")
    RETURN = "return", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤销")


@status_colours(
    "gate",
    {
        "passed": "success",
        "open": "warning",
        "refused": "danger",
        "void": "orange",
        "not_applicable": "muted",
    },
)
class GateStatus(models.TextChoices):
    """Where a gate stands for one object (the review page's prerequisites, the gates of a step)."""

    PASSED = "passed", _("已通过")
    OPEN = "open", _("未完成")
    REFUSED = "refused", _("未通过")
    VOID = "void", _("已失效")
    NOT_APPLICABLE = "not_applicable", _("不适用")


@status_colours(
    "sla",
    {
        "running": "info",
        "paused": "muted",
        "met": "success",
        "breached": "danger",
        "cancelled": "slate",
    },
)
class SlaState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("按时完成")
    BREACHED = "breached", _("超时完成")
    CANCELLED = "cancelled", _("已取消")


class SlaUnit(models.TextChoices):
    CALENDAR_HOURS = "calendar_hours", _("自然小时")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")
    WORKING_HOURS = "working_hours", _("工作小时")


@status_colours(
    "verification",
    {
        "queued": "slate",
        "running": "primary",
        "ok": "success",
        "broken": "danger",
        "failed": "warning",
    },
)
class VerificationStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("验证中")
    OK = "ok", _("完整")
    BROKEN = "broken", _("发现问题")
    FAILED = "failed", _("未能完成")


class VerificationKind(models.TextChoices):
    INCREMENTAL = "incremental", _("增量验证")
    FULL = "full", _("完整验证")
