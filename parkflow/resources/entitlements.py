"""Usage against entitlement (R-RES-2): what an enterprise holds of a kind of resource, against
what its customer grade may have in its park. Meeting rooms count hours in the calendar month of
the booking (Asia/Shanghai); parking spaces, equipment and staff services count how many are held
at the same time; office units count the area held at the same time."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import AllocationStatus, ResourceKind
from .models import Allocation, Entitlement

HOURS = "monthly_hours"
COUNT = "max_count"
AREA = "max_area"
MEASURE = {
    ResourceKind.MEETING_ROOM: HOURS,
    ResourceKind.UNIT: AREA,
    ResourceKind.PARKING: COUNT,
    ResourceKind.EQUIPMENT: COUNT,
    ResourceKind.STAFF_SERVICE: COUNT,
}


def month_of(moment) -> tuple[datetime.datetime, datetime.datetime]:
    local = timezone.localtime(moment)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def entitlement_of(enterprise, kind) -> Entitlement | None:
    return Entitlement.objects.filter(
        park_id=enterprise.park_id, grade=enterprise.grade, kind=kind
    ).first()


def _held(enterprise, kind, starts_at, ends_at, exclude_request=None):
    held = Allocation.objects.filter(
        enterprise=enterprise,
        resource__kind=kind,
        status=AllocationStatus.ACTIVE,
    )
    if exclude_request is not None:
        held = held.exclude(request_id=exclude_request)
    if kind == ResourceKind.MEETING_ROOM:
        month_start, month_end = month_of(starts_at)
        return held.filter(starts_at__gte=month_start, starts_at__lt=month_end)
    return held.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


def used(enterprise, kind, starts_at, ends_at, *, exclude_request=None) -> Decimal:
    """Hours this month (meeting rooms), area (units) or count (the rest) held already."""
    held = _held(enterprise, kind, starts_at, ends_at, exclude_request)
    measure = MEASURE[kind]
    if measure == HOURS:
        seconds = sum(
            (a.ends_at - a.starts_at).total_seconds() for a in held.only("starts_at", "ends_at")
        )
        return Decimal(str(round(seconds / 3600, 1)))
    if measure == AREA:
        total = held.aggregate(
            area=Sum(ExpressionWrapper(F("resource__area"), output_field=DecimalField()))
        )["area"]
        return total or Decimal("0")
    return Decimal(held.count())


def wanted(request) -> Decimal:
    measure = MEASURE[request.resource.kind]
    if measure == HOURS:
        return Decimal(str(round(request.hours, 1)))
    if measure == AREA:
        return request.resource.area or Decimal("0")
    return Decimal("1")


@dataclass(frozen=True)
class Standing:
    """An enterprise's usage of a kind against its entitlement, in words for the pages."""

    kind: str
    allowed: Decimal | None  # None: no entitlement of that kind for its grade
    used: Decimal
    requested: Decimal

    @property
    def within(self) -> bool:
        return self.allowed is not None and self.used + self.requested <= self.allowed

    @property
    def unit(self) -> str:
        return {HOURS: _("小时"), AREA: _("平方米"), COUNT: _("个")}[MEASURE[self.kind]]

    def text(self) -> str:
        if self.allowed is None:
            return _("该客户等级没有此类资源的权益")
        return _("已用 %(used)s%(unit)s，本次 %(requested)s%(unit)s，权益 %(allowed)s%(unit)s") % {
            "used": _plain(self.used),
            "requested": _plain(self.requested),
            "allowed": _plain(self.allowed),
            "unit": self.unit,
        }


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


def standing_of(request, *, exclude_request=None) -> Standing:
    kind = request.resource.kind
    entitlement = entitlement_of(request.enterprise, kind)
    allowed = getattr(entitlement, MEASURE[kind], None) if entitlement else None
    return Standing(
        kind=kind,
        allowed=None if allowed is None else Decimal(allowed),
        used=used(
            request.enterprise,
            kind,
            request.starts_at,
            request.ends_at,
            exclude_request=exclude_request if exclude_request is not None else request.pk,
        ),
        requested=wanted(request),
    )


def within_entitlement(request) -> bool:
    return standing_of(request).within
