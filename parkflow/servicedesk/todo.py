"""The service desk in the to-do centre (core.todo): transfers offered to me that wait for my
answer, requests of my parks that nobody has taken yet (首问: whoever takes one owns it), and my
pending call-backs of the month; complaint transfers offered to me and complaints nobody has
taken yet (their response clock runs from receipt)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkflow.core.todo import PENDING, TodoItem, TodoSource

from . import selectors_complaints as complaints
from . import selectors_requests as selectors

# --- service requests (R-SVC-1) ------------------------------------------------------------


def _transfers(user, limit):
    rows = selectors.transfers_to_me(actor=user)[:limit]
    return [
        TodoItem(
            source="servicedesk.transfer",
            title=t.request.title,
            subtitle=str(
                _("%(person)s 转办给您：%(reason)s") % {"person": t.from_owner, "reason": t.reason}
            ),
            url=reverse("servicedesk:request", args=[t.request_id]),
            at=t.created_at,
            park=str(t.request.park),
            status=t.status,
            status_kind="transfer",
            action_label=str(_("接收或拒绝")),
        )
        for t in rows
    ]


def _untaken(user, limit):
    rows = (
        selectors.open_untaken(actor=user)
        .select_related("park", "enterprise")
        .order_by("submitted_at", "id")[:limit]
    )
    return [
        TodoItem(
            source="servicedesk.untaken",
            title=r.title,
            subtitle=r.enterprise.name,
            url=reverse("servicedesk:request", args=[r.pk]),
            at=r.submitted_at,
            park=str(r.park),
            status=r.status,
            status_kind="service_request",
            action_label=str(_("受理")),
        )
        for r in rows
    ]


# --- monthly call-backs (R-SVC-2) ----------------------------------------------------------


def _callbacks(user, limit):
    rows = (
        selectors.my_callbacks_pending(actor=user)
        .select_related("park", "enterprise")
        .order_by("due_on", "id")[:limit]
    )
    return [
        TodoItem(
            source="servicedesk.callback",
            title=c.enterprise.name,
            subtitle=str(_("%(period)s 月度回访") % {"period": c.period}),
            url=reverse("servicedesk:callback", args=[c.pk]),
            at=c.created_at,
            park=str(c.park),
            due_at=c.due_on,
            status=c.status,
            status_kind="callback",
            action_label=str(_("回访")),
        )
        for c in rows
    ]


# --- complaints (R-CMP-3, R-CMP-4) ---------------------------------------------------------


def _complaint_transfers(user, limit):
    rows = complaints.complaint_transfers_to_me(actor=user)[:limit]
    return [
        TodoItem(
            source="servicedesk.complaint_transfer",
            title=t.complaint.title,
            subtitle=str(
                _("%(person)s 转办给您：%(reason)s") % {"person": t.from_owner, "reason": t.reason}
            ),
            url=reverse("servicedesk:complaint", args=[t.complaint_id]),
            at=t.created_at,
            park=str(t.complaint.park),
            status=t.status,
            status_kind="transfer",
            action_label=str(_("接收或拒绝")),
        )
        for t in rows
    ]


def _complaints_untaken(user, limit):
    return [
        TodoItem(
            source="servicedesk.complaint_untaken",
            title=c.title,
            subtitle=f"{c.enterprise.name} · {c.get_grade_display()}",
            url=reverse("servicedesk:complaint", args=[c.pk]),
            at=c.received_at,
            park=str(c.park),
            status=c.status,
            status_kind="complaint",
            action_label=str(_("受理")),
        )
        for c in complaints.complaints_untaken(actor=user)[:limit]
    ]


TODO_SOURCES = [
    TodoSource(
        code="servicedesk.transfer",
        label=_("转办"),
        icon="bi-arrow-left-right",
        tabs={PENDING: _transfers},
        count=lambda user: selectors.transfers_to_me(actor=user).count(),
        action="service_request.handle",
        more_url="servicedesk:transfers",
        order=50,
    ),
    TodoSource(
        code="servicedesk.untaken",
        label=_("待受理服务请求"),
        icon="bi-headset",
        tabs={PENDING: _untaken},
        count=lambda user: selectors.open_untaken(actor=user).count(),
        action="service_request.handle",
        more_url="servicedesk:requests",
        order=51,
    ),
    TodoSource(
        code="servicedesk.callback",
        label=_("月度回访"),
        icon="bi-telephone-outbound",
        tabs={PENDING: _callbacks},
        count=lambda user: selectors.my_callbacks_pending(actor=user).count(),
        action="callback.record",
        more_url="servicedesk:callbacks",
        order=52,
    ),
    TodoSource(
        code="servicedesk.complaint_transfer",
        label=_("投诉转办"),
        icon="bi-arrow-left-right",
        tabs={PENDING: _complaint_transfers},
        count=lambda user: complaints.complaint_transfers_to_me(actor=user).count(),
        action="complaint.handle",
        more_url="servicedesk:complaints",
        order=53,
    ),
    TodoSource(
        code="servicedesk.complaint_untaken",
        label=_("待受理投诉"),
        icon="bi-megaphone",
        tabs={PENDING: _complaints_untaken},
        count=lambda user: complaints.complaints_untaken(actor=user).count(),
        action="complaint.handle",
        more_url="servicedesk:complaints",
        order=54,
    ),
]
