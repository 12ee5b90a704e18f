"""A set-based rule (R-MON-1) that escalates (R-CMP-7): a submitted errand left too long raises
an alert for its assignee (警告), serious once it has waited ``serious_days`` (严重: the
department head is told) and critical at ``critical_days`` (重大: the in-charge leader is told).
The thresholds are parameters an administrator changes on the rules page."""

import datetime

from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import ASSIGNEE, Level, Param, older_than, rule
from parkflow.org.choices import Role

from .choices import ErrandStatus


@rule(
    "testdomain.errand_stale",
    title=_("园区事项久未办结"),
    articles=("Art.20",),
    requirement="R-MON-1",
    model="testdomain.Errand",
    severity=Severity.WARNING,
    params={
        "days": Param(int, 7, min=1, max=90, label=_("提交后天数")),
        "serious_days": Param(int, 14, min=1, max=180, label=_("升为严重的天数")),
        "critical_days": Param(int, 28, min=1, max=365, label=_("升为重大的天数")),
    },
    levels=(
        Level(
            Severity.HIGH,
            when=older_than("submitted_at", "serious_days"),
            label=_("提交后超过 %(serious_days)s 天"),
            notify=(ASSIGNEE, Role.DEPT_HEAD),
        ),
        Level(
            Severity.CRITICAL,
            when=older_than("submitted_at", "critical_days"),
            label=_("提交后超过 %(critical_days)s 天"),
            notify=(Role.DEPUTY,),
        ),
    ),
    message=lambda errand, params: (
        _("事项“%(title)s”提交已超过 %(days)s 天仍未办结。")
        % {"title": errand.title, "days": params["days"]}
    ),
    assignee=lambda errand: errand.assignee,
)
def errand_stale(params, now):
    from .models import Errand

    return Errand.objects.filter(
        status=ErrandStatus.SUBMITTED,
        submitted_at__lt=now - datetime.timedelta(days=params["days"]),
    )
