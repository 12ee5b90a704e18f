"""The demo park's enterprise register (R-PLT-6): 32 enterprises, one for each state of the
lifecycle, and the portal account of one of them (a ``seed_demo`` step; the people come from
``org.demo``).

Everything that has a service is built through it, so the audit chain is the real one. Portal
accounts have no service yet: the account is created here and audited by hand.

How far each enterprise goes is its *plan* (``ENTERPRISES``). Getting admitted is customer
intake's business: as soon as an enterprise exists, the step calls what other apps declare in
``ENTERPRISE_HOOKS`` in their ``demo.py`` (intake's ``admit``: conflicts, documents, the
application, the draw and the decisions), found by ``registry.declared`` so this module imports
no app built on it; then it moves the admitted ones in, and out (在园, 退出中, 已退出). The hooks
run per enterprise, not in a later step, because the demo shares one random generator: the same
seed gives the same park only if each enterprise's documents are drawn before the next one's
credit code, as they always were.

Deterministic: the same seed gives the same names, credit codes, statuses and admission draws.
"""

import datetime
import random
from decimal import Decimal

from stdnum.cn import uscc

from parkflow.core import audit, clock, registry
from parkflow.core.registry import DemoStep
from parkflow.enterprises import services as enterprise_services
from parkflow.enterprises.choices import EnterpriseGrade, EnterpriseStatus, Industry
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.org.demo import mobile, person_name

# What the demo does with each application (R-ENT-1 states; the admission draw has a fixed seed).
PROSPECT = "prospect"  # 意向: no documents yet
APPLYING = "applying"  # 申请中: licence uploaded, not yet submitted for review
UNDER_REVIEW = "under_review"  # 审核中: both drawn reviewers pending
HALF_APPROVED = "half_approved"  # 审核中: one of the two drawn reviewers has approved
APPROVED = "approved"  # 审核通过: both approved, result published
REJECTED = "rejected"  # 审核未通过: a reviewer said 不通过, result published
RETURNED = "returned"  # 审核未通过: a reviewer returned it (退回修改) with a written opinion
RESUBMITTED = "resubmitted"  # returned, corrected by the enterprise, submitted again (round 2)
RESIDENT = "resident"  # 在园
EXITING = "exiting"  # 退出中
EXITED = "exited"  # 已退出

