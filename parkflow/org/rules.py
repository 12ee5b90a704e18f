"""Organisation rules (R-MON-1 registry)."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import Param, rule

from .choices import UnitKind
from .models import EmergencyContact, OrgUnit


def _stale_message(contact, params):
    return _(
        "%(unit)s 的应急联系人 %(name)s（%(phone)s）已超过 %(days)s 天未确认，请核实并更新。"
    ) % {
        "unit": contact.unit,
        "name": contact.name,
        "phone": contact.phone,
        "days": params["max_age_days"],
    }


@rule(
    "org.emergency_contact_stale",
    title=_("应急联系人超期未确认"),
    articles=("Art.21",),
    requirement="R-ORG-6",
    model="org.EmergencyContact",
    severity=Severity.WARNING,
    params={"max_age_days": Param(int, 90, min=1, max=730, label=_("确认周期（天）"))},
    message=_stale_message,
    # Whoever last confirmed the contact is best placed to chase it.
    assignee=lambda contact: contact.confirmed_by,
)
def emergency_contact_stale(params, now):
    cutoff = now - datetime.timedelta(days=params["max_age_days"])
    return EmergencyContact.objects.filter(is_active=True, confirmed_at__lt=cutoff)


@rule(
    "org.emergency_contact_missing",
    title=_("园区缺少应急联系人"),
    articles=("Art.21",),
    requirement="R-ORG-6",
    model="org.OrgUnit",
    severity=Severity.HIGH,
    message=lambda park, params: (
        _("%(park)s 没有有效的应急联系人，关键时刻可能联系不到人。") % {"park": park}
    ),
    park=lambda unit: unit,
)
def emergency_contact_missing(params, now):
    has_contact = EmergencyContact.objects.filter(park=OuterRef("pk"), is_active=True)
    return OrgUnit.objects.filter(kind=UnitKind.PARK).exclude(Exists(has_contact))
