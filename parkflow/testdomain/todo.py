"""The errand domain in the to-do centre (core.todo): the submitted errands waiting for their
assignee, and the errands I raised."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.todo import INITIATED, PENDING, TodoItem, TodoSource

from .choices import ErrandStatus
from .selectors import errand_list


def _item(errand, at) -> TodoItem:
    return TodoItem(
        source="testdomain.errand",
        title=errand.title,
        url=errand.get_absolute_url(),
        at=at,
        park=str(errand.park),
        status=errand.status,
        status_kind="errand",
        action_label=str(_("办理")) if errand.status == ErrandStatus.SUBMITTED else "",
    )


def _waiting_for_me(user):
    return errand_list(actor=user).filter(assignee=user, status=ErrandStatus.SUBMITTED)


def _pending(user, limit):
    qs = _waiting_for_me(user).order_by("-submitted_at", "-id")[:limit]
    return [_item(e, e.submitted_at) for e in qs]


def _initiated(user, limit):
    qs = errand_list(actor=user).filter(created_by=user).order_by("-created_at", "-id")[:limit]
    return [_item(e, e.created_at) for e in qs]


TODO_SOURCES = [
    TodoSource(
        code="testdomain.errand",
        label=_("园区事项"),
        icon="bi-list-check",
        tabs={PENDING: _pending, INITIATED: _initiated},
        count=lambda user: _waiting_for_me(user).count(),
        action="errand.view",
        order=50,
    ),
]
