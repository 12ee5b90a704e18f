"""The to-do centre (待办中心, issue 8 §5): one list per person of what waits for them, what they
handled, what they started and what they were copied on — like the approval centre of DingTalk
or Feishu — built from what every app declares.

An app declares ``TODO_SOURCES = [TodoSource(...)]`` in its ``todo.py``; the kernel declares its
own below (reviews, alerts). A source answers, for one user and one tab, how many items there are
(``count``; only the "待我处理" tab is counted, for the sidebar badge) and the first ``limit``
items (``items``), newest or most urgent first. The centre merges the sources' items: overdue
first, then by due date, then newest — each source bounded, so a page never reads more than
``limit`` rows per source; a source with more offers its own list page (``more_url``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access, clock, registry

PENDING = "pending"  # 待我处理
DONE = "done"  # 我已处理
INITIATED = "initiated"  # 我发起的
COPIED = "copied"  # 抄送我
TABS = {
    PENDING: _("待我处理"),
    DONE: _("我已处理"),
    INITIATED: _("我发起的"),
    COPIED: _("抄送我"),
}
LIMIT = 50


@dataclass(frozen=True)
class TodoItem:
    source: str  # the TodoSource's code
    title: str
    url: str
    at: datetime.datetime  # when it arrived (pending), was handled (done), was started …
    subtitle: str = ""
    park: str = ""
    due_at: datetime.datetime | datetime.date | None = None
    status: str = ""  # a status value of ``status_kind``'s choices (a coloured tag)
    status_kind: str = ""
    action_label: str = ""  # the next step, as the button says it ("审查", "处理", "提交证明")

    @property
    def due_moment(self) -> datetime.datetime | None:
        due = self.due_at
        if due is None or isinstance(due, datetime.datetime):
            return due
        # A due date is due by the end of that day in the park's time zone.
        return timezone.make_aware(datetime.datetime.combine(due, datetime.time.max))

    @property
    def overdue(self) -> bool:
        due = self.due_moment
        return due is not None and due < clock.now()


@dataclass(frozen=True)
class TodoSource:
    code: str
    label: str  # the kind of item, as the centre's tag shows it ("审查", "预警", "合规任务")
    icon: str  # a Bootstrap Icons class
    # tab -> fn(user, limit) -> list[TodoItem]; a tab the source does not offer is absent.
    tabs: dict[str, Callable] = field(default_factory=dict)
    # fn(user) -> int: how many wait for the user (the sidebar badge, the tab's figure).
    count: Callable | None = None
    action: str | None = None  # offered to users who may take this action somewhere
    more_url: str = ""  # a url name listing all of them, when a tab is cut at ``limit``
    order: int = 100


def sources() -> list[TodoSource]:
    found = sorted(registry.declared("todo", "TODO_SOURCES"), key=lambda s: (s.order, s.code))
    codes = [source.code for source in found]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ValueError(f"to-do sources declared twice: {twice}")
    return found


def sources_for(user) -> list[TodoSource]:
    return [s for s in sources() if s.action is None or access.may_somewhere(user, s.action)]


def pending_count(user) -> int:
    """What waits for the user, over every source (one count query per source)."""
    if not getattr(user, "is_authenticated", False) or access.is_enterprise_user(user):
        return 0
    return sum(source.count(user) for source in sources_for(user) if source.count)


def _urgency(item: TodoItem):
    # Overdue first, then the soonest due, then those without a due date, newest first.
    due = item.due_moment
    if due is None:
        return (1, 0.0, -item.at.timestamp())
    return (0, due.timestamp(), -item.at.timestamp())


def items(user, tab: str, limit: int = LIMIT) -> list[tuple[TodoSource, TodoItem]]:
    found = []
    for source in sources_for(user):
        fn = source.tabs.get(tab)
        if fn is not None:
            found.extend((source, item) for item in fn(user, limit))
    if tab == PENDING:
        found.sort(key=lambda pair: _urgency(pair[1]))
    else:
        found.sort(key=lambda pair: pair[1].at, reverse=True)
    return found


# ---------------------------------------------------------------------------------------------
# The kernel's own sources: reviews and alerts


def _review_item(review, at) -> TodoItem:
    return TodoItem(
        source="core.review",
        title=review.object_repr,
        subtitle=str(_gate_label(review.gate)),
        url=reverse("core:review_detail", args=[review.pk]),
        at=at,
        park=str(review.park or ""),
        status=review.decision,
        status_kind="review",
        action_label=str(_("审查")) if review.decision == "pending" else "",
    )


def _gate_label(code: str):
    from .gates import GATES

    gate = GATES.get(code)
    return gate.label if gate else code


def _reviews_pending(user, limit):
    from .gates import pending_for

    return [_review_item(r, r.requested_at) for r in pending_for(user).order_by("-id")[:limit]]


def _reviews_pending_count(user):
    from .gates import pending_for

    return pending_for(user).count()


def _reviews_done(user, limit):
    from .models import Review

    qs = Review.objects.filter(reviewer=user).exclude(decided_at=None)
    qs = qs.select_related("park").order_by("-decided_at", "-id")[:limit]
    return [_review_item(r, r.decided_at) for r in qs]


def _reviews_initiated(user, limit):
    from .models import Review

    qs = Review.objects.filter(requested_by=user).select_related("park").order_by("-id")[:limit]
    return [_review_item(r, r.requested_at) for r in qs]


def _alert_item(alert, at) -> TodoItem:
    return TodoItem(
        source="core.alert",
        title=alert.title,
        subtitle=alert.object_repr,
        url=reverse("core:alert_detail", args=[alert.pk]),
        at=at,
        park=str(alert.park or ""),
        status=alert.severity,
        status_kind="severity",
        action_label=str(_("处理")) if alert.status != "resolved" else "",
    )


def _my_active_alerts(user):
    from .alerts import alert_list

    return alert_list(actor=user).filter(assignee=user)


def _alerts_pending(user, limit):
    qs = _my_active_alerts(user).order_by("-opened_at", "-id")[:limit]
    return [_alert_item(a, a.opened_at) for a in qs]


def _alerts_done(user, limit):
    from .alerts import alert_list

    qs = alert_list(actor=user, status="resolved").filter(resolved_by=user)
    return [_alert_item(a, a.resolved_at) for a in qs.order_by("-resolved_at", "-id")[:limit]]


TODO_SOURCES = [
    TodoSource(
        code="core.review",
        label=_("审查"),
        icon="bi-clipboard-check",
        tabs={PENDING: _reviews_pending, DONE: _reviews_done, INITIATED: _reviews_initiated},
        count=_reviews_pending_count,
        order=10,
    ),
    TodoSource(
        code="core.alert",
        label=_("预警"),
        icon="bi-bell",
        tabs={PENDING: _alerts_pending, DONE: _alerts_done},
        count=lambda user: _my_active_alerts(user).count(),
        action="alert.view",
        more_url="core:alert_list",
        order=20,
    ),
]
