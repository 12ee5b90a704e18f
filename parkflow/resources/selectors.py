"""Reads of resource allocation, each starting from the actor's scope (R-ORG-3): the catalogue,
the occupancy calendar (two queries whatever the number of resources), requests, deviations,
entitlements and the anti-favouritism analysis of above-entitlement grants (R-RES-5)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from parkflow.core import access, clock, gates
from parkflow.enterprises.models import Enterprise

from .choices import AllocationStatus, DeviationStatus, RequestStatus
from .gates import CHAIN
from .models import Allocation, Deviation, Entitlement, Resource, ResourceRequest

# ---------------------------------------------------------------------------------------------
# The catalogue (R-RES-1)


def resource_list(
    *, actor, search: str = "", kind: str = "", building: str = "", status: str = "", park=None
):
    """The resources the actor may see, in catalogue order (the ``resource_catalogue`` index)."""
    qs = access.scope(actor, Resource.objects.select_related("park"))
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    if building:
        qs = qs.filter(building=building)
    if status:
        qs = qs.filter(status=status)
    if park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("park__sort_order", "park_id", "kind", "building", "code")


def buildings(*, actor, park=None) -> list[str]:
    """The buildings named in the catalogue the actor sees (one query)."""
    qs = access.scope(actor, Resource.objects.exclude(building=""))
    if park is not None:
        qs = qs.filter(park=park)
    return list(qs.order_by("building").values_list("building", flat=True).distinct())


def resource_get_for_user(*, actor, pk) -> Resource:
    return access.get_for_user(actor, Resource.objects.select_related("park"), pk=pk)


def resource_bookings(*, resource, limit: int = 20) -> list[Allocation]:
    """The resource's allocations ending from now on (active first), soonest first."""
    return list(
        resource.allocations.filter(ends_at__gt=clock.now())
        .select_related("enterprise", "request", "granted_by")
        .order_by("status", "starts_at")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# Occupancy calendar


def occupancy(resources, starts_at, ends_at) -> dict[int, list[Allocation]]:
    """The active allocations overlapping ``[starts_at, ends_at)`` of every resource of the
    ``resources`` queryset, per resource id: one query (a subquery on the resources)."""
    found = defaultdict(list)
    rows = (
        Allocation.objects.filter(
            resource__in=resources.values("pk"),
            status=AllocationStatus.ACTIVE,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("enterprise")
        .only(
            "id",
            "resource_id",
            "request_id",
            "starts_at",
            "ends_at",
            "above_entitlement",
            "enterprise__id",
            "enterprise__name",
        )
        .order_by("resource_id", "starts_at")
    )
    for allocation in rows:
        found[allocation.resource_id].append(allocation)
    return found


@dataclass
class Cell:
    span: int = 1
    allocation: Allocation | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    tone: int = 0  # the holder's colour (views_calendar)
    url: str = ""
    title: str = ""


@dataclass
class Row:
    label: str
    sub: str = ""
    url: str = ""
    cells: list[Cell] = field(default_factory=list)
    held: int = 0  # columns held
    today: bool = False


def grid_row(label, columns, allocations, *, sub="", url="") -> Row:
    """One row of the calendar: each column (``(start, end)``) free or held by the first active
    allocation overlapping it; consecutive columns held by the same allocation merge into one
    cell (``span``), so a unit let for a year is one cell, not 365."""
    row = Row(label=label, sub=sub, url=url)
    index = 0
    for start, end in columns:
        holder = None
        while index < len(allocations) and allocations[index].ends_at <= start:
            index += 1
        for allocation in allocations[index:]:
            if allocation.starts_at >= end:
                break
            if allocation.ends_at > start:
                holder = allocation
                break
        last = row.cells[-1] if row.cells else None
        if holder is not None:
            row.held += 1
            if last is not None and last.allocation is holder:
                last.span += 1
                last.ends_at = end
                continue
        row.cells.append(Cell(allocation=holder, starts_at=start, ends_at=end))
    return row


# ---------------------------------------------------------------------------------------------
# Requests


def request_list(
    *,
    actor,
    search: str = "",
    status: str = "",
    kind: str = "",
    above_entitlement: bool = False,
    major: bool = False,
    park=None,
):
    """The requests the actor may see, newest first (the ``resource_request_newest`` index)."""
    qs = access.scope(
        actor,
        ResourceRequest.objects.select_related("park", "enterprise", "resource", "requested_by"),
    )
    if search:
        qs = qs.filter(
            Q(enterprise__name__icontains=search)
            | Q(resource__name__icontains=search)
            | Q(resource__code__icontains=search)
            | Q(purpose__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(resource__kind=kind)
    if above_entitlement:
        qs = qs.filter(above_entitlement=True)
    if major:
        qs = qs.filter(major=True)
    if park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("-created_at", "-id")


def request_get_for_user(*, actor, pk) -> ResourceRequest:
    return access.get_for_user(
        actor,
        ResourceRequest.objects.select_related(
            "park", "enterprise", "resource", "requested_by", "renewal_of"
        ),
        pk=pk,
    )


def allocation_of(request) -> Allocation | None:
    return (
        Allocation.objects.filter(request=request)
        .select_related("granted_by", "resource", "enterprise")
        .first()
    )


def gate_states(request) -> list[dict]:
    """Where each gate stands on the request (passed, open, refused, not applicable), who
    signed, the open reviews (links to the review page)."""
    return [
        {
            "gate": gate,
            "status": gate.status(request),
            "state": gate.state(request),
            "latest": gates.latest_decision(request, gate),
        }
        for gate in CHAIN
    ]


def enterprises_for_requests(actor):
    """Enterprises of the parks where the actor requests resources for enterprises."""
    parks = access.parks_with_roles(actor, access.roles_for("resource_request.create"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")


def resources_for_requests(actor):
    parks = access.parks_with_roles(actor, access.roles_for("resource_request.create"))
    qs = access.scope(actor, Resource.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("park__sort_order", "kind", "building", "code")


# ---------------------------------------------------------------------------------------------
# Deviations (R-RES-6)


def deviation_list(*, actor, search: str = "", status: str = "", kind: str = "", park=None):
    qs = access.scope(
        actor,
        Deviation.objects.select_related(
            "park", "enterprise", "allocation__resource", "reported_by"
        ),
    )
    if search:
        qs = qs.filter(
            Q(enterprise__name__icontains=search)
            | Q(allocation__resource__name__icontains=search)
            | Q(description__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("-reported_at", "-id")


def deviation_get_for_user(*, actor, pk) -> Deviation:
    return access.get_for_user(
        actor,
        Deviation.objects.select_related(
            "park",
            "enterprise",
            "allocation__resource",
            "allocation__request",
            "reported_by",
            "resolved_by",
        ),
        pk=pk,
    )


# ---------------------------------------------------------------------------------------------
# Entitlements (R-RES-2)


def entitlement_list(*, actor, park=None):
    """The entitlements of the parks the actor sees (readable by all staff of the park)."""
    qs = access.scope(actor, Entitlement.objects.select_related("park"))
    if park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("park__sort_order", "park_id", "grade", "kind")


# ---------------------------------------------------------------------------------------------
# The workbench's figures


def resource_counts(*, actor) -> dict:
    month_start = timezone.localtime(clock.now()).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    requests = access.scope(actor, ResourceRequest.objects.all()).aggregate(
        pending=Count("pk", filter=Q(status=RequestStatus.SUBMITTED)),
        above=Count(
            "pk",
            filter=Q(
                status=RequestStatus.ALLOCATED,
                above_entitlement=True,
                decided_at__gte=month_start,
            ),
        ),
    )
    deviations = access.scope(actor, Deviation.objects.filter(status=DeviationStatus.OPEN)).count()
    return {**requests, "deviations": deviations}


# ---------------------------------------------------------------------------------------------
# The anti-favouritism analysis (R-RES-5)

REPEATED = 2  # a staff member granting one enterprise above entitlement this often is flagged
TOP = 3  # concentration: the share going to the top three enterprises


@dataclass
class StaffRow:
    user_id: int
    name: str
    total: int = 0
    above: int = 0
    enterprises: list = field(default_factory=list)  # (enterprise_id, name, above) desc

    @property
    def rate(self) -> float:
        return self.above / self.total if self.total else 0.0

    @property
    def repeated(self) -> bool:
        return any(n >= REPEATED for _id, _name, n in self.enterprises)


@dataclass
class Analysis:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    staff: list[StaffRow]
    pairs: list[dict]  # staff-enterprise pairs with at least REPEATED above-entitlement grants
    by_enterprise: list[dict]  # enterprises by above-entitlement grants, desc
    total: int  # every grant in the period
    above: int  # above-entitlement grants
    standing: int  # granted by a standing rule (no reviewer)

    @property
    def top(self) -> list[dict]:
        return self.by_enterprise[:TOP]

    @property
    def concentration(self) -> float:
        """The share of above-entitlement grants going to the top three enterprises."""
        if not self.above:
            return 0.0
        return sum(row["above"] for row in self.top) / self.above


def analysed_allocations(*, actor, starts_at, ends_at, park=None):
    """The allocations granted in ``[starts_at, ends_at)`` in the parks where the actor may
    analyse (released ones too: a grant is a grant)."""
    qs = access.restrict(actor, "resource.analyse", Allocation.objects.all()).filter(
        created_at__gte=starts_at, created_at__lt=ends_at
    )
    if park is not None:
        qs = qs.filter(park=park)
    return qs


def allocation_analysis(*, actor, starts_at, ends_at, park=None) -> Analysis:
    """Per staff member who granted (``Allocation.granted_by``), how many grants and how many
    above entitlement, and to whom; repeated staff–enterprise pairs; concentration. One
    grouped query."""
    rows = (
        analysed_allocations(actor=actor, starts_at=starts_at, ends_at=ends_at, park=park)
        .values(
            "granted_by_id",
            "granted_by__display_name",
            "granted_by__username",
            "enterprise_id",
            "enterprise__name",
        )
        .annotate(total=Count("id"), above=Count("id", filter=Q(above_entitlement=True)))
        .order_by()
    )
    staff: dict[int, StaffRow] = {}
    enterprises: dict[int, dict] = {}
    pairs, total, above, standing = [], 0, 0, 0
    for row in rows:
        total += row["total"]
        above += row["above"]
        if row["granted_by_id"] is None:
            standing += row["total"]
            continue
        name = row["granted_by__display_name"] or row["granted_by__username"]
        person = staff.setdefault(row["granted_by_id"], StaffRow(row["granted_by_id"], name))
        person.total += row["total"]
        person.above += row["above"]
        if not row["above"]:
            continue
        person.enterprises.append((row["enterprise_id"], row["enterprise__name"], row["above"]))
        company = enterprises.setdefault(
            row["enterprise_id"],
            {"id": row["enterprise_id"], "name": row["enterprise__name"], "above": 0, "staff": 0},
        )
        company["above"] += row["above"]
        company["staff"] += 1
        if row["above"] >= REPEATED:
            pairs.append(
                {
                    "staff": name,
                    "enterprise_id": row["enterprise_id"],
                    "enterprise": row["enterprise__name"],
                    "count": row["above"],
                }
            )
    for person in staff.values():
        person.enterprises.sort(key=lambda e: (-e[2], e[1]))
    return Analysis(
        starts_at=starts_at,
        ends_at=ends_at,
        staff=sorted(staff.values(), key=lambda s: (-s.above, -s.total, s.name)),
        pairs=sorted(pairs, key=lambda p: (-p["count"], p["staff"], p["enterprise"])),
        by_enterprise=sorted(enterprises.values(), key=lambda e: (-e["above"], e["name"])),
        total=total,
        above=above,
        standing=standing,
    )


def above_entitlement_grants(*, actor, starts_at, ends_at, park=None):
    """The above-entitlement grants of the period with their written justification, newest
    first: the evidence behind the figures."""
    return (
        analysed_allocations(actor=actor, starts_at=starts_at, ends_at=ends_at, park=park)
        .filter(above_entitlement=True)
        .select_related("enterprise", "resource", "granted_by", "request", "park")
        .order_by("-created_at", "-id")
    )
