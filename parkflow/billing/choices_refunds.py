"""Codes of refunds, deposit returns and payouts (R-BIL-4, Art.14), each with its Chinese label
and its tag colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


@status_colours("refund_kind", {"refund": "info", "deposit_return": "purple", "payout": "orange"})
class RefundKind(models.TextChoices):
    """What leaves the park's account: money from the enterprise's prepaid balance (退款), a paid
    deposit given back (押金退还), or a payment the park owes the enterprise — a policy subsidy,
    a compensation (付款)."""

    REFUND = "refund", _("退款")
    DEPOSIT_RETURN = "deposit_return", _("押金退还")
    PAYOUT = "payout", _("付款")


@status_colours(
    "refund",
    {
        "draft": "muted",
        "pending": "warning",
        "approved": "info",
        "released": "success",
        "rejected": "danger",
        "withdrawn": "slate",
    },
)
class RefundStatus(models.TextChoices):
    """草稿 → 待审批 → 已批准 → 已放款; a reviewer's 退回修改 sends it back to 草稿 with the
    opinion, 不通过 ends it (已驳回); the initiator may withdraw it before it is released."""

    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    RELEASED = "released", _("已放款")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_REFUND_STATUSES = (RefundStatus.PENDING, RefundStatus.APPROVED)
