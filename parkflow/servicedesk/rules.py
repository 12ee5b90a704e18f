"""Service-desk rules (R-MON-1 registry): a request passed on three times or more is buck-passing
(推诿, Art.13 "严禁推诿"): the department head is told, and the in-charge leader if it goes on."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import ASSIGNEE, Level, Param, rule
from parkflow.org.choices import Role

from .choices import RequestStatus
from .models import ServiceRequest


def _transferred_at_least(param):
    def when(params, now):
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
    from django.db.models import F

    from .models import AnomalyReport

    return AnomalyReport.objects.filter(
        reported_at__gt=F("discovered_at") + datetime.timedelta(hours=params["hours"])
    )


# ---------------------------------------------------------------------------------------------
# Complaints (R-CMP-3 … R-CMP-7): overdue responses, buck-passing, late recording, concealment,
# repeat and chain complaints. Art.13 "严禁瞒报客户投诉，杜绝因拖延处理导致矛盾升级"; Art.17
# "识别投诉升级的临界点，如响应超期可能导致的舆情风险".


def _complaints():
    from .models import Complaint

    return Complaint.objects.all()


def _critical(clock_):
    def when(params, now):
        from parkflow.core import sla

        return Q(pk__in=sla.critical(_complaints(), clock_, now=now).values("pk"))

    return when


def _major(params, now):
    return Q(grade="major")


@rule(
    "servicedesk.complaint_response_overdue",
    title=_("投诉响应超期"),
    articles=("Art.17", "Art.13"),
    requirement="R-CMP-7",
    model="servicedesk.Complaint",
    severity=Severity.WARNING,
    levels=(
        Level(
            Severity.HIGH,
            when=_critical("servicedesk.complaint_response"),
            label=_("超过响应时限一倍仍未答复"),
            notify=(ASSIGNEE, Role.DEPT_HEAD),
        ),
        Level(
            Severity.CRITICAL,
            when=_major,
            label=_("重大投诉响应超期"),
            notify=(Role.DEPUTY, Role.PRINCIPAL),
        ),
    ),
    message=lambda complaint, params: (
        _("投诉“%(title)s”（%(grade)s）已超过首次响应时限仍未答复企业，存在舆情风险。")
        % {"title": complaint.title, "grade": complaint.get_grade_display()}
    ),
    assignee=lambda complaint: complaint.owner,
)
def complaint_response_overdue(params, now):
    from parkflow.core import sla

    return sla.overdue(_complaints(), "servicedesk.complaint_response", now=now)


@rule(
    "servicedesk.complaint_repeated_transfers",
    title=_("投诉多次转办"),
    articles=("Art.17", "Art.13"),
    requirement="R-CMP-4",
    model="servicedesk.Complaint",
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
    message=lambda complaint, params: (
        _("投诉“%(title)s”已被转办 %(count)s 次，请部门负责人督办，严禁推诿。")
        % {"title": complaint.title, "count": complaint.transfer_count}
    ),
    assignee=lambda complaint: complaint.owner,
)
def complaint_repeated_transfers(params, now):
    from .choices import ComplaintStatus

    return _complaints().filter(
        transfer_count__gte=params["transfers"],
        status__in=(ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS),
    )


@rule(
    "servicedesk.complaint_recorded_late",
    title=_("投诉登记滞后"),
    articles=("Art.13", "Art.9(二)"),
    requirement="R-CMP-6",
    model="servicedesk.Complaint",
    severity=Severity.WARNING,
    params={"hours": Param(int, 24, min=1, max=240, label=_("接收后应登记的小时数"))},
    message=lambda complaint, params: (
        _("投诉“%(title)s”在接收 %(delay)s 小时后才登记，超过 %(hours)s 小时，请核实是否瞒报。")
        % {
            "title": complaint.title,
            "delay": round(complaint.recording_delay_hours, 1),
            "hours": params["hours"],
        }
    ),
    assignee=lambda complaint: complaint.recorded_by,
    resolvable_by_hand=True,
)
def complaint_recorded_late(params, now):
    from django.db.models import F

    return _complaints().filter(
        recorded_at__gt=F("received_at") + datetime.timedelta(hours=params["hours"])
    )


@rule(
    "servicedesk.possible_concealment",
    title=_("疑似瞒报投诉"),
    articles=("Art.13", "Art.22(一)2"),
    requirement="R-CMP-6",
    model="servicedesk.CallBack",
    severity=Severity.HIGH,
    params={"score": Param(int, 2, min=1, max=4, label=_("不满意的评分（含）"))},
    message=lambda callback, params: (
        _(
            "%(enterprise)s %(period)s 回访评分 %(score)s 分（不满意），但当月没有该企业的投诉记录，请核实是否瞒报。"
        )
        % {"enterprise": callback.enterprise, "period": callback.period, "score": callback.score}
    ),
    assignee=lambda callback: callback.follow_up_owner or callback.owner,
    reads={"servicedesk.Complaint": lambda complaint: Q(enterprise_id=complaint.enterprise_id)},
    resolvable_by_hand=True,
)
def possible_concealment(params, now):
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import ExtractMonth, ExtractYear

    from .choices import CallBackStatus
    from .models import CallBack, Complaint

    same_month = Complaint.objects.filter(enterprise_id=OuterRef("enterprise_id")).filter(
        received_on__year=ExtractYear(OuterRef("due_on")),
        received_on__month=ExtractMonth(OuterRef("due_on")),
    )
    return CallBack.objects.filter(status=CallBackStatus.DONE, score__lte=params["score"]).exclude(
        Exists(same_month)
    )


def _recent_at_least(param):
    def when(params, now):
        return Q(recent_complaints__gte=params[param])

    return when


def _recent(subjects, params, now, **outer):
    """``subjects`` annotated with their complaints received in the window (a subquery, so the
    severity ladder can read it) and kept where there are at least ``count``."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.utils import timezone

    from .models import Complaint

    since = timezone.localdate(now) - datetime.timedelta(days=params["days"] - 1)
    counted = (
        Complaint.objects.filter(
            received_on__gte=since, **{k: OuterRef(v) for k, v in outer.items()}
        )
        .order_by()
        .values(*outer)
        .annotate(n=Count("*"))
        .values("n")
    )
    return subjects.annotate(
        recent_complaints=Subquery(counted[:1], output_field=IntegerField())
    ).filter(recent_complaints__gte=params["count"])


