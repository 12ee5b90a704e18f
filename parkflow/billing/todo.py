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
