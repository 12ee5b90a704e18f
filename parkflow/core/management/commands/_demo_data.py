"""The demo park (R-PLT-6): organisation, one account per role, 30 enterprises, contacts, alerts.

Everything that has a service is built through it, so the audit chain, the reviews and the alerts
are the real ones. The few rows without a service yet (users, the first administrator's role,
portal accounts, the authority matrix) are created here and audited by hand.

Deterministic: the same seed gives the same names, credit codes and statuses.
(The module name starts with "_" so Django does not take it for a command.)
"""

import datetime
import random
import unicodedata
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from stdnum.cn import uscc

from parkflow.core import audit, clock, gates, rules
from parkflow.core.choices import ReviewDecision
from parkflow.enterprises import services as enterprise_services
from parkflow.enterprises.choices import DocumentType, EnterpriseGrade, EnterpriseStatus, Industry
from parkflow.enterprises.gates import ADMISSION
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.org import services as org_services
from parkflow.org.choices import AuthorityKind, ComplianceKind, DepartmentKind, Role, UnitKind
from parkflow.org.models import AuthorityLimit, EmergencyContact, OrgUnit, RoleAssignment, User

DEMO_GROUP_CODE = "demo-group"
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - published demo password, printed by make run
SEED = 2026

# (username, display name, role or None for the portal user, unit key, description)
DEMO_ACCOUNTS = [
    ("admin", "周敏", Role.SYSTEM_ADMIN, "company", "系统管理员（超级用户，可进入 /admin/）"),
    ("principal", "陈建国", Role.PRINCIPAL, "company", "主要负责人（领导小组组长）"),
    ("deputy", "刘海波", Role.DEPUTY, "company", "分管领导"),
    (
        "member",
        "孙丽华",
        Role.GROUP_MEMBER,
        "company",
        "领导小组成员（管理层培训已过期，演示失效）",
    ),
    ("office", "吴静", Role.OFFICE_STAFF, "lead", "专项管理办公室"),
    ("lead", "郑磊", Role.LEAD_STAFF, "lead", "牵头部门人员"),
    ("risk", "冯晓", Role.RISK_OFFICER, "risk", "风控专员"),
    ("legal", "何雪", Role.LEGAL_OFFICER, "legal", "法务专员"),
    ("biz_a", "王磊", Role.BUSINESS_STAFF, "biz_a", "业务人员（苏州工业园A区）"),
    ("biz_b", "李娜", Role.BUSINESS_STAFF, "biz_b", "业务人员（无锡科创园B区）"),
    ("finance", "钱芳", Role.FINANCE_STAFF, "finance", "财务人员"),
    ("auditor", "许诺", Role.AUDITOR, "company", "审计（只读，可查看审计链）"),
    ("ent_a", "林涛", None, None, "企业门户用户（苏州纳微光电科技有限公司）"),
]
LAPSED_USERNAME = "member"

