"""Service-desk rules (R-MON-1 registry): a request passed on three times or more is buck-passing
(推诿, Art.13 "严禁推诿"): the department head is told, and the in-charge leader if it goes on."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import ASSIGNEE, Level, Param, rule
from parkflow.org.choices import Role

from .choices import RequestStatus
from .models import ServiceRequest


def _transferred_at_least(param):
    def when(params, now):
        from django.db.models import Q

        return Q(transfer_count__gte=params[param])

    return when


@rule(
    "servicedesk.repeated_transfers",
    title=_("服务请求多次转办"),
    articles=("Art.13",),
    requirement="R-SVC-1",
    model="servicedesk.ServiceRequest",
    # Opened and at once raised to the first step, so that the department head is told with the
    # owner (an escalation names its people; D42).
    severity=Severity.INFO,
    params={
        "transfers": Param(int, 3, min=2, max=20, label=_("转办次数")),
        "serious": Param(int, 5, min=3, max=30, label=_("升为严重的转办次数")),
    },
    levels=(
        Level(
            Severity.WARNING,
            when=_transferred_at_least("transfers"),
            label=_("转办达到 %(transfers)s 次"),
            notify=(ASSIGNEE, Role.DEPT_HEAD),
        ),
        Level(
            Severity.HIGH,
            when=_transferred_at_least("serious"),
            label=_("转办达到 %(serious)s 次"),
            notify=(Role.DEPUTY,),
        ),
    ),
    message=lambda request, params: (
        _("服务请求“%(title)s”已被转办 %(count)s 次，请部门负责人督办，杜绝推诿。")
        % {"title": request.title, "count": request.transfer_count}
    ),
    assignee=lambda request: request.owner,
)
def repeated_transfers(params, now):
    return ServiceRequest.objects.filter(
        transfer_count__gte=params["transfers"],
        status__in=(RequestStatus.OPEN, RequestStatus.IN_PROGRESS),
    )


@rule(
    "servicedesk.anomaly_reported_late",
    title=_("服务异常迟报"),
    articles=("Art.9(二)",),
    requirement="R-SVC-3",
    model="servicedesk.AnomalyReport",
    severity=Severity.WARNING,
    params={"hours": Param(int, 24, min=1, max=240, label=_("发现后应报告的小时数"))},
    message=lambda report, params: (
        _("服务异常在发现 %(delay)s 小时后才报告，超过 %(hours)s 小时的时限。")
        % {"delay": round(report.delay_hours, 1), "hours": params["hours"]}
    ),
    resolvable_by_hand=True,
)
def anomaly_reported_late(params, now):
    import datetime

    from django.db.models import F

    from .models import AnomalyReport

    return AnomalyReport.objects.filter(
        reported_at__gt=F("discovered_at") + datetime.timedelta(hours=params["hours"])
    )
