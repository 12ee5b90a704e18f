"""A late task alerts (R-MON-3: "每月/每季度/每年" means the calendar creates the task and an
alert fires when it is late): one alert per task, assigned to its owner, resolved by itself
when the task is done. It escalates like any rule (R-MON-1): serious once ``serious_days`` late
(the owner and the department head are told), critical at ``critical_days`` (the in-charge
leader)."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import ASSIGNEE, Level, Param, rule
from parkflow.org.choices import Role

from .choices import TaskStatus

TASK_LATE = "duties.task_late"


def _late_by(param):
    def when(params, now):
        cutoff = timezone.localdate(now) - datetime.timedelta(days=params[param])
        return Q(due_on__lt=cutoff)

    return when


def _message(task, params):
    return _("合规任务“%(task)s”已过截止日期（%(due)s）仍未完成。") % {
        "task": task.title,
        "due": f"{task.due_on.year}年{task.due_on.month}月{task.due_on.day}日",
    }


@rule(
    TASK_LATE,
    title=_("合规任务逾期未完成"),
    # 第二十七条（三）: the platform warns by itself; the duties are those of Art.8, 18, 19, 23, 24, 29.
    articles=("Art.27(三)",),
    requirement="R-MON-3",
    model="duties.DutyTask",
    severity=Severity.WARNING,
    params={
        "grace_days": Param(int, 0, min=0, max=30, label=_("截止后宽限天数")),
        "serious_days": Param(int, 7, min=1, max=90, label=_("逾期升为严重的天数")),
        "critical_days": Param(int, 30, min=1, max=365, label=_("逾期升为重大的天数")),
    },
    levels=(
        Level(
            Severity.HIGH,
            when=_late_by("serious_days"),
            label=_("逾期超过 %(serious_days)s 天"),
            notify=(ASSIGNEE, Role.DEPT_HEAD),
        ),
        Level(
            Severity.CRITICAL,
            when=_late_by("critical_days"),
            label=_("逾期超过 %(critical_days)s 天"),
            notify=(Role.DEPUTY,),
        ),
    ),
    message=_message,
    assignee=lambda task: task.owner,
)
def task_late(params, now):
    from .models import DutyTask

    cutoff = timezone.localdate(now) - datetime.timedelta(days=params["grace_days"])
    return DutyTask.objects.filter(status=TaskStatus.OPEN, due_on__lt=cutoff)