# (name, industry, park key, plan). Fictional names; only 苏州华维通信设备有限公司 sounds like a
# protected brand (华为, R-ENT-6) — the demo's brand hit. A test checks the others are not flagged.
ENTERPRISES = [
    ("苏州纳微光电科技有限公司", Industry.IT, "a", RESIDENT),
    ("苏州博恒医药科技有限公司", Industry.BIOMED, "a", RESIDENT),
    ("苏州汇锦精密机械有限公司", Industry.EQUIPMENT, "a", RESIDENT),
    ("苏州晶澜新材料科技有限公司", Industry.MATERIALS, "a", RESIDENT),
    ("苏州启航储能技术有限公司", Industry.ENERGY, "a", RESIDENT),
    ("苏州声启智能语音科技有限公司", Industry.IT, "a", RESIDENT),
    ("苏州澄和生物检测技术有限公司", Industry.BIOMED, "a", RESIDENT),
    ("苏州金湖企业管理咨询有限公司", Industry.SERVICES, "a", APPROVED),
    ("苏州数途信息服务有限公司", Industry.IT, "a", APPROVED),
    ("苏州桐泾文化传媒有限公司", Industry.CREATIVE, "a", UNDER_REVIEW),
    ("苏州准衡视觉测控有限公司", Industry.EQUIPMENT, "a", HALF_APPROVED),
    ("苏州瑞禾电子化学品有限公司", Industry.MATERIALS, "a", APPLYING),
    ("苏州云栖物联网科技有限公司", Industry.IT, "a", PROSPECT),
    ("苏州东渚精密制造有限公司", Industry.EQUIPMENT, "a", RETURNED),
    ("苏州禾盛医疗器械有限公司", Industry.BIOMED, "a", EXITING),
    ("无锡芯源微电子有限公司", Industry.IT, "b", RESIDENT),
    ("无锡康澜生物医药有限公司", Industry.BIOMED, "b", RESIDENT),
    ("无锡晶能光伏科技有限公司", Industry.ENERGY, "b", RESIDENT),
    ("无锡太湖智造装备有限公司", Industry.EQUIPMENT, "b", RESIDENT),
    ("无锡惠山云计算科技有限公司", Industry.IT, "b", RESIDENT),
    ("无锡梁溪文化创意有限公司", Industry.CREATIVE, "b", RESIDENT),
    ("无锡蠡湖新材料科技有限公司", Industry.MATERIALS, "b", RESIDENT),
    ("无锡锡东供应链管理有限公司", Industry.SERVICES, "b", APPROVED),
    ("无锡华芯半导体测试有限公司", Industry.IT, "b", APPROVED),
    ("无锡江南精工机械有限公司", Industry.EQUIPMENT, "b", UNDER_REVIEW),
    ("无锡滨湖氢能科技有限公司", Industry.ENERGY, "b", UNDER_REVIEW),
    ("无锡宜清环保材料有限公司", Industry.MATERIALS, "b", APPLYING),
    ("无锡鸿山数字传媒有限公司", Industry.CREATIVE, "b", PROSPECT),
    ("无锡新吴人力资源服务有限公司", Industry.SERVICES, "b", REJECTED),
    ("无锡景明医学检验有限公司", Industry.BIOMED, "b", EXITED),
    ("苏州华维通信设备有限公司", Industry.IT, "a", UNDER_REVIEW),
    # Entered under the wrong industry, returned, corrected (industry → services) and resubmitted.
    ("无锡瑞宁检测技术有限公司", Industry.EQUIPMENT, "b", RESUBMITTED),
]

REGION_CODES = {"a": "320571", "b": "320214"}  # 苏州工业园区, 无锡市新吴区
ADDRESSES = {"a": "苏州工业园区星湖街{n}号{b}幢", "b": "无锡市新吴区菱湖大道{n}号{b}号楼"}

