"""The demo park's service agreements (issue 9, R-AGR-1 … R-AGR-6): a ``seed_demo`` part, built
through the services, so the reviews, the audit chain, the notifications and the alerts are the
real ones. As a park would show it:

* the allowed dispute-resolution venues (real ones of Suzhou, Wuxi and Shanghai), each park's
  service catalogue (物业管理 and 安保服务 required for a residency agreement; the rest only on the
  enterprise's request) and its tariffs — the price list in force since 2025 and a rent rise
  published for today, so agreements signed before keep their old price (not retroactive);
* templates: 入驻服务协议（标准版） approved and re-reviewed this quarter, 物业服务协议 whose
  quarterly re-review is overdue (it alerts and starts no agreement), a second version of the
  standard template in its compliance review, and 园区B's own residency template;
* agreements in every state: signed and in force (one ending within 60 days with no renewal:
  the account manager's alert), signed with a signed amendment (the first version superseded,
  the clause-by-clause diff), priced above the tariff with the in-charge leader's approval after
  the legal review, returned by legal with an opinion, waiting for the legal review, a draft
  whose submission was refused because it lacks its confidentiality clause, and the portal
  enterprise's draft with a service it asked for, waiting for its confirmation in the portal.

Dates the regulation cares about lie in the past (a template approved last year, an agreement
signed ten months ago): the rows are made through the services today and only their dates are
set back, with no audit of that (it is the demo's history, not a change anyone made)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from parkflow.core import clock, gates, reviews, workflow
from parkflow.core.errors import DomainError
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise
from parkflow.intake.demo import demo_pdf
from parkflow.intake.guards import standing_problems

from . import services
from .choices import (
    AgreementKind,
    AgreementStatus,
    ClauseKind,
    FeeKind,
    FeePeriod,
    TariffUnit,
    TemplateStatus,
    VenueKind,
)
from .gates import LEGAL_REVIEW, PRICE_EXCEPTION, TEMPLATE_REVIEW
from .models import Agreement, ServiceItem, Tariff, TemplateVersion, Venue

VENUES = [
    ("苏州仲裁委员会", VenueKind.ARBITRATION),
    ("苏州工业园区人民法院", VenueKind.COURT),
    ("苏州市中级人民法院", VenueKind.COURT),
    ("无锡仲裁委员会", VenueKind.ARBITRATION),
    ("无锡市新吴区人民法院", VenueKind.COURT),
    ("上海国际经济贸易仲裁委员会", VenueKind.ARBITRATION),
]

SERVICE_ITEMS = [
    ("property", "物业管理", [AgreementKind.RESIDENCY, AgreementKind.PROPERTY]),
    ("security", "安保服务", [AgreementKind.RESIDENCY]),
    ("meeting_room", "会议室预订", []),
    ("policy", "政策申报辅导", []),
    ("recruiting", "人才招聘对接", []),
    ("legal_advice", "法律咨询", []),
]

# (fee kind, service item code or None, unit, price in force since 2025, price from today)
TARIFFS = {
    "a": [
        (FeeKind.RENT, None, TariffUnit.PER_SQM_MONTH, "80.00", "85.00"),
        (FeeKind.PROPERTY, None, TariffUnit.PER_SQM_MONTH, "12.00", None),
        (FeeKind.DEPOSIT, None, TariffUnit.PER_ITEM, "20000.00", None),
        (FeeKind.ONE_OFF, "policy", TariffUnit.PER_ITEM, "3000.00", None),
        (FeeKind.SERVICE, "meeting_room", TariffUnit.PER_MONTH, "800.00", None),
    ],
    "b": [
        (FeeKind.RENT, None, TariffUnit.PER_SQM_MONTH, "55.00", None),
        (FeeKind.PROPERTY, None, TariffUnit.PER_SQM_MONTH, "8.00", None),
        (FeeKind.DEPOSIT, None, TariffUnit.PER_ITEM, "15000.00", None),
    ],
}
SINCE = datetime.date(2025, 1, 1)
TEMPLATE_NAMES = {"a": "入驻服务协议（标准版）", "b": "入驻服务协议（B区）"}


def _clauses(venue_name="苏州仲裁委员会", venue_kind=VenueKind.ARBITRATION, *, park="甲方"):
    return [
        {
            "kind": ClauseKind.TERM,
            "title": "协议期限",
            "text": "本协议期限以首页约定的起止日期为准，期满前六十日内双方可协商续签。",
        },
        {
            "kind": ClauseKind.FEES,
            "title": "费用及支付",
            "text": "乙方按本协议费用明细所列标准和周期支付各项费用，甲方按期开具发票。"
            "除本协议约定外，甲方不得另行收取其他费用。",
        },
        {
            "kind": ClauseKind.CONFIDENTIALITY,
            "title": "保密义务",
            "text": "双方对在履行本协议过程中知悉的对方商业秘密、经营信息和个人信息负有保密义务，"
            "未经对方书面同意不得向第三方披露，本条在协议终止后继续有效。",
        },
        {
            "kind": ClauseKind.BREACH,
            "title": "违约责任",
            "text": "任何一方违反本协议约定的，应承担继续履行、采取补救措施或者赔偿损失等违约责任；"
            "逾期付款的，按本协议约定计收违约金，本协议未约定的不计收。",
        },
        {
            "kind": ClauseKind.DISPUTE,
            "title": "争议解决",
            "text": f"因本协议引起的或与本协议有关的争议，双方应友好协商解决；协商不成的，"
            f"提交{venue_name}{'仲裁' if venue_kind == VenueKind.ARBITRATION else '诉讼解决'}。",
            "venue_kind": venue_kind,
            "venue_name": venue_name,
        },
        {
            "kind": ClauseKind.DATA_ON_EXIT,
            "title": "退出时的数据处理",
            "text": f"乙方退出园区时，{park}应在三十日内向乙方返还或按乙方要求删除其企业数据，"
            "并出具书面说明。",
        },
    ]


def _ago(days: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=days)


def build_reference(ctx):
    """Venues, each park's service catalogue and tariffs."""
    for name, kind in VENUES:
        services.venue_save(actor=ctx.users["legal"], name=name, kind=kind)
    lead = ctx.users["lead"]
    for park_key in ("a", "b"):
        park = ctx.units[f"park_{park_key}"]
        items = {}
        for code, name, required in SERVICE_ITEMS:
            items[code] = services.service_item_save(
                actor=lead, park=park, code=code, name=name, required_for=required
            )
        for fee_kind, item_code, unit, old_price, new_price in TARIFFS[park_key]:
            item = items.get(item_code) if item_code else None
            tariff = services.tariff_publish(
                actor=lead,
                park=park,
                fee_kind=fee_kind,
                service_item=item,
                unit=unit,
                price=old_price,
                effective_from=clock.today(),
                note="2025年公布的收费标准",
            )
            # The price list the park published in 2025 (before ParkFlow): its date set back.
            Tariff.objects.filter(pk=tariff.pk).update(effective_from=SINCE)
            if new_price:
                services.tariff_publish(
                    actor=lead,
                    park=park,
                    fee_kind=fee_kind,
                    service_item=item,
                    unit=unit,
                    price=new_price,
                    effective_from=clock.today(),
                    note="自今日起执行的新标准（已提前公示）",
                )


