from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class ResourceKind(models.TextChoices):
    UNIT = "unit", _("办公单元")
    MEETING_ROOM = "meeting_room", _("会议室")
    EQUIPMENT = "equipment", _("设备")
    PARKING = "parking", _("停车位")
    STAFF_SERVICE = "staff_service", _("人员服务")


@status_colours("resource", {"available": "success", "maintenance": "warning", "retired": "muted"})
class ResourceStatus(models.TextChoices):
    AVAILABLE = "available", _("可用")
    MAINTENANCE = "maintenance", _("维护中")
    RETIRED = "retired", _("已停用")


@status_colours(
    "resource_request",
    {"submitted": "warning", "allocated": "success", "rejected": "danger", "cancelled": "muted"},
)
class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("审查中")
    ALLOCATED = "allocated", _("已分配")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已撤回")


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    STAFF = "staff", _("工作人员代办")


@status_colours("allocation", {"active": "success", "released": "muted"})
class AllocationStatus(models.TextChoices):
    ACTIVE = "active", _("使用中")
    RELEASED = "released", _("已释放")


class DeviationKind(models.TextChoices):
    LATE = "late", _("交付延迟")
    DIFFERENT = "different", _("与约定不符")
    INSUFFICIENT = "insufficient", _("数量或质量不足")


@status_colours("deviation", {"open": "warning", "resolved": "success"})
class DeviationStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    RESOLVED = "resolved", _("已解决")
