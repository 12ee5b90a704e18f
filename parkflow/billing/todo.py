"""Billing in the to-do centre (core.todo). Statements (R-BIL-5): the disputes of my parks that
wait for finance — not taken yet, or taken by me and not settled (their clocks run)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkflow.core.todo import PENDING, TodoItem, TodoSource

TODO_SOURCES: list = []

# --- statements and disputes (R-BIL-5) --------------------------------------------------------


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


def _count(user):
    from .selectors_statements import disputes_waiting

    return disputes_waiting(actor=user).count()


TODO_SOURCES += [
    TodoSource(
        code="billing.disputes",
        label=_("对账争议"),
        icon="bi-chat-left-dots",
        tabs={PENDING: _disputes},
        count=_count,
        action="dispute.handle",
        more_url="billing:disputes",
        order=60,
    ),
]