def _approved_template(ctx, park_key, name, kind, clauses, *, reviewed_days_ago):
    lead, legal = ctx.users["lead"], ctx.users["legal"]
    version = services.template_create(
        actor=lead, park=ctx.units[f"park_{park_key}"], name=name, kind=kind, clauses=clauses
    )
    services.template_submit(actor=lead, version=version)
    _decide(
        TEMPLATE_REVIEW, version, legal, "approve", "条款完整，争议解决机构在允许名单内，同意启用。"
    )
    TemplateVersion.objects.filter(pk=version.pk).update(last_reviewed_on=_ago(reviewed_days_ago))
    version.refresh_from_db()
    return version


def _decide(gate, obj, person, decision, opinion):
    for review in gates.latest_round(obj, gate):
        if review.decision != "pending":
            continue
        if review.assigned_to_id is None:
            review = reviews.review_claim(actor=person, review=review)
        reviews.decide(actor=person, review=review, decision=decision, opinion=opinion)


def build_templates(ctx):
    standard = _approved_template(
        ctx,
        "a",
        "入驻服务协议（标准版）",
        AgreementKind.RESIDENCY,
        _clauses(),
        reviewed_days_ago=20,
    )
    _approved_template(
        ctx,
        "a",
        "物业服务协议",
        AgreementKind.PROPERTY,
        _clauses("苏州工业园区人民法院", VenueKind.COURT),
        reviewed_days_ago=130,
    )
    _approved_template(
        ctx,
        "b",
        "入驻服务协议（B区）",
        AgreementKind.RESIDENCY,
        _clauses("无锡仲裁委员会"),
        reviewed_days_ago=35,
    )
    # The standard template's second version, in its compliance review now.
    second = services.template_version_create(
        actor=ctx.users["lead"], template=standard.template, note="补充数据出境合规表述"
    )
    clauses = _clauses()
    clauses[5]["text"] += "涉及数据出境的，按国家有关规定办理安全评估或标准合同备案。"
    services.template_clauses_set(actor=ctx.users["lead"], version=second, clauses=clauses)
    services.template_submit(actor=ctx.users["lead"], version=second)
    # This quarter's opinion on the standard template (the property template's is overdue).
    services.template_rereview(
        actor=ctx.users["legal"],
        version=standard,
        opinion="经复核，保密、违约责任、争议解决等核心条款符合现行法律法规，无需修改。",
    )


