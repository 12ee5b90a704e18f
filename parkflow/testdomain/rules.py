"""A set-based rule (R-MON-1): a submitted errand left too long raises an alert for its
assignee."""

import datetime

from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import Param, rule

from .choices import ErrandStatus


@rule(
    "testdomain.errand_stale",
    title=_("园区事项久未办结"),
    articles=("Art.20",),
    requirement="R-MON-1",
    model="testdomain.Errand",
    severity=Severity.WARNING,
    params={"days": Param(int, 7, min=1, max=90, label=_("提交后天数"))},
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