def _count_in_window(params, **lookup) -> int:
    """The complaints of one enterprise or (park, topic) in the window, for the alert's words
    (the sweep fetches the alert's object without the count it was found with)."""
    from django.utils import timezone

    from parkflow.core import clock

    from .models import Complaint

    since = timezone.localdate(clock.now()) - datetime.timedelta(days=params["days"] - 1)
    return Complaint.objects.filter(received_on__gte=since, **lookup).count()


_WINDOW = {
    "days": Param(int, 30, min=1, max=365, label=_("统计天数")),
    "count": Param(int, 3, min=2, max=50, label=_("投诉次数")),
    "serious": Param(int, 5, min=3, max=100, label=_("升为严重的次数")),
    "critical": Param(int, 8, min=4, max=200, label=_("升为重大的次数")),
}
_LADDER = (
    Level(
        Severity.HIGH,
        when=_recent_at_least("serious"),
        label=_("%(days)s 日内达到 %(serious)s 次"),
        notify=(ASSIGNEE, Role.DEPT_HEAD),
    ),
    Level(
        Severity.CRITICAL,
        when=_recent_at_least("critical"),
        label=_("%(days)s 日内达到 %(critical)s 次"),
        notify=(Role.DEPUTY, Role.PRINCIPAL),
    ),
)


@rule(
    "servicedesk.repeat_complaints",
    title=_("同一企业重复投诉"),
    articles=("Art.17", "Art.13"),
    requirement="R-CMP-7",
    model="enterprises.Enterprise",
    severity=Severity.WARNING,
    params=_WINDOW,
    levels=_LADDER,
    message=lambda enterprise, params: (
        _("%(enterprise)s %(days)s 日内投诉 %(count)s 次，存在投诉升级和舆情风险。")
        % {
            "enterprise": enterprise,
            "days": params["days"],
            "count": _count_in_window(params, enterprise_id=enterprise.pk),
        }
    ),
    assignee=lambda enterprise: enterprise.account_manager,
    reads={"servicedesk.Complaint": lambda complaint: Q(pk=complaint.enterprise_id)},
)
def repeat_complaints(params, now):
    from parkflow.enterprises.models import Enterprise

    return _recent(Enterprise.objects.all(), params, now, enterprise_id="pk")


@rule(
    "servicedesk.chain_complaints",
    title=_("同一主题连锁投诉"),
    articles=("Art.13", "Art.17"),
    requirement="R-CMP-7",
    model="servicedesk.TopicWatch",
    severity=Severity.WARNING,
    params=_WINDOW,
    levels=_LADDER,
    message=lambda watch, params: (
        _("园区近 %(days)s 日内“%(topic)s”类投诉 %(count)s 起，警惕服务延误引发连锁投诉。")
        % {
            "days": params["days"],
            "topic": watch.get_topic_display(),
            "count": _count_in_window(params, park_id=watch.park_id, topic=watch.topic),
        }
    ),
    reads={
        "servicedesk.Complaint": lambda complaint: Q(
            park_id=complaint.park_id, topic=complaint.topic
        )
    },
)
def chain_complaints(params, now):
    from .models import TopicWatch

    return _recent(TopicWatch.objects.all(), params, now, park_id="park_id", topic="topic")


@rule(
    "servicedesk.major_event_unreported",
    title=_("重大投诉事件超时未上报"),
    articles=("Art.21(二)", "Art.22(一)2"),
    requirement="R-RSK-6",
    model="servicedesk.EmergencyPlan",
    severity=Severity.HIGH,
    levels=(
        Level(
            Severity.CRITICAL,
            when=lambda params, now: Q(activated_at__lt=now - datetime.timedelta(hours=48)),
            label=_("启动后超过 48 小时仍未上报"),
            notify=(Role.PRINCIPAL, Role.DEPUTY),
        ),
    ),
    message=lambda plan, params: (
        _("重大投诉“%(title)s”启动应急预案已超过 24 小时，重大事件报告仍未上报。")
        % {"title": plan.complaint.title}
    ),
    assignee=lambda plan: plan.complaint.owner,
)
def major_event_unreported(params, now):
    from parkflow.core import sla

    from .models import EmergencyPlan

    return sla.overdue(EmergencyPlan.objects.all(), "servicedesk.major_event_report", now=now)
