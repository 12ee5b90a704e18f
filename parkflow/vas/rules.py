"""Value-added service rules (R-MON-1 registry), Art.16 "价格须提前公示 … 防止因增值服务质量不达标
损害公司品牌":

* ``vas.price_short_notice`` (R-VAS-1) carries the lead time — how many days before it takes
  effect a price must be published (default 7), the parameter ``price_publish`` refuses by — and
  flags a price not yet in force that was announced with less notice: written behind the
  services' back, or published before an administrator raised the lead time. The database
  itself refuses a price taking effect on or before the day it was published.
* ``vas.poorly_rated`` (R-VAS-3) flags a service whose latest rated orders (10, a parameter)
  average 3 or less (a parameter); the alert clears itself when the average recovers."""

import datetime

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import Param, rule

from .selectors import LEAD_RULE, QUALITY_RULE, poorly_rated


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@rule(
    LEAD_RULE,
    title=_("增值服务价格公示期不足"),
    articles=("Art.16",),
    requirement="R-VAS-1",
    model="vas.VasPrice",
    severity=Severity.WARNING,
    params={"lead_days": Param(int, 7, min=1, max=90, label=_("价格须提前公示的天数"))},
    message=lambda price, params: (
        _(
            "“%(service)s”的新价格 ¥%(price)s 于 %(published)s 公示、%(effective)s 起执行，"
            "公示期不足 %(days)s 天，请核实并重新公示。"
        )
        % {
            "service": price.service,
            "price": f"{price.price:,.2f}",
            "published": _cn(price.published_on),
            "effective": _cn(price.effective_from),
            "days": params["lead_days"],
        }
    ),
    park=lambda price: price.service.park,
    assignee=lambda price: price.published_by,
)
def price_short_notice(params, now):
    from django.utils import timezone

    from .models import VasPrice

    today = timezone.localdate(now)
    return VasPrice.objects.filter(
        effective_from__gt=today,
        effective_from__lt=F("published_on") + datetime.timedelta(days=params["lead_days"]),
    ).order_by()


def _recent_average(service, params) -> str:
    from .models import VasService
    from .selectors import with_recent_ratings

    row = with_recent_ratings(VasService.objects.filter(pk=service.pk), params["last"]).first()
    if row is None or row.recent_average is None:
        return "—"
    return f"{row.recent_average:.1f}"


@rule(
    QUALITY_RULE,
    title=_("增值服务质量评价偏低"),
    articles=("Art.16",),
    requirement="R-VAS-3",
    model="vas.VasService",
    severity=Severity.WARNING,
    params={
        "last": Param(int, 10, min=3, max=100, label=_("统计最近评价的订单数")),
        "average": Param(float, 3.0, min=1, max=5, label=_("平均分不高于（分）")),
        "min_rated": Param(int, 3, min=1, max=100, label=_("至少已评价的订单数")),
    },
    message=lambda service, params: (
        _(
            "增值服务“%(service)s”最近 %(last)s 单评价平均 %(average)s 分（不高于 %(threshold)s"
            " 分），请核查服务质量，防止损害公司品牌。"
        )
        % {
            "service": service,
            "last": params["last"],
            "average": _recent_average(service, params),
            "threshold": params["average"],
        }
    ),
    reads={"vas.VasOrder": lambda order: Q(pk=order.service_id)},
)
def poorly_rated_services(params, now):
    from .models import VasService

    return poorly_rated(VasService.objects.all(), params)
