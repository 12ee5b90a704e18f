"""Billing in the to-do centre (core.todo): 本月出账待执行 — for who issues bills, each park
with signed agreements whose run of the current month has not been completed (R-BIL-1; the
monthly duty billing.monthly_bills is due by the third working day)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkflow.core import clock
from parkflow.core.todo import PENDING, TodoItem, TodoSource

TODO_SOURCES = []

# --- billui: this month's bill run ------------------------------------------------------------


def _awaiting(user):
    from .selectors import parks_awaiting_month_run

    return parks_awaiting_month_run(user)


def _month_runs(user, limit):
    today = clock.today()
    month = today.replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    shown = f"{month.year}年{month.month}月"
    return [
        TodoItem(
            source="billing.month_run",
            title=str(_("%(park)s %(month)s出账") % {"park": row.park, "month": shown}),
            subtitle=str(_("已签署协议 %(n)s 份，本月账单尚未出具") % {"n": row.agreements}),
            url=f"{reverse('billing:runs')}?park={row.park.pk}",
            at=start,
            park=str(row.park),
            action_label=str(_("出账")),
        )
        for row in _awaiting(user)[:limit]
    ]


TODO_SOURCES += [
    TodoSource(
        code="billing.month_run",
        label=_("本月出账待执行"),
        icon="bi-receipt",
        tabs={PENDING: _month_runs},
        count=lambda user: len(_awaiting(user)),
        action="bill.issue",
        more_url="billing:runs",
        order=60,
    ),
]

# --- part "refunds" (R-BIL-4): the initiator's refunds that wait for him — sent back by a signer
# (修改后重新提交) or approved and waiting to be released (放款) — and the ones he started. The
# signatures themselves reach finance and the leaders through the kernel's review source.
from parkflow.core.todo import INITIATED  # noqa: E402

from . import selectors_refunds  # noqa: E402
from .choices_refunds import RefundStatus  # noqa: E402

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


TODO_SOURCES += [
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


# --- statements and disputes (R-BIL-5): the disputes of my parks that wait for finance — not
# taken yet, or taken by me and not settled (their clocks run).


def _disputes(user, limit):
    from .selectors_statements import disputes_waiting

    rows = disputes_waiting(actor=user).order_by("raised_at", "id")[:limit]
    return [
        TodoItem(
            source="billing.disputes",
            title=str(_("对账争议：%(enterprise)s") % {"enterprise": d.enterprise.name}),
            subtitle=d.reason[:80],
            url=reverse("billing:dispute", args=[d.pk]),
            at=d.raised_at,
            park=str(d.park),
            status=d.status,
            status_kind="statement_dispute",
            action_label=str(_("受理核查") if d.status == "open" else _("调账或驳回")),
        )
        for d in rows
    ]


def _dispute_count(user):
    from .selectors_statements import disputes_waiting

    return disputes_waiting(actor=user).count()


TODO_SOURCES += [
    TodoSource(
        code="billing.disputes",
        label=_("对账争议"),
        icon="bi-chat-left-dots",
        tabs={PENDING: _disputes},
        count=_dispute_count,
        action="dispute.handle",
        more_url="billing:disputes",
        order=65,
    ),
]
