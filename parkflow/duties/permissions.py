"""Who may see and do what to the compliance calendar's tasks (R-ORG-3, R-MON-3).

Every staff role sees the tasks of the parks it works in (headquarters: all, and the tasks of
headquarters units). Completing is narrower than the role: the task's owner; for a task nobody
owns yet, a holder of its role in its park; and the special management office (专项管理办公室),
which organises the calendar, on anyone's behalf — the completion records who did it. Handing a
task to someone else is the office's.
"""

from django.utils.translation import gettext_lazy as _

from parkflow.core import access
from parkflow.core.access import Permissions
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF, OPERATORS

# May complete anyone's task, and hand tasks over (the office organises the calendar, Art.7).
DELEGATES = frozenset({R.OFFICE_STAFF})


def may_complete(user, task) -> str | None:
    """The owner, a holder of the role of an unowned task, or the office (R-MON-3)."""
    if task.owner_id is not None and task.owner_id == user.pk:
        return None
    if task.owner_id is None and access.has_role(user, task.owner_role, task.park_id):
        return None
    if any(access.has_role(user, role, task.park_id) for role in DELEGATES):
        return None
    return _("只有任务负责人（或专项管理办公室）可以完成此任务。")


PERMISSIONS = [
    Permissions(
        model="duties.DutyTask",
        park="park",
        view="duty.view",
        actions={
            "duty.view": ALL_STAFF,
            "duty.complete": OPERATORS,
            "duty.reassign": DELEGATES,
        },
        checks={"duty.complete": (may_complete,)},
    ),
]
