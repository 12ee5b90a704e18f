"""The compliance calendar in the to-do centre (core.todo): my open tasks (待我处理), soonest
first, overdue in red; the tasks I completed (我已处理)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import access, clock
from parkflow.core.todo import DONE, PENDING, TodoItem, TodoSource

from .choices import TaskStatus
from .models import DutyTask
from .selectors import tasks_for


def _item(task, at, today) -> TodoItem:
    return TodoItem(
        source="duties.task",
        title=task.title,
        subtitle=str(task.unit.name),
        url=task.get_absolute_url(),
        at=at,
        park=str(task.park or ""),
        due_at=task.due_on if task.status == TaskStatus.OPEN else None,
        status=task.state_on(today),
        status_kind="duty_task",
        action_label=str(_("提交证明")) if task.status == TaskStatus.OPEN else "",
    )


def _pending(user, limit):
    today = clock.today()
    return [_item(t, t.created_at, today) for t in tasks_for(user, limit=limit)]


def _done(user, limit):
    today = clock.today()
    qs = access.scope(user, DutyTask.objects.select_related("unit", "park")).filter(
        completed_by=user
    )
    return [_item(t, t.completed_at, today) for t in qs.order_by("-completed_at", "-id")[:limit]]


TODO_SOURCES = [
    TodoSource(
        code="duties.task",
        label=_("合规任务"),
        icon="bi-calendar-check",
        tabs={PENDING: _pending, DONE: _done},
        count=lambda user: tasks_for(user).count(),
        action="duty.view",
        more_url="duties:calendar",
        order=30,
    ),
]
