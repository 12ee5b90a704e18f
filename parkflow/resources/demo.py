"""The demo park's resources (issue 10, R-RES-1 … R-RES-6): a ``seed_demo`` part, built through the
services, so the reviews, the standing approvals, the audit chain and the alerts are the real ones.
As a park would show it:

* each park's catalogue: park A's buildings A and B (about 30 office units of various areas, one
  of them a whole 500 m² floor), four meeting rooms, parking spaces, equipment and a staff
  service; park B's one building, smaller;
* the entitlements of each customer grade (重点客户, A, B, C) in both parks;
* this month's routine meeting-room bookings of several enterprises, allocated by the standing
  rule (the portal enterprise's own booking for tomorrow, made in the portal, among them);
* the 500 m² floor: a major allocation, through the risk review (``risk``) and the leading
  group (``principal``);
* the same business officer (``biz_a``) asking, several times, above entitlement for the same two
  enterprises, each time with a written justification, each approved by ``risk`` — the pattern
  the anti-favouritism analysis (R-RES-5) is there to find;
* a key customer's unit ending within 30 days with no renewal requested (the continuity alert);
* a unit request waiting for the risk review; one delivery deviation open (reported by the
  portal enterprise) and one resolved.

Only enterprises in good standing receive resources. The dates the story needs in the past are
set back after the rows are made through the services, with no audit of that (the demo's
history, not a change anyone made)."""

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from parkflow.core import clock, gates, reviews
from parkflow.core.registry import DemoStep
from parkflow.enterprises.choices import EnterpriseGrade
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise
from parkflow.intake.guards import standing_problems

from . import services
from .choices import (
    AllocationStatus,
    DeviationKind,
    DeviationStatus,
    RequestStatus,
    ResourceKind,
)
from .gates import LEADING_GROUP, RISK_REVIEW
from .models import Allocation, Deviation, Resource, ResourceRequest

# Meeting-room hours a month, office area, and how many parking spaces, pieces of equipment and
# staff services each grade may hold at once; its booking priority.
ENTITLEMENTS = {
    EnterpriseGrade.KEY: {"hours": "20", "area": "1000", "count": 4, "priority": 1},
    EnterpriseGrade.A: {"hours": "12", "area": "600", "count": 2, "priority": 2},
    EnterpriseGrade.B: {"hours": "8", "area": "300", "count": 1, "priority": 3},
    EnterpriseGrade.C: {"hours": "4", "area": "150", "count": 1, "priority": 4},
}

# (building, floor, number, area m²) of park A's units; the monthly rent at 85 元/m² is the value.
PARK_A_UNITS = [
    *(("A栋", str(f), f"{f}0{n}", a) for f in (1, 2, 3) for n, a in ((1, 120), (2, 85), (3, 160))),
    *(("A栋", str(f), f"{f}0{n}", a) for f in (4, 5) for n, a in ((1, 220), (2, 65), (3, 95))),
    *(
        ("B栋", str(f), f"{f}0{n}", a)
        for f in (1, 2, 3, 4)
        for n, a in ((1, 180), (2, 75), (3, 140))
    ),
    ("B栋", "5", "500", 500),  # the whole fifth floor: a major allocation
    ("B栋", "6", "601", 260),
    ("B栋", "6", "602", 310),
]
PARK_B_UNITS = [
    ("1号楼", str(f), f"{f}0{n}", a) for f in (1, 2, 3) for n, a in ((1, 150), (2, 90), (3, 110))
]
RENT = Decimal("85")

