"""Intake rules (R-MON-1 registry): licence expiry (R-ENT-2). The codes keep their
``enterprises.`` prefix: they are stored in alerts and rule parameters."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import Param, rule
from parkflow.enterprises.choices import EnterpriseStatus

from .choices import DocumentType
from .models import QualificationDocument

ACTIVE_STATUSES = [
    EnterpriseStatus.APPLYING,
    EnterpriseStatus.UNDER_REVIEW,
    EnterpriseStatus.APPROVED,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.EXITING,
]


def _current_licences():
    newer = QualificationDocument.objects.filter(
        enterprise=OuterRef("enterprise"),
        doc_type=OuterRef("doc_type"),
        version__gt=OuterRef("version"),
    )
    return QualificationDocument.objects.filter(
        doc_type=DocumentType.BUSINESS_LICENCE,
        enterprise__status__in=ACTIVE_STATUSES,
        valid_until__isnull=False,
    ).exclude(Exists(newer))


# A licence is "current" until a newer version of the enterprise's licence exists, and only
# while the enterprise is active: a new upload or a status change re-checks its licences.
READS = {
    "intake.QualificationDocument": "enterprise",
    "enterprises.Enterprise": lambda enterprise: Q(enterprise=enterprise.pk),
}


def _park(document):
    return document.enterprise.park


@rule(
    "enterprises.licence_expiring",
    title=_("营业执照即将到期"),
    articles=("Art.10",),
    requirement="R-ENT-2",
    model="intake.QualificationDocument",
    severity=Severity.WARNING,
    params={"days_ahead": Param(int, 30, min=1, max=365, label=_("提前预警天数"))},
    message=lambda doc, params: (
        _("%(enterprise)s 的营业执照将于 %(date)s 到期，请督促企业及时更新。")
        % {"enterprise": doc.enterprise, "date": date_format(doc.valid_until)}
    ),
    park=_park,
    assignee=lambda doc: doc.enterprise.account_manager,
    reads=READS,
)
def licence_expiring(params, now):
    today = timezone.localdate(now)
    return _current_licences().filter(
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=params["days_ahead"]),
    )


@rule(
    "enterprises.licence_expired",
    title=_("营业执照已过期"),
    articles=("Art.8", "Art.10"),
    requirement="R-ENT-5",
    model="intake.QualificationDocument",
    severity=Severity.HIGH,
    message=lambda doc, params: (
        _("%(enterprise)s 的营业执照已于 %(date)s 过期，新的服务、协议和资源分配已被自动阻止。")
        % {"enterprise": doc.enterprise, "date": date_format(doc.valid_until)}
    ),
    park=_park,
    assignee=lambda doc: doc.enterprise.account_manager,
    reads=READS,
)
def licence_expired(params, now):
    return _current_licences().filter(valid_until__lt=timezone.localdate(now))
