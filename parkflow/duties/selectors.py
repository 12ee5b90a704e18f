"""Reads of the compliance calendar: every one starts from the permission engine."""

import datetime

from django.db.models import Q

from parkflow.core import access, clock

from .choices import TaskState, TaskStatus
from .models import DutyTask


def _tasks():
    return DutyTask.objects.select_related("unit", "park", "owner", "completed_by")


def task_list(
    *,
    actor,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    unit=None,
    owner=None,
    state: str = "",
):
    """The tasks the actor sees (by park; headquarters units' tasks to headquarters staff),
    due between ``start`` and ``end``, soonest first, narrowed by unit, owner and state
    (待办 / 已逾期 / 已完成, "late" meaning open past its due date)."""
    qs = access.scope(actor, _tasks())
    if start is not None:
        qs = qs.filter(due_on__gte=start)
    if end is not None:
        qs = qs.filter(due_on__lte=end)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if owner is not None:
        qs = qs.filter(owner=owner)
    today = clock.today()
    if state == TaskState.DONE:
        qs = qs.filter(status=TaskStatus.DONE)
    elif state == TaskState.LATE:
        qs = qs.filter(status=TaskStatus.OPEN, due_on__lt=today)
    elif state == TaskState.PENDING:
        qs = qs.filter(status=TaskStatus.OPEN, due_on__gte=today)
    return qs.order_by("due_on", "id")


def task_get_for_user(*, actor, pk) -> DutyTask:
    return access.get_for_user(actor, _tasks(), pk=pk)


def tasks_for(user, *, limit: int | None = None):
    """The to-do centre's list (待我处理): open tasks this person owns, and unowned ones of a
    role they hold in the task's park, due soonest first. One query; nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return DutyTask.objects.none()  # (an enterprise user holds no role and owns no task)
    mine = Q(owner=user)
    for role in sorted(access.roles_of(user)):
        parks = access.parks_with_roles(user, {role})  # None: headquarters, every park
        pooled = Q(owner__isnull=True, owner_role=role)
        mine |= pooled if parks is None else pooled & Q(park_id__in=parks)
    qs = _tasks().filter(mine, status=TaskStatus.OPEN).order_by("due_on", "id")
    return qs[:limit] if limit else qs


def owners_in_scope(*, actor):
    """People who own a task the actor sees (the calendar's owner filter)."""
    from django.contrib.auth import get_user_model

    owner_ids = access.scope(actor, DutyTask.objects.all()).values("owner_id")
    return get_user_model().objects.filter(pk__in=owner_ids).order_by("display_name", "username")


def units_in_view(*, actor):
    """Units with a task the actor sees (the calendar's unit filter)."""
    from parkflow.org.models import OrgUnit

    unit_ids = access.scope(actor, DutyTask.objects.all()).values("unit_id")
    return OrgUnit.objects.filter(pk__in=unit_ids).order_by("sort_order", "id")
