"""Billing's notification events (R-MON-2).

--- part "refunds" (R-BIL-4): the initiator of a refund, deposit return or payout learns what its
signers decided — sent back, rejected, first signature given, approved for release."""

from django.utils.translation import gettext_lazy as _

from parkflow.notifications.choices import Channel
from parkflow.notifications.events import Event

REFUND_OUTCOME = "billing.refund_outcome"

EVENTS = [
    # --- refunds (R-BIL-4) ---------------------------------------------------------------------
    Event(
        REFUND_OUTCOME,
        _("我发起的退款付款审批结果"),
        _("退款、押金退还或付款被退回、驳回、完成第一签或审批通过时通知发起人。"),
        channels=(Channel.EMAIL,),
        requirement="R-BIL-4",
    ),
]