MEETING_ROOMS = {
    "a": [
        ("M-A101", "A栋101会议室", 12, "投影仪、白板、视频会议"),
        ("M-A302", "A栋302洽谈室", 6, "电视屏、白板"),
        ("M-B101", "B栋多功能厅", 80, "LED屏、音响、同传设备"),
        ("M-B201", "B栋路演厅", 40, "投影仪、音响、直播设备"),
    ],
    "b": [
        ("M-1101", "1号楼101会议室", 10, "投影仪、白板"),
        ("M-1201", "1号楼路演厅", 30, "LED屏、音响"),
    ],
}
OTHERS = {
    "a": [
        *((ResourceKind.PARKING, f"P-A{n:03d}", f"地下车位A{n:03d}", None) for n in range(1, 13)),
        (ResourceKind.EQUIPMENT, "E-A01", "便携投影仪", Decimal("6000")),
        (ResourceKind.EQUIPMENT, "E-A02", "工业级3D打印机", Decimal("85000")),
        (ResourceKind.STAFF_SERVICE, "S-A01", "政策申报专员服务", None),
    ],
    "b": [
        *((ResourceKind.PARKING, f"P-B{n:03d}", f"地面车位B{n:03d}", None) for n in range(1, 5)),
        (ResourceKind.STAFF_SERVICE, "S-B01", "人才招聘对接专员", None),
    ],
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _ago(days: int) -> datetime.datetime:
    return _at(clock.today() - datetime.timedelta(days=days), 9)


def _decide(gate, obj, person, opinion):
    for review in gates.latest_round(obj, gate):
        if review.decision != "pending":
            continue
        if review.assigned_to_id is None:
            review = reviews.review_claim(actor=person, review=review)
        reviews.decide(actor=person, review=review, decision="approve", opinion=opinion)
    obj.refresh_from_db()
    return obj


def _backdate(request, created: datetime.datetime, decided: datetime.datetime | None = None):
    """The request (and its allocation) as made and decided on those days — not today."""
    ResourceRequest.objects.filter(pk=request.pk).update(
        created_at=created, decided_at=decided if request.decided_at else None
    )
    Allocation.objects.filter(request=request).update(created_at=decided or created)


def _in_good_standing(park) -> list[Enterprise]:
    return [
        e for e in Enterprise.objects.filter(park=park).order_by("pk") if not standing_problems(e)
    ]


# ---------------------------------------------------------------------------------------------
# The catalogue and the entitlements (R-RES-1, R-RES-2)


def build_catalogue(ctx):
    lead = ctx.users["lead"]
    for key, units in (("a", PARK_A_UNITS), ("b", PARK_B_UNITS)):
        park = ctx.units[f"park_{key}"]
        for building, floor, number, area in units:
            whole = number == "500"
            services.resource_save(
                actor=lead,
                park=park,
                kind=ResourceKind.UNIT,
                code=f"{building[0]}-{number}",
                name=f"{building}{floor}层整层" if whole else f"{building}{number}室",
                building=building,
                floor=floor,
                number=number,
                area=Decimal(area),
                value=Decimal(area) * RENT,
            )
        for code, name, capacity, equipment in MEETING_ROOMS[key]:
            services.resource_save(
                actor=lead,
                park=park,
                kind=ResourceKind.MEETING_ROOM,
                code=code,
                name=name,
                capacity=capacity,
                equipment=equipment,
            )
        for kind, code, name, value in OTHERS[key]:
            services.resource_save(
                actor=lead, park=park, kind=kind, code=code, name=name, value=value
            )
        for grade, values in ENTITLEMENTS.items():
            for kind in ResourceKind.values:
                measure = {
                    ResourceKind.MEETING_ROOM: {"monthly_hours": Decimal(values["hours"])},
                    ResourceKind.UNIT: {"max_area": Decimal(values["area"])},
                }.get(kind, {"max_count": values["count"]})
                services.entitlement_save(
                    actor=lead,
                    park=park,
                    grade=grade,
                    kind=kind,
                    priority=values["priority"],
                    **measure,
                )


# ---------------------------------------------------------------------------------------------
# Requests and allocations (R-RES-3 … R-RES-6)


def _room(park, code) -> Resource:
    return Resource.objects.get(park=park, code=code)


def _month_days() -> list[datetime.date]:
    """This month's working days (Monday to Friday), in order."""
    today = clock.today()
    day = today.replace(day=1)
    days = []
    while day.month == today.month:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def build_bookings(ctx):
    """Routine meeting-room bookings across this month, allocated by the standing rule."""
    park = ctx.units["park_a"]
    staff = ctx.users["biz_a"]
    enterprises = [e for e in _in_good_standing(park) if e.name != PORTAL_ENTERPRISE]
    rooms = [_room(park, code) for code, *_ in MEETING_ROOMS["a"]]
    purposes = [
        "部门周例会",
        "客户来访洽谈",
        "项目评审会",
        "新员工培训",
        "投融资路演",
        "技术交流会",
    ]
    days = _month_days()
    made = 0
    # Two 2-hour bookings each for five enterprises, spread over the month's working days: within
    # every grade's hours (C: 4 a month), so the standing rule allocates each at once.
    for n in range(10):
        enterprise = enterprises[n % min(5, len(enterprises))]
        day = days[(n * 2) % len(days)]
        room = rooms[n % len(rooms)]
        hour = 9 + 2 * (n % 4)
        start = _at(day, hour)
        request = services.request_create(
            actor=staff,
            enterprise=enterprise,
            resource=room,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            purpose=purposes[n % len(purposes)],
        )
        if start < clock.now():
            booked = start - datetime.timedelta(days=2)
            _backdate(request, booked, booked)
        made += 1
    # The portal enterprise books tomorrow's room itself, in the portal (and its user sees it).
    portal = Enterprise.objects.filter(name=PORTAL_ENTERPRISE, park=park).first()
    user = ctx.users.get("ent_a")
    if portal is not None and user is not None and not standing_problems(portal):
        tomorrow = clock.today() + datetime.timedelta(days=1)
        start = _at(tomorrow, 14)
        services.request_create(
            actor=user,
            enterprise=portal,
            resource=rooms[0],
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            purpose="产品发布筹备会",
        )
        # Its booking earlier this month (made at the front desk), on which it reports a deviation.
        past = _at(days[0], 14) if days[0] < clock.today() else _at(tomorrow, 16)
        earlier = services.request_create(
            actor=staff,
            enterprise=portal,
            resource=rooms[1],
            starts_at=past,
            ends_at=past + datetime.timedelta(hours=2),
            purpose="客户来访洽谈",
        )
        if past < clock.now():
            _backdate(earlier, past - datetime.timedelta(days=1), past - datetime.timedelta(days=1))
        services.deviation_report(
            actor=user,
            allocation=earlier.allocation,
            kind=DeviationKind.INSUFFICIENT,
            description="会议室视频会议设备无法连接，洽谈改为电话进行，请检修。",
        )
        made += 2
    ctx.counts["resource_bookings"] = made


def build_allocations(ctx):
    park_a, park_b = ctx.units["park_a"], ctx.units["park_b"]
    biz_a, biz_b = ctx.users["biz_a"], ctx.users["biz_b"]
    risk, principal = ctx.users["risk"], ctx.users["principal"]
    enterprises = _in_good_standing(park_a)
    by_grade = {}
    for enterprise in enterprises:
        by_grade.setdefault(enterprise.grade, []).append(enterprise)

    # 1. The whole 500 m² floor for an A-grade enterprise: major — risk review, then the
    # leading group; delivered late (a deviation, resolved).
    tenant = (by_grade.get(EnterpriseGrade.A) or by_grade.get(EnterpriseGrade.KEY) or enterprises)[
        0
    ]
    floor = Resource.objects.get(park=park_a, code="B-500")
    start = _ago(60)
    major = services.request_create(
        actor=biz_a,
        enterprise=tenant,
        resource=floor,
        starts_at=start,
        ends_at=start + datetime.timedelta(days=3 * 365),
        purpose="研发中心整体入驻，含实验室与中试车间",
    )
    _decide(RISK_REVIEW, major, risk, "面积在A级客户权益内，用途与入驻协议一致，同意提交领导小组。")
    _decide(LEADING_GROUP, major, principal, "同意整层分配，按入驻协议约定的面积和租期执行。")
    _backdate(major, _ago(75), _ago(68))
    allocation = Allocation.objects.get(request=major)
    late = services.deviation_report(
        actor=biz_a,
        allocation=allocation,
        kind=DeviationKind.LATE,
        description="整层装修未按约定日期完工，企业延后一周进场。",
    )
    services.deviation_resolve(
        actor=biz_a,
        deviation=late,
        resolution="装修已完工并通过验收，延误期间的物业费按协议减免。",
    )
    Deviation.objects.filter(pk=late.pk).update(reported_at=_ago(58), resolved_at=_ago(52))

    # 2. The same officer, the same two enterprises, above entitlement again and again — each
    # with a written justification, each approved by the risk officer (R-RES-5's pattern).
    favoured = [e for e in enterprises if e.name != PORTAL_ENTERPRISE and e.pk != tenant.pk]
    favoured = sorted(favoured, key=lambda e: (e.grade != EnterpriseGrade.C, e.pk))[:2]
    spaces = iter(Resource.objects.filter(park=park_a, kind=ResourceKind.PARKING).order_by("code"))
    reasons = [
        "",
        "企业新增高管到岗，临时需要增加车位。",
        "客户来访频繁，申请增加访客车位。",
        "季度路演需连续使用多功能厅，超出本月时长。",
    ]
    above = 0
    weekend = clock.today() + datetime.timedelta(days=2)
    while weekend.weekday() != 5:  # the coming Saturday: the month's bookings are on weekdays
        weekend += datetime.timedelta(days=1)
    for round_no, days_ago in enumerate((80, 45, 25, None)):
        for enterprise in favoured:
            if days_ago is not None:
                resource = next(spaces)
                begin = _ago(days_ago)
                end = begin + datetime.timedelta(days=180)
            else:
                resource = Resource.objects.get(park=park_a, code="M-B101")
                day = weekend + datetime.timedelta(days=favoured.index(enterprise))
                begin, end = _at(day, 9), _at(day, 18)  # nine hours: above a B or C month
            request = services.request_create(
                actor=biz_a,
                enterprise=enterprise,
                resource=resource,
                starts_at=begin,
                ends_at=end,
                purpose="季度路演" if days_ago is None else "员工车位",
                justification=reasons[round_no] if _above(enterprise, resource, begin, end) else "",
            )
            if request.status == RequestStatus.SUBMITTED:
                _decide(RISK_REVIEW, request, risk, "理由属实，同意。")
            above += request.above_entitlement
            if days_ago is not None:
                _backdate(request, begin - datetime.timedelta(days=2), begin)

    # 3. A unit request waiting for the risk review.
    waiting = next((e for e in enterprises if e.grade == EnterpriseGrade.B and e.pk != tenant.pk
                    and e not in favoured and e.name != PORTAL_ENTERPRISE), None)  # fmt: skip
    if waiting is not None:
        services.request_create(
            actor=biz_a,
            enterprise=waiting,
            resource=Resource.objects.get(park=park_a, code="A-302"),
            starts_at=_at(clock.today() + datetime.timedelta(days=14), 9),
            ends_at=_at(clock.today() + datetime.timedelta(days=14 + 365 - 1), 9),
            purpose="扩充研发团队办公",
        )

    # 4. A key customer's unit ending in three weeks, no renewal requested: the continuity alert.
    key = next(
        (
            e
            for park in (park_a, park_b)
            for e in _in_good_standing(park)
            if e.grade == EnterpriseGrade.KEY
        ),
        None,
    )
    if key is not None:
        officer = biz_a if key.park_id == park_a.pk else biz_b
        unit = (
            Resource.objects.filter(park_id=key.park_id, kind=ResourceKind.UNIT, area__lt=200)
            .exclude(allocations__status=AllocationStatus.ACTIVE)
            .order_by("code")
            .first()
        )
        begin = _ago(340)
        ending = services.request_create(
            actor=officer,
            enterprise=key,
            resource=unit,
            starts_at=begin,
            ends_at=_at(clock.today() + datetime.timedelta(days=21), 0),
            purpose="重点客户临时办公用房",
        )
        _decide(RISK_REVIEW, ending, risk, "重点客户，期限一年内，同意。")
        _backdate(ending, _ago(345), _ago(342))
    ctx.counts["resource_above_entitlement"] = above


def _above(enterprise, resource, starts_at, ends_at) -> bool:
    """Would this request be above the enterprise's entitlement (so it needs the reason)?"""
    from .entitlements import standing_of

    probe = ResourceRequest(
        enterprise=enterprise, resource=resource, starts_at=starts_at, ends_at=ends_at
    )
    return not standing_of(probe, exclude_request=-1).within


def resources_summary() -> str:
    kinds = {
        str(ResourceKind(k).label): Resource.objects.filter(kind=k).count()
        for k in ResourceKind.values
    }
    shown = "、".join(f"{label} {n}" for label, n in kinds.items() if n)
    requests = ResourceRequest.objects
    active = Allocation.objects.filter(status=AllocationStatus.ACTIVE).count()
    standing = requests.exclude(standing_rule="").count()
    waiting = requests.filter(status=RequestStatus.SUBMITTED).count()
    above = requests.filter(above_entitlement=True).count()
    major = requests.filter(major=True, status=RequestStatus.ALLOCATED).count()
    pairs = (
        requests.filter(above_entitlement=True)
        .values("requested_by__username", "enterprise")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n")
    )
    by_officer: dict[str, list[int]] = {}
    for pair in pairs:
        by_officer.setdefault(pair["requested_by__username"], []).append(pair["n"])
    repeated = "，".join(
        f"{who} 为同 {len(ns)} 家企业共 {sum(ns)} 次" for who, ns in by_officer.items()
    )
    open_ = Deviation.objects.filter(status=DeviationStatus.OPEN).count()
    resolved = Deviation.objects.filter(status=DeviationStatus.RESOLVED).count()
    return (
        f"资源调配：资源 {Resource.objects.count()} 项（{shown}）；分配 {active} 项使用中"
        f"（常规审批 {standing}，重大 {major}），待审查 {waiting}，超出权益 {above}"
        f"{f'（{repeated}）' if repeated else ''}；"
        f"交付偏差 处理中 {open_}、已解决 {resolved}"
    )


def loaded() -> bool:
    return Resource.objects.exists()


DEMO_STEPS = [
    DemoStep(
        "resources.catalogue", build_catalogue, after=("agreements.agreements",), loaded=loaded
    ),
    DemoStep("resources.bookings", build_bookings, after=("resources.catalogue",)),
    DemoStep(
        "resources.allocations",
        build_allocations,
        after=("resources.bookings",),
        report=resources_summary,
    ),
]