# (name, industry, park key). Fictional names, so no protected brand is matched (R-ENT-6).
ENTERPRISES = [
    ("苏州纳微光电科技有限公司", Industry.IT, "a"),
    ("苏州博恒医药科技有限公司", Industry.BIOMED, "a"),
    ("苏州汇锦精密机械有限公司", Industry.EQUIPMENT, "a"),
    ("苏州晶澜新材料科技有限公司", Industry.MATERIALS, "a"),
    ("苏州启航储能技术有限公司", Industry.ENERGY, "a"),
    ("苏州声启智能语音科技有限公司", Industry.IT, "a"),
    ("苏州澄和生物检测技术有限公司", Industry.BIOMED, "a"),
    ("苏州金湖企业管理咨询有限公司", Industry.SERVICES, "a"),
    ("苏州数途信息服务有限公司", Industry.IT, "a"),
    ("苏州桐泾文化传媒有限公司", Industry.CREATIVE, "a"),
    ("苏州准衡视觉测控有限公司", Industry.EQUIPMENT, "a"),
    ("苏州瑞禾电子化学品有限公司", Industry.MATERIALS, "a"),
    ("苏州云栖物联网科技有限公司", Industry.IT, "a"),
    ("苏州东渚精密制造有限公司", Industry.EQUIPMENT, "a"),
    ("苏州禾盛医疗器械有限公司", Industry.BIOMED, "a"),
    ("无锡芯源微电子有限公司", Industry.IT, "b"),
    ("无锡康澜生物医药有限公司", Industry.BIOMED, "b"),
    ("无锡晶能光伏科技有限公司", Industry.ENERGY, "b"),
    ("无锡太湖智造装备有限公司", Industry.EQUIPMENT, "b"),
    ("无锡惠山云计算科技有限公司", Industry.IT, "b"),
    ("无锡梁溪文化创意有限公司", Industry.CREATIVE, "b"),
    ("无锡蠡湖新材料科技有限公司", Industry.MATERIALS, "b"),
    ("无锡锡东供应链管理有限公司", Industry.SERVICES, "b"),
    ("无锡华芯半导体测试有限公司", Industry.IT, "b"),
    ("无锡江南精工机械有限公司", Industry.EQUIPMENT, "b"),
    ("无锡滨湖氢能科技有限公司", Industry.ENERGY, "b"),
    ("无锡宜清环保材料有限公司", Industry.MATERIALS, "b"),
    ("无锡鸿山数字传媒有限公司", Industry.CREATIVE, "b"),
    ("无锡新吴人力资源服务有限公司", Industry.SERVICES, "b"),
    ("无锡景明医学检验有限公司", Industry.BIOMED, "b"),
]
# Status of the i-th enterprise of each park (15 per park): every stage of R-ENT-1 is present.
PARK_STATUS_PLAN = [
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.APPROVED,
    EnterpriseStatus.APPROVED,
    EnterpriseStatus.UNDER_REVIEW,
    EnterpriseStatus.UNDER_REVIEW,
    EnterpriseStatus.APPLYING,
    EnterpriseStatus.PROSPECT,
    EnterpriseStatus.REJECTED,
    "exit",  # park A: exiting, park B: exited
]
REGION_CODES = {"a": "320571", "b": "320214"}  # 苏州工业园区, 无锡市新吴区
ADDRESSES = {"a": "苏州工业园区星湖街{n}号{b}幢", "b": "无锡市新吴区菱湖大道{n}号{b}号楼"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "志强",
    "建华",
    "海燕",
    "晓东",
    "丽娟",
    "文博",
    "子涵",
    "宇航",
]
GRADES = [
    EnterpriseGrade.KEY,
    EnterpriseGrade.A,
    EnterpriseGrade.A,
    EnterpriseGrade.B,
    EnterpriseGrade.B,
    EnterpriseGrade.C,
]

AUTHORITY_MATRIX = [
    # role, kind, limit, approver beyond it
    (Role.BUSINESS_STAFF, AuthorityKind.DISCOUNT_PERCENT, "5", Role.DEPUTY),
    (Role.BUSINESS_STAFF, AuthorityKind.FREE_SERVICE_DAYS, "7", Role.DEPUTY),
    (Role.BUSINESS_STAFF, AuthorityKind.SERVICE_HOURS, "8", Role.DEPUTY),
    (Role.BUSINESS_STAFF, AuthorityKind.AMOUNT, "5000", Role.DEPUTY),
    (Role.LEAD_STAFF, AuthorityKind.DISCOUNT_PERCENT, "10", Role.DEPUTY),
    (Role.LEAD_STAFF, AuthorityKind.AMOUNT, "20000", Role.DEPUTY),
    (Role.DEPUTY, AuthorityKind.DISCOUNT_PERCENT, "20", Role.PRINCIPAL),
    (Role.DEPUTY, AuthorityKind.FREE_SERVICE_DAYS, "30", Role.PRINCIPAL),
    (Role.DEPUTY, AuthorityKind.AMOUNT, "200000", Role.PRINCIPAL),
    (Role.PRINCIPAL, AuthorityKind.AMOUNT, "1000000", Role.GROUP_MEMBER),
]

STALE_CONTACT_AGE_DAYS = 120
# This resident's licence runs out in three weeks, so the licence-expiry rule shows (R-ENT-2).
EXPIRING_LICENCE_ENTERPRISE = "苏州汇锦精密机械有限公司"
EXPIRING_LICENCE_DAYS = 21


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


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng: random.Random) -> str:
    return rng.choice(["139", "138", "137", "186", "158", "151", "181"]) + "".join(
        rng.choices("0123456789", k=8)
    )


