"""Agreements' test data, built through the services (so each object is as the app makes it)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from parkflow.core import gates as core_gates
from parkflow.core import reviews
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory, make_credit_code, pdf_upload
from parkflow.intake.tests.factories import (
    application_under_review,
    approve_round,
    review_panel,
)
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from ..choices import AgreementKind, ClauseKind, FeeKind, FeePeriod, TariffUnit, VenueKind
from ..gates import LEGAL_REVIEW, PRICE_EXCEPTION, TEMPLATE_REVIEW
from ..models import Venue

COURT = "苏州工业园区人民法院"
ARBITRATION = "苏州仲裁委员会"


def today():
    return timezone.localdate()


def venues():
    """The allowed venues of the seed (get or create: a test may have made them already)."""
    for name, kind in ((COURT, VenueKind.COURT), (ARBITRATION, VenueKind.ARBITRATION)):
        Venue.objects.get_or_create(name=name, defaults={"kind": kind})


def clause(kind, title=None, text=None, **venue):
    return {
        "kind": kind,
        "title": title or ClauseKind(kind).label,
        "text": text or f"{ClauseKind(kind).label}的约定内容。",
        **venue,
    }


def complete_clauses(*, venue_kind=VenueKind.ARBITRATION, venue_name=ARBITRATION):
    return [
        clause(ClauseKind.TERM, "协议期限", "本协议自双方签署之日起生效。"),
        clause(ClauseKind.FEES, "费用及支付", "乙方按附件费用明细按期支付。"),
        clause(ClauseKind.CONFIDENTIALITY, "保密", "双方对履约中知悉的商业秘密负有保密义务。"),
        clause(ClauseKind.BREACH, "违约责任", "任何一方违约，应赔偿守约方因此遭受的损失。"),
        clause(
            ClauseKind.DISPUTE,
            "争议解决",
            "因本协议引起的争议，双方协商不成的，提交约定机构解决。",
            venue_kind=venue_kind,
            venue_name=venue_name,
        ),
        clause(ClauseKind.DATA_ON_EXIT, "退出时数据处理", "乙方退出园区时，甲方返还或删除其数据。"),
    ]


class Org:
    """The people of one park: a drafter, a lead, two legal officers and a deputy."""

    def __init__(self, park):
        self.park = park
        self.drafter = staff(Role.BUSINESS_STAFF, park, display_name="起草人")
        self.lead = staff(Role.LEAD_STAFF, park, display_name="牵头部门")
        self.legal = staff(Role.LEGAL_OFFICER, park, display_name="法务甲")
        self.legal2 = staff(Role.LEGAL_OFFICER, park, display_name="法务乙")
        self.deputy = staff(Role.DEPUTY, park, display_name="分管领导")
        self._template = None

    def template(self):
        """The park's approved residency template (made once)."""
        if self._template is None:
            self._template = approved_template(self)
        return self._template


def approved_template(org, *, kind=AgreementKind.RESIDENCY, name=None, clauses=None):
    """A template version through its compliance review (drafted by the lead, approved by
    legal)."""
    venues()
    version = services.template_create(
        actor=org.lead,
        park=org.park,
        name=name or f"{AgreementKind(kind).label}模板",
        kind=kind,
        clauses=clauses or complete_clauses(),
    )
    services.template_submit(actor=org.lead, version=version)
    decide_all(version, TEMPLATE_REVIEW, org.legal)
    version.refresh_from_db()
    return version


def decide_all(obj, gate, reviewer, decision="approve", opinion="同意"):
    """``reviewer`` takes (if pooled) and decides the open reviews of the gate's latest round."""
    decided = None
    for review in core_gates.latest_round(obj, gate):
        if review.decision != "pending":
            continue
        if review.assigned_to_id is None:
            review = reviews.review_claim(actor=reviewer, review=review)
        decided = reviews.decide(actor=reviewer, review=review, decision=decision, opinion=opinion)
    return decided


def good_standing(park, actor, **values):
    """An enterprise admitted through the real admission review (licence, drawn reviewers,
    approval): it passes the good-standing guard (R-ENT-5)."""
    if not _has_panel(park):
        review_panel(park)
    n = next(_SEQUENCE)
    values.setdefault("name", f"苏州协议测试{n}号科技有限公司")
    values.setdefault("credit_code", make_credit_code(90000 + n))
    return approve_round(application_under_review(park, actor, **values))


_SEQUENCE = itertools.count(1)


def _has_panel(park):
    from parkflow.org.models import RoleAssignment

    return (
        RoleAssignment.objects.filter(unit=park, role=Role.RISK_OFFICER).exists()
        and RoleAssignment.objects.filter(unit=park, role=Role.OFFICE_STAFF).exists()
    )


def unadmitted(park, **values):
    """An enterprise that never passed the admission review (a prospect with a licence)."""
    enterprise = EnterpriseFactory(park=park, status=EnterpriseStatus.PROSPECT, **values)
    return enterprise


def rent_tariff(org, price="80.00", effective_from=None):
    return services.tariff_publish(
        actor=org.lead,
        park=org.park,
        fee_kind=FeeKind.RENT,
        unit=TariffUnit.PER_SQM_MONTH,
        price=price,
        effective_from=effective_from or today(),
    )


def draft(org, enterprise=None, *, template=None, with_rent=True, unit_price=None, **values):
    """A draft agreement from an approved template, with a year's rent line when asked."""
    template = template or org.template()
    enterprise = enterprise or good_standing(org.park, org.drafter)
    start = values.pop("start_date", today())
    agreement = services.agreement_create(
        actor=org.drafter,
        enterprise=enterprise,
        template_version=template,
        title=values.pop("title", "入驻服务协议"),
        start_date=start,
        end_date=values.pop("end_date", start + datetime.timedelta(days=364)),
    )
    if with_rent:
        from ..models import Tariff

        if not Tariff.objects.filter(park=org.park, fee_kind=FeeKind.RENT).exists():
            # The park's rent as published long ago (a tariff is never published backwards:
            # history is set here, as the demo sets it).
            Tariff.objects.filter(pk=rent_tariff(org).pk).update(
                effective_from=datetime.date(2020, 1, 1)
            )
        services.fee_line_add(
            actor=org.drafter,
            agreement=agreement,
            kind=FeeKind.RENT,
            label="办公室租金",
            quantity=Decimal("120"),
            period=FeePeriod.MONTHLY,
            start_date=agreement.start_date,
            end_date=agreement.end_date,
            **({"unit_price": unit_price} if unit_price is not None else {}),
        )
    return agreement


def submitted(org, **values):
    from parkflow.core import workflow

    agreement = draft(org, **values)
    return workflow.transition(actor=org.drafter, obj=agreement, name="submit")


def legally_approved(org, **values):
    agreement = submitted(org, **values)
    decide_all(agreement, LEGAL_REVIEW, org.legal)
    agreement.refresh_from_db()
    return agreement


def approved_by_leader(agreement, leader):
    decide_all(agreement, PRICE_EXCEPTION, leader)
    agreement.refresh_from_db()
    return agreement


def sign(org, agreement, *, actor=None, scan=None):
    return services.agreement_sign(
        actor=actor or org.drafter,
        agreement=agreement,
        signed_on=today(),
        enterprise_signatory="企业法定代表人",
        scan=scan or pdf_upload("协议签署件.pdf"),
    )
