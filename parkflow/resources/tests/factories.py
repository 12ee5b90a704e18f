"""Resource allocation's test data, built through the services."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from parkflow.core import gates as core_gates
from parkflow.core import reviews
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import make_credit_code
from parkflow.intake.tests.factories import application_under_review, approve_round, review_panel
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from ..choices import ResourceKind

_SEQUENCE = itertools.count(1)


class Org:
    """The people of one park: a clerk (business staff), a keeper (lead), two risk officers, a
    leading-group member and a deputy."""

    def __init__(self, park):
        self.park = park
        self.clerk = staff(Role.BUSINESS_STAFF, park, display_name="业务员")
        self.keeper = staff(Role.LEAD_STAFF, park, display_name="资源管理员")
        self.risk = staff(Role.RISK_OFFICER, park, display_name="风控甲")
        self.risk2 = staff(Role.RISK_OFFICER, park, display_name="风控乙")
        self.member = staff(Role.GROUP_MEMBER, park, display_name="领导小组成员")
        self.deputy = staff(Role.DEPUTY, park, display_name="分管领导")
        self.office = staff(Role.OFFICE_STAFF, park, display_name="专项办")


def admitted(org, grade="b", **values):
    """An enterprise admitted through the real admission review (good standing, R-ENT-5)."""
    n = next(_SEQUENCE)
    values.setdefault("name", f"苏州资源测试{n}号科技有限公司")
    values.setdefault("credit_code", make_credit_code(70000 + n))
    enterprise = approve_round(application_under_review(org.park, org.clerk, **values))
    Enterprise.objects.filter(pk=enterprise.pk).update(grade=grade)
    enterprise.refresh_from_db()
    return enterprise


def review_panel_for(org):
    review_panel(org.park)


def meeting_room(org, code="M101", **fields):
    return services.resource_save(
        actor=org.keeper,
        park=org.park,
        kind=ResourceKind.MEETING_ROOM,
        code=code,
        name=fields.pop("name", f"会议室{code}"),
        capacity=fields.pop("capacity", 12),
        **fields,
    )


def unit(org, code="A-301", area="120", **fields):
    return services.resource_save(
        actor=org.keeper,
        park=org.park,
        kind=ResourceKind.UNIT,
        code=code,
        name=fields.pop("name", f"办公单元{code}"),
        building=fields.pop("building", "A栋"),
        floor=fields.pop("floor", "3"),
        number=fields.pop("number", code),
        area=Decimal(area),
        **fields,
    )


def hours_entitlement(org, grade="b", hours="8"):
    return services.entitlement_save(
        actor=org.keeper,
        park=org.park,
        grade=grade,
        kind=ResourceKind.MEETING_ROOM,
        monthly_hours=Decimal(hours),
    )


def area_entitlement(org, grade="b", area="200"):
    return services.entitlement_save(
        actor=org.keeper, park=org.park, grade=grade, kind=ResourceKind.UNIT, max_area=Decimal(area)
    )


def at(days=1, hour=9):
    """A moment ``days`` from today at ``hour`` o'clock, Asia/Shanghai."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def book(org, enterprise, resource, start, hours=2, actor=None, **values):
    return services.request_create(
        actor=actor or org.clerk,
        enterprise=enterprise,
        resource=resource,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        purpose=values.pop("purpose", "项目评审会"),
        **values,
    )


def decide_all(obj, gate, reviewer, decision="approve", opinion="同意"):
    for review in core_gates.latest_round(obj, gate):
        if review.decision != "pending":
            continue
        if review.assigned_to_id is None:
            review = reviews.review_claim(actor=reviewer, review=review)
        reviews.decide(actor=reviewer, review=review, decision=decision, opinion=opinion)
    obj.refresh_from_db()
    return obj