# 营业执照信息 (issue 13). Drawn from a generator of their own, seeded by the enterprise's name,
# not from the demo's shared one: adding them changed no other value of the demo park. Every
# demo name is a "有限公司", so the types are kinds of 有限责任公司 (a 股份有限公司 must be named
# so).
COMPANY_TYPES = [
    ("有限责任公司（自然人投资或控股）", 6),
    ("有限责任公司（法人独资）", 2),
    ("有限责任公司（自然人独资）", 1),
    ("有限责任公司（外商投资、非独资）", 1),
]
# Where the licence registers the company: mostly an address of its own city, sometimes the
# Shanghai head office's; the unit it occupies in the park is ``ADDRESSES``.
REGISTERED_ADDRESSES = {
    "a": [
        "苏州工业园区星湖街{n}号{b}幢{r}室",
        "中国（江苏）自由贸易试验区苏州片区苏州工业园区金鸡湖大道{n}号{b}幢{r}室",
        "苏州市吴中区越溪街道吴中大道{n}号{b}幢{r}室",
        "上海市浦东新区张江路{n}号{b}幢{r}室",
    ],
    "b": [
        "无锡市新吴区菱湖大道{n}号{b}号楼{r}室",
        "无锡市滨湖区蠡湖大道{n}号{b}号楼{r}室",
        "无锡市新吴区长江路{n}号{b}号楼{r}室",
        "上海市闵行区紫星路{n}号{b}幢{r}室",
    ],
}
_NOT_LICENSED = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
BUSINESS_SCOPES = {
    Industry.IT: "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；"
    "信息系统集成服务；物联网技术服务；人工智能应用软件开发；计算机软硬件及辅助设备零售；"
    "电子产品销售；通信设备销售" + _NOT_LICENSED,
    Industry.BIOMED: "许可项目：第三类医疗器械经营；药品批发（依法须经批准的项目，经相关部门批准后"
    "方可开展经营活动，具体经营项目以审批结果为准）。一般项目：医学研究和试验发展；"
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；第一类医疗器械销售；"
    "第二类医疗器械销售；实验分析仪器销售" + _NOT_LICENSED,
    Industry.EQUIPMENT: "一般项目：通用设备制造（不含特种设备制造）；机械零件、零部件加工；"
    "机械设备研发；机械设备销售；智能控制系统集成；工业自动控制系统装置制造；货物进出口；"
    "技术进出口" + _NOT_LICENSED,
    Industry.MATERIALS: "一般项目：新材料技术研发；电子专用材料制造；电子专用材料销售；"
    "化工产品销售（不含许可类化工产品）；技术服务、技术开发、技术咨询、技术交流、技术转让、"
    "技术推广" + _NOT_LICENSED,
    Industry.ENERGY: "一般项目：储能技术服务；新兴能源技术研发；电池制造；电池销售；"
    "光伏设备及元器件制造；光伏设备及元器件销售；合同能源管理；充电桩销售" + _NOT_LICENSED,
    Industry.SERVICES: "一般项目：企业管理咨询；信息咨询服务（不含许可类信息咨询服务）；"
    "供应链管理服务；人力资源服务（不含职业中介活动、劳务派遣服务）；会议及展览服务；"
    "市场营销策划" + _NOT_LICENSED,
    Industry.CREATIVE: "一般项目：组织文化艺术交流活动；数字内容制作服务（不含出版发行）；"
    "广告设计、代理；广告制作；摄像及视频制作服务；会议及展览服务" + _NOT_LICENSED,
}
# Testing laboratories say so on their licence, whatever industry they were first entered under.
_TESTING = (
    "许可项目：检验检测服务（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目"
    "以审批结果为准）。一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；"
)
SCOPES_BY_NAME = {
    "无锡瑞宁检测技术有限公司": _TESTING + "计量技术服务；标准化服务；仪器仪表销售" + _NOT_LICENSED,
    "苏州澄和生物检测技术有限公司": _TESTING
    + "生物基材料技术研发；实验分析仪器销售"
    + _NOT_LICENSED,
    "无锡景明医学检验有限公司": "许可项目：医疗服务（依法须经批准的项目，经相关部门批准后方可开展"
    "经营活动，具体经营项目以审批结果为准）。一般项目：医学研究和试验发展；第一类医疗器械销售；"
    "健康咨询服务（不含诊疗服务）" + _NOT_LICENSED,
}

GRADES = [
    EnterpriseGrade.KEY,
    EnterpriseGrade.A,
    EnterpriseGrade.A,
    EnterpriseGrade.B,
    EnterpriseGrade.B,
    EnterpriseGrade.C,
]

PORTAL_ENTERPRISE = "苏州纳微光电科技有限公司"


