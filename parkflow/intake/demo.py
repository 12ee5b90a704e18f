"""The demo park's customer intake (issue 3, R-ENT-1 … R-ENT-6): a ``seed_demo`` part that
admits the enterprises the register's demo creates (``enterprises.demo``), in every state.

Everything is built through the services, so the audit chain, the reviews, the draws, the
published results and the alerts are the real ones. As a park would show it:

* applications in every state: 意向 (no documents), 申请中 (licence uploaded, not submitted),
  审核中 with both drawn reviewers pending, 审核中 with one of two approved, 审核通过, 审核未通过
  (one "不通过", one "退回修改"), 退回后更正并重新提交 (two draw rounds, history kept); the
  register's demo then moves the admitted ones in and out (在园, 退出中, 已退出);
* a protected-brand list of well-known Chinese brands, and one application whose name is a
  homophone of 华为 (苏州华维通信设备有限公司): it is flagged and stays under review, so the
  block on its approval shows;
* a licence expiring within 30 days, and a resident whose licence has expired (a high alert, and
  the good-standing guard refuses new business for it);
* a declared conflict of interest (the declarer is excluded from the draw) and a withdrawn one;
* published admission fees for both parks (one more announced for next year) and one charge;
* this quarter's spot check with its reviewers drawn, one re-check decided and published;
* business licences as real PDFs for every application, financial statements (two versions for
  some), an operating permit.

How the two demos meet (the data is row for row what one module made before the split): the
demo shares one random generator, and intake's rows for an enterprise were made right after it,
before the next one's credit code was drawn. So the register's step calls ``admit`` for each
enterprise as soon as it exists — intake declares it in ``ENTERPRISE_HOOKS``, which the
register's demo discovers (``registry.declared``) without importing intake — and intake's own
steps (brands before the register; the portal statement, fees, the expired licence and the spot
check after it) are placed by ``after``/``before``.

Deterministic: the same seed gives the same names, credit codes, statuses and admission draws.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile

from parkflow.core import clock, gates, reviews
from parkflow.core.choices import AlertStatus, ReviewDecision
from parkflow.core.models import Alert, Review
from parkflow.core.registry import DemoStep
from parkflow.enterprises import services as enterprise_services
from parkflow.enterprises.choices import EnterpriseStatus, Industry
from parkflow.enterprises.demo import (
    APPLYING,
    HALF_APPROVED,
    PORTAL_ENTERPRISE,
    PROSPECT,
    REJECTED,
    RESUBMITTED,
    RETURNED,
    UNDER_REVIEW,
)
from parkflow.enterprises.models import Enterprise
from parkflow.intake import services as intake_services
from parkflow.intake.choices import DocumentType, DrawPurpose, FlagStatus
from parkflow.intake.gates import ADMISSION, SPOT_CHECK
from parkflow.intake.models import (
    AdmissionFee,
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)

from . import guards

# This resident's licence runs out in three weeks, so the licence-expiry rule shows (R-ENT-2).
EXPIRING_LICENCE_ENTERPRISE = "苏州汇锦精密机械有限公司"
EXPIRING_LICENCE_DAYS = 21
# This resident's licence ran out twelve days ago: a high alert, and the good-standing guard
# refuses new agreements, allocations and services for it (R-ENT-5). See ``expire_licence``.
EXPIRED_LICENCE_ENTERPRISE = "无锡晶能光伏科技有限公司"
EXPIRED_LICENCE_DAYS_AGO = 12
BRAND_HIT_ENTERPRISE = "苏州华维通信设备有限公司"
RESUBMITTED_ENTERPRISE = "无锡瑞宁检测技术有限公司"
FEE_ENTERPRISE = PORTAL_ENTERPRISE

# The protected-brand list (R-ENT-6): name, aliases (comma-separated), owner, the brand's own
# reading (pinyin with tone numbers; pypinyin alone would read 华为 huá wèi, D20).
PROTECTED_BRANDS = [
    ("华为", "HUAWEI,華為", "华为技术有限公司", "hua2 wei2"),
    ("阿里巴巴", "Alibaba", "阿里巴巴集团控股有限公司", "a1 li3 ba1 ba1"),
    ("腾讯", "Tencent", "深圳市腾讯计算机系统有限公司", "teng2 xun4"),
    ("小米", "Xiaomi", "小米科技有限责任公司", "xiao3 mi3"),
    ("京东", "JD", "北京京东世纪贸易有限公司", "jing1 dong1"),
    ("百度", "Baidu", "北京百度网讯科技有限公司", "bai3 du4"),
    ("比亚迪", "BYD", "比亚迪股份有限公司", "bi3 ya4 di2"),
    ("海尔", "Haier", "海尔集团公司", "hai3 er3"),
    ("格力", "GREE", "珠海格力电器股份有限公司", "ge2 li4"),
    ("美的", "Midea", "美的集团股份有限公司", "mei3 de5"),
    ("联想", "Lenovo", "联想（北京）有限公司", "lian2 xiang3"),
    ("中国平安", "平安保险,PingAn", "中国平安保险（集团）股份有限公司", "zhong1 guo2 ping2 an1"),
    ("茅台", "Moutai,贵州茅台", "中国贵州茅台酒厂（集团）有限责任公司", "mao2 tai2"),
    ("娃哈哈", "Wahaha", "杭州娃哈哈集团有限公司", "wa2 ha1 ha1"),
    ("宁德时代", "CATL", "宁德时代新能源科技股份有限公司", "ning2 de2 shi2 dai4"),
]
# Words that contain a brand but mean something else (D20): names with them are not flagged.
BRAND_DISTINCT_WORDS = {
    "京东": "京东方",
    "小米": "小米粥,小米面,小米饭,小米椒",
    "茅台": "茅台镇",
}

# Conflicts of interest (R-ENT-4), declared when the application is entered, before any draw:
# (username, enterprise, reason, withdrawal reason — empty while the declaration stands).
CONFLICTS = [
    ("lead", "无锡滨湖氢能科技有限公司", "本人配偶在该企业担任财务负责人。", ""),
    (
        "risk",
        "无锡芯源微电子有限公司",
        "本人曾在该企业兼任技术顾问。",
        "顾问合同已于上年终止，已无利益关系。",
    ),
]

# Financial statements (R-ENT-2): how many versions each enterprise has (v2 = the audited one).
# The portal enterprise's v2 is uploaded by its own portal user (see ``portal_statement``).
FINANCIAL_STATEMENTS = {
    "苏州纳微光电科技有限公司": 2,
    "苏州博恒医药科技有限公司": 1,
    "苏州金湖企业管理咨询有限公司": 1,
    "无锡芯源微电子有限公司": 2,
    "无锡康澜生物医药有限公司": 1,
}
OPERATING_PERMITS = {
    "苏州博恒医药科技有限公司": "药品经营许可证",
    "无锡康澜生物医药有限公司": "药品经营许可证",
}

# Published admission fees (R-ENT-5): in force from today; park A has announced next year's.
TARIFFS = {"a": Decimal("5000.00"), "b": Decimal("3000.00")}
NEXT_YEAR_TARIFF_A = Decimal("6000.00")

APPROVE_OPINION = "营业执照有效，经营范围符合园区产业定位，同意入驻。"
REJECT_OPINION = "营业执照经营范围与申请入驻业务不符，且未提供近两年财务报表，资质审核不通过。"
RETURN_OPINION = "未提供近两年财务报表，营业执照扫描件不清晰，请补正后重新提交。"
RESUBMIT_OPINION = (
    "申请表所填行业（高端装备制造）与营业执照经营范围（检验检测服务）不符，"
    "且缺少近两年财务报表，请更正后重新提交。"
)
SPOT_CHECK_OPINION = "季度抽查复核：营业执照在有效期内，经营情况与入驻申报一致。"


def demo_pdf(title: str, heading: str, lines: list[str], *, pagesize=None) -> bytes:
    """A one-page demo document as a real PDF, Chinese text in ReportLab's built-in CID font
    (landscape A5 unless ``pagesize`` says otherwise). ``invariant`` keeps the bytes (and so the
    SHA-256) the same from run to run."""
    import io

    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    width, height = pagesize or landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(title)
    pdf.setFont("STSong-Light", 22)
    pdf.drawCentredString(width / 2, height - 60, heading)
    pdf.setFont("STSong-Light", 11)
    for i, line in enumerate([*lines, "本文件由 ParkFlow 演示数据生成，不是真实证照或报表。"]):
        pdf.drawString(50, height - 110 - i * 24, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


LICENCE_LINE_CHARACTERS = 62  # what fits on a landscape A4 line at 11 pt, after the margins


def licence_pdf(enterprise, valid_from, valid_until) -> bytes:
    """A 营业执照 (demo), landscape A4 like the real one, with the fields the register keeps;
    a long 经营范围 wraps onto the following lines."""
    from reportlab.lib.pagesizes import A4, landscape

    lines = [
        f"统一社会信用代码：{enterprise.credit_code}",
        f"名称：{enterprise.name}",
    ]
    if enterprise.company_type:
        lines.append(f"类型：{enterprise.company_type}")
    lines += [
        f"法定代表人：{enterprise.legal_representative}",
        f"注册资本：{enterprise.registered_capital} 万元",
    ]
    if enterprise.established_on:
        lines.append(f"成立日期：{enterprise.established_on:%Y年%m月%d日}")
    lines.append(f"营业期限：{valid_from:%Y年%m月%d日} 至 {valid_until:%Y年%m月%d日}")
    if enterprise.registered_address:
        lines.append(f"住所：{enterprise.registered_address}")
    if enterprise.business_scope:
        # Continuation lines start under the text, past the label, as on a printed licence.
        label = "经营范围："
        width = LICENCE_LINE_CHARACTERS - len(label)
        scope = enterprise.business_scope
        chunks = [scope[i : i + width] for i in range(0, len(scope), width)]
        lines += [("　" * len(label) if i else label) + chunk for i, chunk in enumerate(chunks)]
    return demo_pdf(
        f"营业执照 {enterprise.name}",
        "营 业 执 照（演示）",
        lines,
        pagesize=landscape(A4),
    )


# -- protected brands (R-ENT-6), before any name is checked against them -------------------
def build_brands(ctx):
    admin = ctx.users["admin"]
    for name, aliases, owner, reading in PROTECTED_BRANDS:
        intake_services.protected_brand_create(
            actor=admin,
            name=name,
            aliases=aliases,
            owner=owner,
            reading=reading,
            distinct_words=BRAND_DISTINCT_WORDS.get(name, ""),
        )


def admit(ctx, enterprise, *, plan, manager, index):
    """What intake does with a demo enterprise as soon as the register's step has created it:
    conflicts declared, documents, the application, the draw and the reviewers' decisions, as
    far as its plan goes. Returns the enterprise; the register's step moves the admitted ones
    in (and out)."""
    _declare_conflicts(ctx, enterprise)
    if plan == PROSPECT:
        return enterprise
    _upload_documents(ctx, enterprise, manager)
    enterprise = enterprise_services.enterprise_apply(
        actor=manager, enterprise=enterprise, reason="企业提交入驻申请"
    )
    if plan == APPLYING:
        return enterprise
    enterprise = _submit(ctx, enterprise, manager, f"demo-{ctx.seed}-{index}")
    if plan == UNDER_REVIEW:
        return enterprise
    if plan == HALF_APPROVED:
        _decide(ctx, enterprise, ReviewDecision.APPROVE, APPROVE_OPINION, reviewers=1)
    elif plan == REJECTED:
        _decide(ctx, enterprise, ReviewDecision.REJECT, REJECT_OPINION)
    elif plan == RETURNED:
        _decide(ctx, enterprise, ReviewDecision.RETURN, RETURN_OPINION)
    elif plan == RESUBMITTED:
        _decide(ctx, enterprise, ReviewDecision.RETURN, RESUBMIT_OPINION)
        _correct_and_resubmit(ctx, enterprise, manager, index)
    else:
        # APPROVED and beyond: when the last drawn reviewer approves, the gate's hook admits it.
        _decide(ctx, enterprise, ReviewDecision.APPROVE, APPROVE_OPINION)
    return enterprise


def portal_statement(ctx):
    """The portal enterprise replaces its statements with the audited ones itself, through its
    portal account (a new version; the first stays)."""
    enterprise = Enterprise.objects.get(name=PORTAL_ENTERPRISE)
    _upload_statement(ctx, enterprise, ctx.users["ent_a"], FINANCIAL_STATEMENTS[PORTAL_ENTERPRISE])


def _declare_conflicts(ctx, enterprise):
    """R-ENT-4: declared before the draw, so a standing declaration keeps the declarer out
    of it (the draw records why); a withdrawn one no longer does."""
    for username, name, reason, withdrawal in CONFLICTS:
        if name != enterprise.name:
            continue
        person = ctx.users[username]
        declaration = intake_services.conflict_declare(
            actor=person, enterprise=enterprise, reason=reason
        )
        if withdrawal:
            intake_services.conflict_withdraw(
                actor=person, declaration=declaration, reason=withdrawal
            )


def _upload(ctx, enterprise, actor, doc_type, filename, content, *, valid=(None, None), note):
    upload = SimpleUploadedFile(filename, content, content_type="application/pdf")
    return intake_services.document_upload(
        actor=actor,
        enterprise=enterprise,
        doc_type=doc_type,
        upload=upload,
        valid_from=valid[0],
        valid_until=valid[1],
        note=note,
    )


def _upload_licence(ctx, enterprise, manager):
    today = clock.today()
    # Drawn even when unused, so the demo's shared generator gives every later value as before.
    drawn_from = today - datetime.timedelta(days=ctx.rng.randint(400, 3000))
    # A licence's 营业期限 runs from the company's 成立日期.
    valid_from = enterprise.established_on or drawn_from
    if enterprise.name == EXPIRING_LICENCE_ENTERPRISE:
        valid_until = today + datetime.timedelta(days=EXPIRING_LICENCE_DAYS)
    else:
        valid_until = (
            datetime.date(2099, 12, 31)
            if ctx.rng.random() < 0.5
            else today + relativedelta(years=10)
        )
    _upload(
        ctx,
        enterprise,
        manager,
        DocumentType.BUSINESS_LICENCE,
        "营业执照.pdf",
        licence_pdf(enterprise, valid_from, valid_until),
        valid=(valid_from, valid_until),
        note="企业提供的营业执照扫描件",
    )


def _upload_statement(ctx, enterprise, actor, version: int):
    """Financial statements of last year: v1 as prepared, v2 the audited figures."""
    year = clock.today().year - 1
    revenue = Decimal(ctx.rng.randint(800, 60000)) * 10
    profit = (revenue * Decimal(ctx.rng.randint(3, 15)) / 100).quantize(Decimal("1"))
    audited = version >= 2
    kind = "审计后" if audited else "未经审计"
    lines = [
        f"编制单位：{enterprise.name}",
        f"报表期间：{year}年1月1日 至 {year}年12月31日",
        f"营业收入：{revenue:,} 万元",
        f"净利润：{profit:,} 万元",
        "审计意见：标准无保留意见（演示会计师事务所）" if audited else "审计意见：未经审计",
    ]
    _upload(
        ctx,
        enterprise,
        actor,
        DocumentType.FINANCIAL_STATEMENT,
        f"{year}年度财务报表（{kind}）.pdf",
        demo_pdf(f"{year}年度财务报表 {enterprise.name}", f"{year} 年度财务报表", lines),
        note=f"{year}年度财务报表（{kind}）",
    )


def _upload_permit(ctx, enterprise, actor, title: str):
    today = clock.today()
    valid = (today - datetime.timedelta(days=500), today + relativedelta(years=4))
    lines = [
        f"企业名称：{enterprise.name}",
        f"统一社会信用代码：{enterprise.credit_code}",
        f"有效期：{valid[0]:%Y年%m月%d日} 至 {valid[1]:%Y年%m月%d日}",
    ]
    _upload(
        ctx,
        enterprise,
        actor,
        DocumentType.OPERATING_PERMIT,
        f"{title}.pdf",
        demo_pdf(f"{title} {enterprise.name}", f"{title}（演示）", lines),
        valid=valid,
        note=title,
    )


def _upload_documents(ctx, enterprise, manager):
    _upload_licence(ctx, enterprise, manager)
    if enterprise.name in OPERATING_PERMITS:
        _upload_permit(ctx, enterprise, manager, OPERATING_PERMITS[enterprise.name])
    versions = FINANCIAL_STATEMENTS.get(enterprise.name, 0)
    if enterprise.name == PORTAL_ENTERPRISE:
        versions = 1  # the enterprise uploads v2 itself, through the portal
    for version in range(1, versions + 1):
        _upload_statement(ctx, enterprise, manager, version)


def _submit(ctx, enterprise, manager, seed: str):
    # A fixed seed per draw keeps the random choice of reviewers (双随机) reproducible.
    return intake_services.enterprise_submit_for_review(
        actor=manager, enterprise=enterprise, seed=seed
    )


def _decide(ctx, enterprise, decision: str, opinion: str, *, reviewers: int | None = None):
    """The drawn reviewers of the current round decide in draw order (R-ENT-3: all must
    approve); ``reviewers`` stops after that many. A refusal ends the round."""
    for done, review in enumerate(gates.latest_round(enterprise, ADMISSION)):
        if reviewers is not None and done >= reviewers:
            return
        if review.is_pending:
            reviews.decide(
                actor=review.assigned_to, review=review, decision=decision, opinion=opinion
            )
            if decision != ReviewDecision.APPROVE:
                return


def _correct_and_resubmit(ctx, enterprise, manager, index):
    """A returned application corrected as the opinion asked and submitted again: a second
    draw and review round; the first round, its opinion and published result stay."""
    enterprise = enterprise_services.enterprise_update(
        actor=manager,
        enterprise=enterprise,
        industry=Industry.SERVICES,
        reason="按审查意见更正行业：检验检测服务属现代服务业",
    )
    _upload_statement(ctx, enterprise, manager, 1)
    enterprise = enterprise_services.enterprise_apply(
        actor=manager, enterprise=enterprise, reason="按审查意见补正后重新申请"
    )
    _submit(ctx, enterprise, manager, f"demo-{ctx.seed}-{index}-r2")


# -- fees, expiry, spot check (R-ENT-2, R-ENT-3, R-ENT-5) ----------------------------------
def build_tariffs(ctx):
    office = ctx.users["office"]
    today = clock.today()
    for park_key, amount in TARIFFS.items():
        intake_services.tariff_publish(
            actor=office,
            park=ctx.units[f"park_{park_key}"],
            amount=amount,
            effective_from=today,
        )
    # Announced ahead: charged only from 1 January (先公布后执行).
    intake_services.tariff_publish(
        actor=office,
        park=ctx.units["park_a"],
        amount=NEXT_YEAR_TARIFF_A,
        effective_from=datetime.date(today.year + 1, 1, 1),
    )
    intake_services.admission_fee_charge(
        actor=ctx.users["finance"], enterprise=Enterprise.objects.get(name=FEE_ENTERPRISE)
    )


def expire_licence(ctx):
    """Demo only: the annual check of a resident's licence record found that its operating
    term (营业期限) ended twelve days ago and no renewed licence has been provided. The check
    is recorded as a new version of the licence (the admission-time version stays); it is
    the current version, so the licence counts as expired from now on."""
    enterprise = Enterprise.objects.get(name=EXPIRED_LICENCE_ENTERPRISE)
    assert enterprise.status == EnterpriseStatus.RESIDENT
    first = guards.current_document(enterprise, DocumentType.BUSINESS_LICENCE)
    valid_until = clock.today() - datetime.timedelta(days=EXPIRED_LICENCE_DAYS_AGO)
    valid_from = min(first.valid_from, valid_until)
    _upload(
        ctx,
        enterprise,
        enterprise.account_manager,
        DocumentType.BUSINESS_LICENCE,
        "营业执照（年度核查）.pdf",
        licence_pdf(enterprise, valid_from, valid_until),
        valid=(valid_from, valid_until),
        note=f"年度核查：核对原件，营业期限至{valid_until:%Y年%m月%d日}已届满"
        "（首版登记的期限有误），企业尚未提供换发后的营业执照",
    )


def build_spot_check(ctx):
    """This quarter's spot check (R-ENT-3), as the quarterly task runs it (no actor), with a
    fixed seed for the sample. One re-check is decided, so a published result shows."""
    campaign = intake_services.spot_check_campaign_run(seed=f"demo-{ctx.seed}-spot-check")
    pending = [
        review
        for draw in campaign.draws.select_related("enterprise").order_by("pk")
        for review in gates.latest_round(draw.enterprise, SPOT_CHECK)
        if review.is_pending and review.assigned_to_id
    ]
    # Decide one whose enterprise is in good standing (not the one with the expired licence).
    good = [r for r in pending if not guards.standing_problems(r.subject)]
    for review in (good or pending)[:1]:
        reviews.decide(
            actor=review.assigned_to,
            review=review,
            decision=ReviewDecision.APPROVE,
            opinion=SPOT_CHECK_OPINION,
        )
    return campaign


def intake_summary() -> str:
    """What the intake part of the park contains now (printed by seed_demo)."""
    from collections import Counter

    statuses = Counter(Enterprise.objects.values_list("status", flat=True))
    by_status = " · ".join(
        f"{label} {statuses[value]}" for value, label in EnterpriseStatus.choices if statuses[value]
    )
    flags = BrandFlag.objects.filter(status=FlagStatus.OPEN).select_related("enterprise", "brand")
    flagged = "、".join(f"{f.enterprise.name} ≈ {f.brand.name}" for f in flags) or "—"
    conflicts = ConflictDeclaration.objects
    active = conflicts.filter(withdrawn_at__isnull=True).count()
    published = Counter(PublishedResult.objects.values_list("purpose", flat=True))
    campaign = SpotCheckCampaign.objects.order_by("-quarter").first()
    spot = (
        f"{campaign.quarter}: {len(campaign.sample)}/{len(campaign.population)} sampled, "
        f"{Review.objects.filter(gate=SPOT_CHECK.code).exclude(decision='pending').count()} decided"
        if campaign
        else "—"
    )
    alerts = Counter(
        Alert.objects.filter(status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)).values_list(
            "rule_code", "severity"
        )
    )
    lines = [
        "入驻审核演示 / intake demo:",
        f"  企业状态 / enterprises: {by_status}",
        f"  品牌冒用嫌疑 / open brand flags: {flags.count()} ({flagged}); "
        f"受保护品牌 / protected brands: {ProtectedBrand.objects.count()}",
        f"  利益冲突申报 / conflicts: {active} active, {conflicts.count() - active} withdrawn",
        f"  双随机抽取 / draws: {ReviewDraw.objects.count()}; 结果公示 / published: "
        f"admission {published[DrawPurpose.ADMISSION]}, spot check {published[DrawPurpose.SPOT_CHECK]}",
        f"  季度抽查 / spot check {spot}",
        f"  资质材料 / documents: {QualificationDocument.objects.count()}; 入驻费 / tariffs "
        f"{AdmissionFeeTariff.objects.count()}, charged {AdmissionFee.objects.count()}",
        "  处理中预警 / open alerts: "
        + (", ".join(f"{code} ({sev}) {n}" for (code, sev), n in sorted(alerts.items())) or "—"),
    ]
    return "\n".join(lines)


# Called by the register's demo step for each enterprise it creates (see the module docstring).
ENTERPRISE_HOOKS = [admit]

# The steps share the demo's random generator with org's and the register's, so they keep this
# order: the brands before the register checks any name against them, the rest after the portal
# account and before org's contacts (which draw from the generator last).
DEMO_STEPS = [
    DemoStep(
        "intake.brands", build_brands, after=("org.authority",), before=("enterprises.register",)
    ),
    DemoStep("intake.portal_statement", portal_statement, after=("enterprises.portal",)),
    DemoStep("intake.tariffs", build_tariffs, after=("intake.portal_statement",)),
    DemoStep("intake.expired_licence", expire_licence, after=("intake.tariffs",)),
    DemoStep(
        "intake.spot_check",
        build_spot_check,
        after=("intake.expired_licence",),
        before=("org.contacts",),
        report=intake_summary,
    ),
]
