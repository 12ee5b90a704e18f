"""Billing in the to-do centre (core.todo).

--- part "refunds" (R-BIL-4): the initiator's refunds that wait for him — sent back by a signer
(修改后重新提交) or approved and waiting to be released (放款) — and the ones he started. The
signatures themselves reach finance and the leaders through the kernel's review source."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.todo import INITIATED, PENDING, TodoItem, TodoSource

from . import selectors_refunds
from .choices_refunds import RefundStatus

REFUND_SOURCE = "billing.refund"


def _refund_item(refund, at) -> TodoItem:
    if refund.status == RefundStatus.APPROVED:
        action, subtitle = _("放款"), _("签署已完成")
    elif refund.status == RefundStatus.DRAFT and refund.return_opinion:
        action, subtitle = (
            _("修改"),
            _("退回意见：%(opinion)s") % {"opinion": refund.return_opinion[:60]},
        )
    else:
        action, subtitle = "", refund.enterprise.name
    return TodoItem(
        source=REFUND_SOURCE,
        title=str(refund),
        url=refund.get_absolute_url(),
        at=at,
        subtitle=str(subtitle),
        park=str(refund.park),
        status=refund.status,
        status_kind="refund",
        action_label=str(action),
    )


def _refunds_pending(user, limit):
    rows = selectors_refunds.refunds_waiting_for_initiator(actor=user).order_by(
        "-updated_at", "-id"
    )[:limit]
    return [_refund_item(r, r.approved_at or r.updated_at) for r in rows]


def _refunds_initiated(user, limit):
    rows = selectors_refunds.refunds_initiated(actor=user).order_by("-initiated_at", "-id")[:limit]
    return [_refund_item(r, r.initiated_at) for r in rows]


TODO_SOURCES = [
    TodoSource(
        code=REFUND_SOURCE,
        label=_("退款付款"),
        icon="bi-cash-coin",
        tabs={PENDING: _refunds_pending, INITIATED: _refunds_initiated},
        count=lambda user: selectors_refunds.refunds_waiting_for_initiator(actor=user).count(),
        action="refund.edit",
        more_url="billing:refunds",
        order=60,
    ),
]
