"""Reads of value-added services, always through the access layer: staff see their parks'
catalogue and orders, an enterprise user the catalogue of its own park and its own orders
(R-ORG-3). Lists annotate what each row shows — the price in force, the next prices, the
latest ratings — with subqueries, so a page costs the same at 3 rows or 3,000."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Cast

from parkflow.core import access, clock, rules

from .choices import OPEN, OrderStatus
from .models import VasOrder, VasPrice, VasService

LEAD_RULE = "vas.price_short_notice"
QUALITY_RULE = "vas.poorly_rated"


def lead_days() -> int:
    """How many days before it takes effect a price must be published (R-VAS-1): the
    parameter an administrator sets on the rule ``vas.price_short_notice`` (default 7)."""
    return rules.params_for(LEAD_RULE)["lead_days"]


def earliest_effective(today: datetime.date | None = None) -> datetime.date:
    return (today or clock.today()) + datetime.timedelta(days=lead_days())


# ---------------------------------------------------------------------------------------------
# Prices (R-VAS-1)


def in_force(prices, on: datetime.date):
    """Of ``prices`` (one service's), the version in force on ``on``: the latest published of
    those effective on or before it."""
    return prices.filter(effective_from__lte=on).order_by("-published_at", "-id")


def price_in_force(service, on: datetime.date | None = None) -> VasPrice | None:
    return in_force(VasPrice.objects.filter(service=service), on or clock.today()).first()


def _superseded():
    """A version published later that takes effect no later than the outer one: the outer one
    will never be in force."""
    return VasPrice.objects.filter(
        service=OuterRef("service"), effective_from__lte=OuterRef("effective_from")
    ).filter(
        Q(published_at__gt=OuterRef("published_at"))
        | Q(published_at=OuterRef("published_at"), id__gt=OuterRef("id"))
    )


def upcoming(prices=None, today: datetime.date | None = None):
    """Published versions not yet in force that will be (none published later supersedes
    them), soonest first: what the portal announces ahead of time."""
    today = today or clock.today()
    prices = VasPrice.objects.all() if prices is None else prices
    return (
        prices.filter(effective_from__gt=today)
        .exclude(Exists(_superseded()))
        .order_by("effective_from", "published_at", "id")
    )


def with_prices(services, today: datetime.date | None = None):
    """Each service with ``current_price`` / ``current_from`` (the version in force today, one
    subquery each) and ``upcoming_prices`` (one prefetch query for the whole page)."""
    today = today or clock.today()
    current = in_force(VasPrice.objects.filter(service=OuterRef("pk")), today)
    return services.annotate(
        current_price=Subquery(current.values("price")[:1]),
        current_from=Subquery(current.values("effective_from")[:1]),
    ).prefetch_related(
        Prefetch("prices", queryset=upcoming(today=today), to_attr="upcoming_prices")
    )


@dataclass(frozen=True)
class PriceRow:
    price: VasPrice
    state: str  # current | upcoming | superseded | past


PRICE_STATES = {
    "current": "执行中",
    "upcoming": "待执行",
    "superseded": "已被新版本取代（未执行）",
    "past": "已停止执行",
}


def price_history(service, today: datetime.date | None = None) -> list[PriceRow]:
    """Every published version, newest publication first, each with where it stands today."""
    today = today or clock.today()
    versions = list(
        VasPrice.objects.filter(service=service)
        .select_related("published_by")
        .order_by("-published_at", "-id")
    )
    current = next((v for v in versions if v.effective_from <= today), None)
    rows = []
    for n, version in enumerate(versions):
        later = versions[:n]
        if version.effective_from > today:
            superseded = any(v.effective_from <= version.effective_from for v in later)
            state = "superseded" if superseded else "upcoming"
        elif version is current:
            state = "current"
        elif any(v.effective_from <= version.effective_from for v in later):
            # Never in force: a version published after it took effect no later than it.
            state = "superseded"
        else:
            state = "past"
        rows.append(PriceRow(version, state))
    return rows


# ---------------------------------------------------------------------------------------------
# The catalogue


def service_list(*, actor, search: str = "", category: str = "", park=None, active: str = ""):
    qs = access.scope(actor, VasService.objects.select_related("park"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if category:
        qs = qs.filter(category=category)
    if park is not None:
        qs = qs.filter(park=park)
    if active == "yes":
        qs = qs.filter(is_active=True)
    elif active == "no":
        qs = qs.filter(is_active=False)
    return with_prices(qs.order_by("category", "name", "id"))


def service_get_for_user(*, actor, pk) -> VasService:
    return access.get_for_user(actor, catalogue_of(actor).select_related("park"), pk=pk)


def catalogue_of(actor):
    """The services ``actor`` may see: an enterprise user only its own park's active ones."""
    qs = access.scope(actor, VasService.objects.all())
    enterprise_id = access.enterprise_id_of(actor)
    if enterprise_id is not None:
        from parkflow.enterprises.models import Enterprise

        park = Enterprise.objects.filter(pk=enterprise_id).values("park_id")
        qs = qs.filter(park_id__in=Subquery(park), is_active=True)
    return qs


def catalogue(*, actor, category: str = ""):
    """The catalogue the enterprise user's park offers, with the price in force and the prices
    announced ahead of time (R-VAS-1). Staff see their parks' active services."""
    qs = catalogue_of(actor).filter(is_active=True).select_related("park")
    if category:
        qs = qs.filter(category=category)
    return with_prices(qs.order_by("category", "name", "id"))


def price_list(*, actor, service=None):
    qs = access.scope(actor, VasPrice.objects.select_related("service", "published_by"))
    enterprise_id = access.enterprise_id_of(actor)
    if enterprise_id is not None:
        qs = qs.filter(service__in=catalogue_of(actor))
    if service is not None:
        qs = qs.filter(service=service)
    return qs.order_by("-published_at", "-id")


def services_to_order(actor, enterprise=None):
    """The active services an order may name: the enterprise's park's (with a price in force,
    shown in the choice)."""
    qs = catalogue_of(actor).filter(is_active=True)
    if enterprise is not None:
        qs = qs.filter(park_id=enterprise.park_id)
    return with_prices(qs.select_related("park").order_by("category", "name", "id"))


def parks_to_keep(actor):
    """The parks where the actor keeps the catalogue."""
    from parkflow.org.choices import UnitKind
    from parkflow.org.models import OrgUnit

    parks = access.parks_with_roles(actor, access.roles_for("vas_service.manage"))
    qs = OrgUnit.objects.filter(kind=UnitKind.PARK).order_by("sort_order", "id")
    return qs if parks is None else qs.filter(pk__in=parks)


# ---------------------------------------------------------------------------------------------
# Orders (R-VAS-2)


def _orders():
    return VasOrder.objects.select_related("park", "enterprise", "service", "placed_by", "handler")


def order_list(
    *,
    actor,
    search: str = "",
    status: str = "",
    channel: str = "",
    service=None,
    park=None,
    unrated: bool = False,
    unbilled: bool = False,
):
    qs = access.scope(actor, _orders())
    if search:
        qs = qs.filter(
            Q(service__name__icontains=search)
            | Q(enterprise__name__icontains=search)
            | Q(note__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if service is not None:
        qs = qs.filter(service=service)
    if park is not None:
        qs = qs.filter(park=park)
    if unrated:
        qs = qs.filter(status=OrderStatus.COMPLETED, rating__isnull=True)
    if unbilled:
        qs = qs.filter(status=OrderStatus.COMPLETED, bill__isnull=True)
    return qs.order_by("-placed_at", "-id")


def order_get_for_user(*, actor, pk) -> VasOrder:
    return access.get_for_user(
        actor, _orders().select_related("confirmed_by", "price", "bill"), pk=pk
    )


def my_orders(*, actor):
    """The enterprise user's orders, those waiting for it first (to confirm, then to rate)."""
    return access.scope(actor, _orders()).order_by("-placed_at", "-id")


def waiting_for_enterprise(*, actor):
    """Staff-entered orders the enterprise has to confirm or decline, and completed orders it
    has not rated yet (待评价)."""
    qs = access.scope(actor, _orders())
    return (
        qs.filter(status=OrderStatus.PENDING_CONFIRMATION),
        qs.filter(status=OrderStatus.COMPLETED, rating__isnull=True),
    )


def enterprises_to_order_for(actor):
    """Enterprises of the parks where the actor enters orders."""
    from parkflow.enterprises.models import Enterprise

    parks = access.parks_with_roles(actor, access.roles_for("vas_order.place"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")


def orders_to_deliver(*, actor):
    """Confirmed or running orders of the parks where the actor delivers, oldest first."""
    return (
        access.restrict(actor, "vas_order.handle", _orders())
        .filter(status__in=(OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS))
        .order_by("placed_at", "id")
    )


def orders_awaiting_rating(*, actor):
    """Orders the actor delivered that the enterprise has not rated yet (待评价)."""
    return (
        access.scope(actor, _orders())
        .filter(handler=actor, status=OrderStatus.COMPLETED, rating__isnull=True)
        .order_by("-completed_at", "-id")
    )


def orders_to_bill(*, actor):
    """Completed orders not billed yet in the parks where the actor bills (finance)."""
    return (
        access.restrict(actor, "vas_order.bill", _orders())
        .filter(status=OrderStatus.COMPLETED, bill__isnull=True)
        .order_by("completed_at", "id")
    )


def order_counts(*, actor) -> dict:
    qs = access.scope(actor, VasOrder.objects.all())
    return {
        "open": qs.filter(status__in=OPEN).count(),
        "pending": qs.filter(status=OrderStatus.PENDING_CONFIRMATION).count(),
        "unrated": qs.filter(status=OrderStatus.COMPLETED, rating__isnull=True).count(),
    }


def handler_candidates(order):
    return (
        get_user_model()
        .objects.filter(access.staff_filter(), is_active=True)
        .filter(
            Q(role_assignments__unit__park_id=order.park_id)
            | Q(role_assignments__unit__park__isnull=True)
        )
        .distinct()
    )


# ---------------------------------------------------------------------------------------------
# Quality (R-VAS-3)


class _Avg(Func):
    function = "AVG"
    output_field = FloatField()


class _Count(Func):
    function = "COUNT"
    output_field = IntegerField()


def with_recent_ratings(services, last: int):
    """Each service with ``recent_average`` and ``recent_rated`` over its latest ``last`` rated
    orders, and ``rated`` / ``average`` over all of them — correlated subqueries on the
    ratings index, one query for the whole set (the rule's sweep and the quality page)."""
    latest = (
        VasOrder.objects.filter(service=OuterRef(OuterRef("pk")), rating__isnull=False)
        .order_by("-rated_at", "-id")
        .values("pk")[:last]
    )
    recent = VasOrder.objects.filter(pk__in=latest).order_by()
    every = VasOrder.objects.filter(service=OuterRef("pk"), rating__isnull=False).order_by()
    return services.annotate(
        recent_average=Subquery(recent.annotate(v=_Avg(F("rating"))).values("v")[:1]),
        recent_rated=Subquery(recent.annotate(v=_Count(F("rating"))).values("v")[:1]),
        average=Subquery(every.annotate(v=_Avg(F("rating"))).values("v")[:1]),
        rated=Subquery(every.annotate(v=_Count(F("rating"))).values("v")[:1]),
    )


def poorly_rated(services, params: dict):
    """The services whose latest ``last`` ratings (at least ``min_rated`` of them) average
    ``average`` or less (R-VAS-3)."""
    return with_recent_ratings(services, params["last"]).filter(
        recent_rated__gte=params["min_rated"], recent_average__lte=params["average"]
    )


def quality(*, actor, park=None):
    """Every service of the actor's parks with its ratings, the flagged ones (an open alert of
    the quality rule) marked; services nobody rated yet last."""
    from django.contrib.contenttypes.models import ContentType

    from parkflow.core.models import Alert
    from parkflow.core.rules import ACTIVE

    params = rules.params_for(QUALITY_RULE)
    qs = access.scope(actor, VasService.objects.select_related("park"))
    if park is not None:
        qs = qs.filter(park=park)
    flagged = Alert.objects.filter(
        rule_code=QUALITY_RULE,
        status__in=ACTIVE,
        content_type=ContentType.objects.get_for_model(VasService),
        object_id=Cast(OuterRef("pk"), CharField()),
    )
    rows = with_recent_ratings(qs, params["last"]).annotate(flagged=Exists(flagged))
    return rows.order_by(F("recent_average").asc(nulls_last=True), "name", "id"), params