def _admitted(park):
    """The park's enterprises in good standing, in a fixed order."""
    found = [
        e
        for e in Enterprise.objects.filter(park=park).order_by("pk")
        if not standing_problems(e) and e.name != PORTAL_ENTERPRISE
    ]
    return found


def _scan(agreement):
    content = demo_pdf(
        "协议签署扫描件",
        "服务协议（签署页）",
        [f"协议编号：{agreement.number}", f"协议名称：{agreement.title}", "甲乙双方已签字盖章。"],
    )
    return SimpleUploadedFile("协议签署扫描件.pdf", content, content_type="application/pdf")


def _draft(ctx, park_key, enterprise, title, *, start, months=12, rent_area="120", rent_price=None,
           manager=None):  # fmt: skip
    template = TemplateVersion.objects.get(
        template__name=TEMPLATE_NAMES[park_key], status=TemplateStatus.APPROVED
    )
    drafter = manager or enterprise.account_manager or ctx.users[f"biz_{park_key}"]
    end = start + datetime.timedelta(days=round(months * 365 / 12) - 1)
    agreement = services.agreement_create(
        actor=drafter,
        enterprise=enterprise,
        template_version=template,
        title=title,
        start_date=start,
        end_date=end,
    )
    services.fee_line_add(
        actor=drafter,
        agreement=agreement,
        kind=FeeKind.DEPOSIT,
        label="履约保证金",
        quantity="1",
        period=FeePeriod.ONCE,
        start_date=start,
        end_date=start,
    )
    services.fee_line_add(
        actor=drafter,
        agreement=agreement,
        kind=FeeKind.RENT,
        label="办公用房租金",
        quantity=rent_area,
        period=FeePeriod.QUARTERLY,
        start_date=start,
        end_date=end,
        escalation_percent="3",
        **({"unit_price": rent_price} if rent_price else {}),
    )
    services.fee_line_add(
        actor=drafter,
        agreement=agreement,
        kind=FeeKind.PROPERTY,
        label="物业管理费",
        quantity=rent_area,
        period=FeePeriod.MONTHLY,
        start_date=start,
        end_date=end,
    )
    return agreement, drafter


def _submit(agreement, drafter):
    return workflow.transition(actor=drafter, obj=agreement, name="submit")


def _sign(ctx, agreement, drafter, signed_days_ago):
    legal = ctx.users["legal"]
    _decide(
        LEGAL_REVIEW, agreement, legal, "approve", "条款合法完整，费用与收费标准一致，同意签署。"
    )
    agreement = services.agreement_sign(
        actor=drafter,
        agreement=agreement,
        signed_on=clock.today(),
        enterprise_signatory=agreement.enterprise.legal_representative,
        scan=_scan(agreement),
    )
    Agreement.objects.filter(pk=agreement.pk).update(signed_on=_ago(signed_days_ago))
    return agreement


