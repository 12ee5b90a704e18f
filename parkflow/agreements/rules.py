"""Agreement rules (R-MON-1 registry): a template whose quarterly compliance re-review is
overdue (R-AGR-1, Art.18(三)), and a signed agreement about to expire with no renewal started
(R-AGR-6), told to the enterprise's account manager."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import Param, rule

from .choices import AgreementStatus, TemplateStatus
from .models import Agreement, TemplateVersion


@rule(
    "agreements.template_review_overdue",
    title=_("协议模板季度合规复核逾期"),
    articles=("Art.18(三)", "Art.11"),
    requirement="R-AGR-1",
    model="agreements.TemplateVersion",
    severity=Severity.WARNING,
    params={
        "days": Param(int, 100, min=30, max=366, label=_("距上次复核的最长天数")),
    },
    message=lambda version, params: (
        _("“%(template)s”最近一次合规复核为%(date)s，已超过 %(days)s 天，复核前不能用于新协议。")
        % {
            "template": version,
            "date": date_format(version.last_reviewed_on) if version.last_reviewed_on else "—",
            "days": params["days"],
        }
    ),
    park=lambda version: version.template.park,
)
def template_review_overdue(params, now):
    today = timezone.localdate(now)
    limit = today - datetime.timedelta(days=params["days"])
    return TemplateVersion.objects.filter(status=TemplateStatus.APPROVED).filter(
        Q(last_reviewed_on__lt=limit) | Q(last_reviewed_on__isnull=True)
    )


IN_FORCE = (AgreementStatus.SIGNED,)


@rule(
    "agreements.expiring_without_renewal",
    title=_("协议即将到期未续签"),
    articles=("Art.11", "Art.20(一)"),
    requirement="R-AGR-6",
    model="agreements.Agreement",
    severity=Severity.WARNING,
    params={"days_ahead": Param(int, 60, min=1, max=365, label=_("提前预警天数"))},
    message=lambda agreement, params: (
        _("协议“%(agreement)s”将于%(date)s到期，尚未起草续签协议。")
        % {"agreement": agreement, "date": date_format(agreement.end_date)}
    ),
    assignee=lambda agreement: agreement.enterprise.account_manager,
)
def expiring_without_renewal(params, now):
    today = timezone.localdate(now)
    renewal = Agreement.objects.filter(
        enterprise=OuterRef("enterprise"),
        kind=OuterRef("kind"),
        start_date__gt=OuterRef("start_date"),
        amends__isnull=True,
    ).exclude(status=AgreementStatus.TERMINATED)
    return (
        Agreement.objects.filter(
            status__in=IN_FORCE,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=params["days_ahead"]),
        )
        .exclude(Exists(renewal))
        .exclude(Exists(Agreement.objects.filter(amends=OuterRef("pk"))))
    )
