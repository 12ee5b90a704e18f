from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class Channel(models.TextChoices):
    """Where a message goes besides the in-app inbox (which every message reaches)."""

    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    FEISHU = "feishu", _("飞书群机器人")


ROBOTS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


@status_colours(
    "delivery",
    {
        "pending": "info",
        "sending": "primary",
        "sent": "success",
        "failed": "warning",
        "outcome_unknown": "orange",
        "given_up": "danger",
    },
)
class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败待重试")
    OUTCOME_UNKNOWN = "outcome_unknown", _("结果未知")
    GIVEN_UP = "given_up", _("已放弃")


# Picked up by the worker (due ones); the others are final until a person acts.
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
# What an administrator may send again by hand (an explicit, audited decision).
RESENDABLE = (DeliveryStatus.GIVEN_UP, DeliveryStatus.OUTCOME_UNKNOWN, DeliveryStatus.FAILED)
