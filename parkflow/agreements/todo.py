"""Agreements in the to-do centre (core.todo): the drafter's agreements that wait for them —
returned by a reviewer with an opinion (修改后重新提交), or approved and waiting for the signature
to be recorded (登记签署) — and the agreements they drafted. The reviews themselves reach the
legal officers and leaders through the kernel's review source."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core import access
from parkflow.core.todo import INITIATED, PENDING, TodoItem, TodoSource

from .choices import AgreementStatus
from .models import Agreement

SOURCE = "agreements.agreement"


def _mine(user):
    return access.restrict(user, "agreement.draft", Agreement.objects.filter(created_by=user))


def _waiting_for_me(user):
    return _mine(user).filter(
        Q(status=AgreementStatus.APPROVED)
        | (Q(status=AgreementStatus.DRAFT) & ~Q(return_opinion=""))
    )


def _item(agreement, at) -> TodoItem:
    if agreement.status == AgreementStatus.APPROVED:
        action, subtitle = _("登记签署"), _("全部审查已通过")
    elif agreement.status == AgreementStatus.DRAFT and agreement.return_opinion:
        action, subtitle = (
            _("修改"),
            _("退回意见：%(opinion)s") % {"opinion": agreement.return_opinion[:60]},
        )
    else:
        action, subtitle = "", ""
    return TodoItem(
        source=SOURCE,
        title=str(agreement),
        url=agreement.get_absolute_url(),
        at=at,
        subtitle=str(subtitle),
        park=str(agreement.park),
        status=agreement.status,
        status_kind="agreement",
        action_label=str(action),
    )


def _pending(user, limit):
    rows = _waiting_for_me(user).select_related("park").order_by("-updated_at", "-id")[:limit]
    return [_item(a, a.updated_at) for a in rows]


def _initiated(user, limit):
    rows = _mine(user).select_related("park").order_by("-created_at", "-id")[:limit]
    return [_item(a, a.created_at) for a in rows]


TODO_SOURCES = [
    TodoSource(
        code=SOURCE,
        label=_("服务协议"),
        icon="bi-file-earmark-text",
        tabs={PENDING: _pending, INITIATED: _initiated},
        count=lambda user: _waiting_for_me(user).count(),
        action="agreement.draft",
        order=40,
    ),
]
