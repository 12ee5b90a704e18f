from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class VasCategory(models.TextChoices):
    """What kind of value-added service a catalogue entry is."""

    AGENCY = "agency", _("企业代办")
    FINANCE_TAX = "finance_tax", _("财税服务")
    INTELLECTUAL_PROPERTY = "ip", _("知识产权")
    HUMAN_RESOURCES = "hr", _("人力资源")
    MEETING = "meeting", _("会务服务")
    PROMOTION = "promotion", _("宣传推广")
    FACILITY = "facility", _("物业增值")
    POLICY = "policy", _("政策辅导")


class OrderChannel(models.TextChoices):
    """Who placed the order: the enterprise itself in the portal (confirmed by construction), or
    staff on its behalf — then it waits for the enterprise's own confirmation (R-VAS-2)."""

    PORTAL = "portal", _("企业门户下单")
    STAFF = "staff", _("工作人员代录")


@status_colours(
    "vas_order",
    {
        "pending_confirmation": "warning",
        "confirmed": "info",
        "in_progress": "purple",
        "completed": "success",
        "declined": "muted",
        "cancelled": "muted",
    },
)
class OrderStatus(models.TextChoices):
    PENDING_CONFIRMATION = "pending_confirmation", _("待企业确认")
    CONFIRMED = "confirmed", _("已确认")
    IN_PROGRESS = "in_progress", _("服务中")
    COMPLETED = "completed", _("已完成")
    DECLINED = "declined", _("企业已拒绝")
    CANCELLED = "cancelled", _("已取消")


# The states in which an order may be delivered and billed: only ever reached with the
# enterprise's confirmation (a database check, R-VAS-2).
BILLABLE = (OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED)
OPEN = (OrderStatus.PENDING_CONFIRMATION, OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS)