def credit_code(rng: random.Random, region: str) -> str:
    """A valid 统一社会信用代码: 9 (工商) 1 (企业) + region + organisation code (8 digits and its
    GB 11714 check character) + the GB 32100 check character from python-stdnum."""
    org = "".join(rng.choices("0123456789", k=8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(check, str(check))
    body = "91" + region + org
    code = body + uscc.calc_check_digit(body)
    assert uscc.is_valid(code), code
    return code


def licence_facts(name: str, industry: str, park_key: str) -> dict:
    """类型, 成立日期, 住所 and 经营范围 of a demo enterprise, the same for the same name."""
    rng = random.Random(f"licence:{name}")
    types, weights = zip(*COMPANY_TYPES, strict=True)
    address = rng.choice(REGISTERED_ADDRESSES[park_key])
    return {
        "company_type": rng.choices(types, weights)[0],
        "established_on": clock.today() - datetime.timedelta(days=rng.randint(700, 6000)),
        "registered_address": address.format(
            n=rng.randint(1, 999), b=rng.randint(1, 20), r=rng.choice([2, 3, 5, 6, 8, 11]) * 100 + 1
        ),
        "business_scope": SCOPES_BY_NAME.get(name, BUSINESS_SCOPES[industry]),
    }


# -- enterprises (R-ENT-1 … R-ENT-4) -------------------------------------------------------
def build_enterprises(ctx):
    hooks = registry.declared("demo", "ENTERPRISE_HOOKS")
    created = []
    for index, (name, industry, park_key, plan) in enumerate(ENTERPRISES):
        manager = ctx.users[f"biz_{park_key}"]
        contact = person_name(ctx.rng)
        enterprise = enterprise_services.enterprise_create(
            actor=manager,
            park=ctx.units[f"park_{park_key}"],
            name=name,
            credit_code=credit_code(ctx.rng, REGION_CODES[park_key]),
            legal_representative=person_name(ctx.rng),
            registered_capital=Decimal(ctx.rng.choice([100, 200, 300, 500, 800, 1000, 2000, 5000])),
            industry=industry,
            grade=ctx.rng.choice(GRADES),
            contact_name=contact,
            contact_phone=mobile(ctx.rng),
            contact_email=f"service{index + 1:02d}@{'suzhou' if park_key == 'a' else 'wuxi'}-corp.example",
            address=ADDRESSES[park_key].format(n=ctx.rng.randint(1, 399), b=ctx.rng.randint(1, 12)),
            account_manager=manager,
            **licence_facts(name, industry, park_key),
        )
        for hook in hooks:  # intake admits it (or not) as its plan says
            enterprise = hook(ctx, enterprise, plan=plan, manager=manager, index=index)
        _live_in(enterprise, plan, manager)
        created.append(enterprise)
    return created


def _live_in(enterprise, plan, manager):
    """An admitted enterprise whose plan goes further moves in, and perhaps out again."""
    if plan not in (RESIDENT, EXITING, EXITED):
        return
    enterprise.refresh_from_db(fields=["status"])
    if enterprise.status != EnterpriseStatus.APPROVED:
        return  # not admitted (no intake installed): it stays where it is
    enterprise = enterprise_services.enterprise_transition(
        actor=manager, enterprise=enterprise, action="move_in", reason="签约并办理入驻"
    )
    if plan == RESIDENT:
        return
    enterprise = enterprise_services.enterprise_transition(
        actor=manager,
        enterprise=enterprise,
        action="start_exit",
        reason="企业扩产搬迁，申请退出园区",
    )
    if plan == EXITED:
        enterprise_services.enterprise_transition(
            actor=manager,
            enterprise=enterprise,
            action="complete_exit",
            reason="退出清单已全部完成",
        )


def build_portal(ctx):
    enterprise = Enterprise.objects.get(name=PORTAL_ENTERPRISE)
    assert enterprise.status == EnterpriseStatus.RESIDENT
    user = ctx.users["ent_a"]
    account = PortalAccount.objects.create(user=user, enterprise=enterprise)
    audit.record(
        ctx.users["admin"],
        "portal_account.create",
        account,
        after={"user": account.user_id, "enterprise": enterprise.pk},
    )


def _enterprises(ctx):
    created = build_enterprises(ctx)
    ctx.counts["enterprises"] = len(created)
    ctx.out(f"企业 / enterprises: {len(created)}")


# The steps share the demo's random generator with org's and intake's, so they keep this order
# (the people first, the contacts last) and the same seed gives the same park. Intake's steps
# place themselves around these (its brands before the register, the rest after the portal).
DEMO_STEPS = [
    DemoStep(
        "enterprises.register", _enterprises, after=("org.authority",), before=("org.contacts",)
    ),
    DemoStep(
        "enterprises.portal",
        build_portal,
        after=("enterprises.register",),
        before=("org.contacts",),
    ),
]
