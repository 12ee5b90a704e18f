"""Resource rules (R-MON-1 registry): above-entitlement grants are flagged for the office's
attention (R-RES-5), and a key customer's allocation ending soon with no renewal requested alerts
its account manager (R-RES-6, Art.12 "保障关键客户服务的连续性")."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import Param, rule
from parkflow.enterprises.choices import EnterpriseGrade

from .choices import AllocationStatus, RequestStatus
from .models import Allocation, ResourceRequest


def _local(moment):
    local = timezone.localtime(moment)
    return f"{local:%Y年%-m月%-d日 %H:%M}"


@rule(
    "resources.above_entitlement",
    title=_("超出权益分配资源"),
    articles=("Art.12",),
    requirement="R-RES-5",
    model="resources.Allocation",
    severity=Severity.INFO,
    message=lambda allocation, params: (
        _("“%(enterprise)s”获分配“%(resource)s”超出其客户等级权益，请核查书面理由是否充分。")
        % {"enterprise": allocation.enterprise, "resource": allocation.resource}
    ),
    resolvable_by_hand=True,
)
def above_entitlement(params, now):
    return Allocation.objects.filter(above_entitlement=True, status=AllocationStatus.ACTIVE)


@rule(
    "resources.key_customer_continuity",
    title=_("重点客户资源即将到期未续期"),
    articles=("Art.12",),
    requirement="R-RES-6",
    model="resources.Allocation",
    severity=Severity.WARNING,
    params={"days_ahead": Param(int, 30, min=1, max=180, label=_("提前预警天数"))},
    message=lambda allocation, params: (
        _("重点客户“%(enterprise)s”的“%(resource)s”将于%(end)s到期，尚未申请续期。")
        % {
            "enterprise": allocation.enterprise,
            "resource": allocation.resource,
            "end": _local(allocation.ends_at),
        }
    ),
    assignee=lambda allocation: allocation.enterprise.account_manager,
)
def key_customer_continuity(params, now):
    renewal = ResourceRequest.objects.filter(renewal_of=OuterRef("pk")).exclude(
        status__in=(RequestStatus.REJECTED, RequestStatus.CANCELLED)
    )
    return Allocation.objects.filter(
        status=AllocationStatus.ACTIVE,
        enterprise__grade=EnterpriseGrade.KEY,
        ends_at__gt=now,
        ends_at__lte=now + datetime.timedelta(days=params["days_ahead"]),
    ).exclude(Exists(renewal))
