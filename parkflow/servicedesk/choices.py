from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class Category(models.TextChoices):
    REPAIR = "repair", _("报修")
    CONSULTATION = "consultation", _("咨询")
    ENTERPRISE_SERVICE = "enterprise_service", _("企业服务")


@status_colours(
    "service_request",
    {"open": "warning", "in_progress": "info", "resolved": "purple", "closed": "success"},
)
class RequestStatus(models.TextChoices):
    OPEN = "open", _("待受理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("待企业确认")
    CLOSED = "closed", _("已关闭")


class Channel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    STAFF = "staff", _("工作人员登记")


@status_colours("transfer", {"pending": "warning", "accepted": "success", "declined": "muted"})
class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已拒绝")


@status_colours("callback", {"pending": "warning", "done": "success"})
class CallBackStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")


class CallBackChannel(models.TextChoices):
    PHONE = "phone", _("电话回访")
    PORTAL = "portal", _("企业门户")