def licence_pdf(enterprise, valid_from, valid_until) -> bytes:
    """A one-page 营业执照 (demo) as a real PDF, Chinese text in ReportLab's built-in CID font."""
    import io

    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(f"营业执照 {enterprise.name}")
    pdf.setFont("STSong-Light", 22)
    pdf.drawCentredString(width / 2, height - 60, "营 业 执 照（演示）")
    pdf.setFont("STSong-Light", 11)
    lines = [
        f"统一社会信用代码：{enterprise.credit_code}",
        f"名称：{enterprise.name}",
        f"法定代表人：{enterprise.legal_representative}",
        f"注册资本：{enterprise.registered_capital} 万元",
        f"营业期限：{valid_from:%Y年%m月%d日} 至 {valid_until:%Y年%m月%d日}",
        "本文件由 ParkFlow 演示数据生成，不是真实证照。",
    ]
    for i, line in enumerate(lines):
        pdf.drawString(50, height - 110 - i * 24, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def is_loaded() -> bool:
    return OrgUnit.objects.filter(code=DEMO_GROUP_CODE).exists()


def _pad(text: str, width: int) -> str:
    """Left-justify to a terminal width, counting CJK characters as two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def accounts_table() -> str:
    lines = [f"演示账号 / Demo accounts — 密码 password: {DEMO_PASSWORD}"]
    lines.append(f"  {_pad('用户名', 11)}{_pad('姓名', 8)}角色 / 说明")
    for username, display, _role, _unit, description in DEMO_ACCOUNTS:
        lines.append(f"  {_pad(username, 11)}{_pad(display, 8)}{description}")
    return "\n".join(lines)


class DemoBuilder:
    def __init__(self, *, out=None, seed: int = SEED):
        self.rng = random.Random(seed)
        self.out = out or (lambda msg: None)
        self.units: dict[str, OrgUnit] = {}
        self.users: dict[str, User] = {}

    # -- organisation (R-ORG-1) ----------------------------------------------------------------
    def build_org(self):
        def unit(key, name, code, kind, parent=None, park_key=None, **extra):
            obj = OrgUnit.objects.create(
                name=name,
                code=code,
                kind=kind,
                parent=self.units.get(parent),
                park=self.units.get(park_key),
                sort_order=len(self.units),
                **extra,
            )
            self.units[key] = obj
            return obj

        unit("group", "苏湖园区发展集团", DEMO_GROUP_CODE, UnitKind.GROUP)
        unit("company", "苏湖产业园运营管理有限公司", "demo-company", UnitKind.COMPANY, "group")
        dept = UnitKind.DEPARTMENT
        unit(
            "lead",
            "综合管理部（牵头部门）",
            "demo-lead",
            dept,
            "company",
            department_kind=DepartmentKind.LEAD,
            hosts_special_office=True,
        )
        unit("risk", "风控部", "demo-risk", dept, "company", department_kind=DepartmentKind.RISK)
        unit("legal", "法务部", "demo-legal", dept, "company", department_kind=DepartmentKind.LEGAL)
        unit(
            "finance",
            "财务部",
            "demo-finance",
            dept,
            "company",
            department_kind=DepartmentKind.FINANCE,
        )
        for key, name in (("a", "苏州工业园A区"), ("b", "无锡科创园B区")):
            park = unit(f"park_{key}", name, f"demo-park-{key}", UnitKind.PARK, "company")
            park.park = park
            park.save(update_fields=["park"])
            unit(
                f"biz_{key}",
                f"{name}招商服务部",
                f"demo-biz-{key}",
                dept,
                f"park_{key}",
                f"park_{key}",
                department_kind=DepartmentKind.BUSINESS,
            )
        audit.record(
            None,
            "demo.org_create",
            self.units["group"],
            after={"units": sorted(u.code for u in self.units.values())},
        )

    # -- people and roles (R-ORG-2, R-ORG-5) ---------------------------------------------------
    def build_people(self):
        company = self.units["company"]
        # One hash for the shared password: PBKDF2 is slow on purpose, 13 times is noticeable.
        password = make_password(DEMO_PASSWORD)
        for username, display, role, _unit, _desc in DEMO_ACCOUNTS:
            is_admin = username == "admin"
            user = User.objects.create(
                username=username,
                password=password,
                email=f"{username}@park.example",
                display_name=display,
                phone=mobile(self.rng),
                employee_no="" if role is None else f"SH{len(self.users) + 1:04d}",
                hired_on=None if role is None else datetime.date(2023, 3, 1),
                is_staff=is_admin,
                is_superuser=is_admin,
            )
            self.users[username] = user
        admin = self.users["admin"]
        audit.record(None, "user.create", admin, after={"username": "admin", "is_superuser": True})
        # The first administrator's role has no administrator to grant it: the system does.
        RoleAssignment.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=company)
        audit.record(
            None, "role.assign", admin, after={"role": Role.SYSTEM_ADMIN, "unit": company.pk}
        )
        for username, _display, role, unit_key, _desc in DEMO_ACCOUNTS:
            user = self.users[username]
            if username == "admin":
                continue
            audit.record(admin, "user.create", user, after={"username": username})
            if role is not None:
                org_services.role_assign(
                    actor=admin, person=user, role=role, unit=self.units[unit_key]
                )

        # Compliance status: current for everyone; one leader's semi-annual training has lapsed.
        office = self.users["office"]
        today = clock.today()
        for username, _display, role, _unit, _desc in DEMO_ACCOUNTS:
            if role is None:
                continue
            user = self.users[username]
            recorder = admin if user == office else office
            done = today - datetime.timedelta(days=self.rng.randint(20, 90))
            for kind in (ComplianceKind.COMMITMENT, ComplianceKind.ONBOARDING):
                org_services.compliance_record_add(
                    actor=recorder, person=user, kind=kind, completed_on=done
                )
            if role in (Role.PRINCIPAL, Role.DEPUTY, Role.GROUP_MEMBER):
                trained = today - datetime.timedelta(
                    days=220 if username == LAPSED_USERNAME else 45
                )
                org_services.compliance_record_add(
                    actor=recorder,
                    person=user,
                    kind=ComplianceKind.MANAGER_TRAINING,
                    completed_on=trained,
                    note="上半年管理层合规履职培训"
                    if username != LAPSED_USERNAME
                    else "已超过半年未复训",
                )

    # -- authority matrix (R-ORG-7) ------------------------------------------------------------
    def build_authority(self):
        admin = self.users["admin"]
        for role, kind, limit, approver in AUTHORITY_MATRIX:
            row = AuthorityLimit.objects.create(
                role=role, kind=kind, limit=Decimal(limit), approver_role=approver
            )
            audit.record(admin, "authority_limit.create", row, after=audit.snapshot(row))

    # -- enterprises (R-ENT-1, R-ENT-3, R-ENT-4) ----------------------------------------------
    def build_enterprises(self):
        per_park_index = {"a": 0, "b": 0}
        created = []
        for name, industry, park_key in ENTERPRISES:
            index = per_park_index[park_key]
            per_park_index[park_key] += 1
            plan = PARK_STATUS_PLAN[index]
            if plan == "exit":
                plan = EnterpriseStatus.EXITING if park_key == "a" else EnterpriseStatus.EXITED
            manager = self.users[f"biz_{park_key}"]
            contact = person_name(self.rng)
            enterprise = enterprise_services.enterprise_create(
                actor=manager,
                park=self.units[f"park_{park_key}"],
                name=name,
                credit_code=credit_code(self.rng, REGION_CODES[park_key]),
                legal_representative=person_name(self.rng),
                registered_capital=Decimal(
                    self.rng.choice([100, 200, 300, 500, 800, 1000, 2000, 5000])
                ),
                industry=industry,
                grade=self.rng.choice(GRADES),
                contact_name=contact,
                contact_phone=mobile(self.rng),
                contact_email=f"service{len(created) + 1:02d}@{'suzhou' if park_key == 'a' else 'wuxi'}-corp.example",
                address=ADDRESSES[park_key].format(
                    n=self.rng.randint(1, 399), b=self.rng.randint(1, 12)
                ),
                account_manager=manager,
            )
            self._advance(enterprise, plan, manager, len(created))
            created.append(enterprise)
        # A declared conflict of interest (R-ENT-4): the lead-department reviewer steps aside.
        pending = Enterprise.objects.filter(
            status=EnterpriseStatus.UNDER_REVIEW, park=self.units["park_b"]
        ).first()
        if pending is not None:
            enterprise_services.conflict_declare(
                actor=self.users["lead"],
                enterprise=pending,
                reason="本人配偶在该企业担任财务负责人。",
            )
        return created

    def _upload_licence(self, enterprise, manager):
        today = clock.today()
        valid_from = today - datetime.timedelta(days=self.rng.randint(400, 3000))
        if enterprise.name == EXPIRING_LICENCE_ENTERPRISE:
            valid_until = today + datetime.timedelta(days=EXPIRING_LICENCE_DAYS)
        else:
            valid_until = (
                datetime.date(2099, 12, 31)
                if self.rng.random() < 0.5
                else today + relativedelta(years=10)
            )
        upload = SimpleUploadedFile(
            "营业执照.pdf",
            licence_pdf(enterprise, valid_from, valid_until),
            content_type="application/pdf",
        )
        enterprise_services.document_upload(
            actor=manager,
            enterprise=enterprise,
            doc_type=DocumentType.BUSINESS_LICENCE,
            upload=upload,
            valid_from=valid_from,
            valid_until=valid_until,
            note="企业提供的营业执照扫描件",
        )

    def _decide(self, enterprise, decision: str, opinion: str):
        """Every reviewer drawn for the current round decides (R-ENT-3: all must approve)."""
        for review in gates.latest_round(enterprise, ADMISSION):
            if review.is_pending:
                gates.review_decide(
                    actor=review.assigned_to, review=review, decision=decision, opinion=opinion
                )
                if decision != ReviewDecision.APPROVE:
                    return

    def _advance(self, enterprise, plan, manager, index):
        S = EnterpriseStatus
        if plan == S.PROSPECT:
            return
        self._upload_licence(enterprise, manager)
        enterprise = enterprise_services.enterprise_apply(
            actor=manager, enterprise=enterprise, reason="企业提交入驻申请"
        )
        if plan == S.APPLYING:
            return
        # A fixed seed per enterprise keeps the random draw of reviewers (双随机) reproducible.
        enterprise = enterprise_services.enterprise_submit_for_review(
            actor=manager, enterprise=enterprise, seed=f"demo-{SEED}-{index}"
        )
        if plan == S.UNDER_REVIEW:
            return
        if plan == S.REJECTED:
            self._decide(
                enterprise,
                ReviewDecision.REJECT,
                "营业执照经营范围与申请入驻业务不符，且未提供近两年财务报表，资质审核不通过。",
            )
            return
        # When the last drawn reviewer approves, the gate's hook admits the enterprise.
        self._decide(
            enterprise, ReviewDecision.APPROVE, "营业执照有效，经营范围符合园区产业定位，同意入驻。"
        )
        if plan == S.APPROVED:
            return
        enterprise = enterprise_services.enterprise_transition(
            actor=manager, enterprise=enterprise, action="move_in", reason="签约并办理入驻"
        )
        if plan == S.RESIDENT:
            return
        enterprise = enterprise_services.enterprise_transition(
            actor=manager,
            enterprise=enterprise,
            action="start_exit",
            reason="企业扩产搬迁，申请退出园区",
        )
        if plan == S.EXITED:
            enterprise_services.enterprise_transition(
                actor=manager,
                enterprise=enterprise,
                action="complete_exit",
                reason="退出清单已全部完成",
            )

    def build_portal(self):
        enterprise = Enterprise.objects.get(name="苏州纳微光电科技有限公司")
        assert enterprise.status == EnterpriseStatus.RESIDENT
        account = PortalAccount.objects.create(user=self.users["ent_a"], enterprise=enterprise)
        audit.record(
            self.users["admin"],
            "portal_account.create",
            account,
            after={"user": account.user_id, "enterprise": enterprise.pk},
        )

    # -- emergency contacts (R-ORG-6) ----------------------------------------------------------
    def build_contacts(self):
        office = self.users["office"]
        rows = [
            ("park_a", "张卫东", "园区值班经理"),
            ("biz_a", "王晓芳", "招商服务部经理"),
            ("park_b", "李强", "园区安全主管"),
            ("biz_b", "赵敏", "招商服务部经理"),
        ]
        contacts = {}
        for unit_key, name, title in rows:
            contacts[unit_key] = org_services.emergency_contact_create(
                actor=office,
                unit=self.units[unit_key],
                name=name,
                phone=mobile(self.rng),
                title=title,
            )
        # Demo data only: the contact of park A's business department was last confirmed 120 days
        # ago, so the stale-contact rule has something to find. There is no service that confirms
        # a contact in the past, so the timestamp is moved with a queryset update before the sweep.
        stale = contacts["biz_a"]
        EmergencyContact.objects.filter(pk=stale.pk).update(
            confirmed_at=clock.now() - datetime.timedelta(days=STALE_CONTACT_AGE_DAYS)
        )
        audit.record(
            None,
            "demo.backdate_contact",
            stale,
            after={"confirmed_days_ago": STALE_CONTACT_AGE_DAYS},
            reason="演示数据：模拟超期未确认的应急联系人",
        )

    @transaction.atomic
    def build(self) -> dict:
        self.build_org()
        self.out(f"组织架构 / organisation: {len(self.units)} units")
        self.build_people()
        self.out(f"账号 / accounts: {len(self.users)}")
        self.build_authority()
        created = self.build_enterprises()
        self.out(f"企业 / enterprises: {len(created)}")
        self.build_portal()
        self.build_contacts()
        results = rules.sweep_all()
        opened = sum(o for o, _r in results.values())
        self.out(f"规则巡检 / rule sweep: {opened} alerts opened")
        return {
            "units": len(self.units),
            "users": len(self.users),
            "enterprises": len(created),
            "alerts": opened,
        }