def build_agreements(ctx):
    park_a, park_b = ctx.units["park_a"], ctx.units["park_b"]
    enterprises = _admitted(park_a)
    made = ctx.counts.setdefault("agreements", 0)
    # 1. In force, ending within 60 days with no renewal: the account manager's alert.
    start = _ago(365 - 40)
    first, drafter = _draft(ctx, "a", enterprises[0], "入驻服务协议", start=start)
    _submit(first, drafter)
    _sign(ctx, first, drafter, 330)
    # 2. Signed, then amended (area enlarged, dispute clause moved to the court): v1 superseded.
    second, drafter = _draft(ctx, "a", enterprises[1], "入驻服务协议", start=_ago(200), months=36)
    _submit(second, drafter)
    second = _sign(ctx, second, drafter, 205)
    amendment = services.agreement_amend(
        actor=drafter, agreement=second, title="入驻服务协议（扩租补充协议）"
    )
    clauses = [
        {k: c[k] for k in ("kind", "title", "text", "venue_kind", "venue_name")}
        for c in amendment.clauses.order_by("position").values()
    ]
    clauses[4]["text"] = "因本协议引起的争议，双方协商不成的，向苏州工业园区人民法院提起诉讼。"
    clauses[4]["venue_kind"], clauses[4]["venue_name"] = VenueKind.COURT, "苏州工业园区人民法院"
    clauses[1]["text"] += "扩租部分自补充协议签署之日起计费。"
    services.agreement_clauses_set(actor=drafter, agreement=amendment, clauses=clauses)
    rent = amendment.fees.get(kind=FeeKind.RENT)
    services.fee_line_update(actor=drafter, fee=rent, quantity="180")
    _submit(amendment, drafter)
    _sign(ctx, amendment, drafter, 10)
    # 3. Above the tariff (a corner unit priced at 95 against 85), approved by the in-charge
    # leader after the legal review; signed.
    third, drafter = _draft(
        ctx,
        "a",
        enterprises[2],
        "入驻服务协议（临湖转角单元）",
        start=clock.today(),
        rent_price="95.00",
    )
    services.agreement_update(actor=drafter, agreement=third, price_approver=ctx.users["deputy"])
    _submit(third, drafter)
    _decide(
        LEGAL_REVIEW,
        third,
        ctx.users["legal"],
        "approve",
        "条款合法完整；租金高于标准，提请分管领导审批。",
    )
    _decide(
        PRICE_EXCEPTION,
        third,
        ctx.users["deputy"],
        "approve",
        "临湖转角单元采光景观优于标准单元，同意按95元执行。",
    )
    third.refresh_from_db()
    services.agreement_sign(
        actor=drafter,
        agreement=third,
        signed_on=clock.today(),
        enterprise_signatory=third.enterprise.legal_representative,
        scan=_scan(third),
    )
    # 4. Returned by legal with an opinion, back in draft.
    fourth, drafter = _draft(ctx, "a", enterprises[3], "入驻服务协议", start=clock.today())
    _submit(fourth, drafter)
    _decide(
        LEGAL_REVIEW,
        fourth,
        ctx.users["legal"],
        "reject",
        "违约金条款未约定计算标准，请明确逾期付款违约金的计算方式后重新提交。",
    )
    # 5. Waiting for the legal review.
    fifth, drafter = _draft(ctx, "a", enterprises[4], "入驻服务协议", start=clock.today())
    _submit(fifth, drafter)
    # 6. Refused at submission: its confidentiality clause was deleted.
    sixth, drafter = _draft(ctx, "a", enterprises[5], "入驻服务协议（简版）", start=clock.today())
    clauses = [
        {k: c[k] for k in ("kind", "title", "text", "venue_kind", "venue_name")}
        for c in sixth.clauses.order_by("position").values()
        if c["kind"] != ClauseKind.CONFIDENTIALITY
    ]
    services.agreement_clauses_set(actor=drafter, agreement=sixth, clauses=clauses)
    try:
        _submit(sixth, drafter)
    except DomainError as refused:
        ctx.out(f"  演示：协议 {sixth.number} 提交被拒 —— {refused.message}")
    # 7. The portal enterprise's draft: a service it asked for, waiting for its confirmation.
    portal = Enterprise.objects.get(name=PORTAL_ENTERPRISE)
    if not standing_problems(portal):
        seventh, drafter = _draft(ctx, "a", portal, "入驻服务协议", start=clock.today())
        services.service_line_add(
            actor=drafter,
            agreement=seventh,
            item=ServiceItem.objects.get(park=park_a, code="meeting_room"),
            note="企业申请每月8小时会议室",
        )
    # 8. Park B: one in force.
    b_enterprises = _admitted(park_b)
    if b_enterprises:
        eighth, drafter = _draft(ctx, "b", b_enterprises[0], "入驻服务协议", start=_ago(90))
        _submit(eighth, drafter)
        _sign(ctx, eighth, drafter, 95)
    ctx.counts["agreements"] = made + Agreement.objects.count()


def agreements_summary() -> str:
    by_status = {
        str(AgreementStatus(s).label): Agreement.objects.filter(status=s).count()
        for s in AgreementStatus.values
    }
    shown = "，".join(f"{label} {n}" for label, n in by_status.items() if n)
    overdue = TemplateVersion.objects.filter(status=TemplateStatus.APPROVED).count()
    return f"服务协议：{shown}；在用模板 {overdue} 个"


def loaded() -> bool:
    return Venue.objects.exists()


DEMO_STEPS = [
    DemoStep("agreements.reference", build_reference, after=("intake.spot_check",), loaded=loaded),
    DemoStep("agreements.templates", build_templates, after=("agreements.reference",)),
    DemoStep(
        "agreements.agreements",
        build_agreements,
        after=("agreements.templates",),
        report=agreements_summary,
    ),
]
