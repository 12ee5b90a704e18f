"""The demo park's organisation (R-PLT-6): units, one account per role, their compliance
records, the authority matrix and the emergency contacts (a ``seed_demo`` step, D-i7).

Everything that has a service is built through it; the few rows without one (users, the first
administrator's role) are created here and audited by hand. The steps share one random
generator with the other apps' demo steps (``core.registry.DemoContext``), so the same seed
gives the same names and phone numbers.
"""

import datetime
import random
import unicodedata
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from parkflow.core import audit, clock
from parkflow.core.registry import DemoStep
from parkflow.org import services as org_services
from parkflow.org.choices import AuthorityKind, ComplianceKind, DepartmentKind, Role, UnitKind
from parkflow.org.models import AuthorityLimit, EmergencyContact, OrgUnit, RoleAssignment, User

DEMO_GROUP_CODE = "demo-group"
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - published demo password, printed by make run

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
    ("lead", "郑磊", Role.LEAD_STAFF, "lead", "牵头部门人员（已申报与一家企业的利益冲突）"),
    ("risk", "冯晓", Role.RISK_OFFICER, "risk", "风控专员（一项利益冲突申报已撤回）"),
    ("legal", "何雪", Role.LEGAL_OFFICER, "legal", "法务专员"),
    ("biz_a", "王磊", Role.BUSINESS_STAFF, "biz_a", "业务人员（苏州工业园A区）"),
    (
        "head_a",
        "王晓芳",
        Role.DEPT_HEAD,
        "biz_a",
        "部门负责人（苏州工业园A区招商服务部，督办多次转办）",
    ),
    ("biz_b", "李娜", Role.BUSINESS_STAFF, "biz_b", "业务人员（无锡科创园B区）"),
    ("finance", "钱芳", Role.FINANCE_STAFF, "finance", "财务人员（已按公布标准计收一笔入驻费）"),
    ("auditor", "许诺", Role.AUDITOR, "company", "审计（只读，可查看审计链）"),
    ("ent_a", "林涛", None, None, "企业门户用户（苏州纳微光电科技有限公司）"),
]
LAPSED_USERNAME = "member"

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


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng: random.Random) -> str:
    return rng.choice(["139", "138", "137", "186", "158", "151", "181"]) + "".join(
        rng.choices("0123456789", k=8)
    )


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


# -- organisation (R-ORG-1) ------------------------------------------------------------------
def build_org(ctx):
    def unit(key, name, code, kind, parent=None, park_key=None, **extra):
        obj = OrgUnit.objects.create(
            name=name,
            code=code,
            kind=kind,
            parent=ctx.units.get(parent),
            park=ctx.units.get(park_key),
            sort_order=len(ctx.units),
            **extra,
        )
        ctx.units[key] = obj
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
        ctx.units["group"],
        after={"units": sorted(u.code for u in ctx.units.values())},
    )


# -- people and roles (R-ORG-2, R-ORG-5) ---------------------------------------------------
def build_people(ctx):
    company = ctx.units["company"]
    # One hash for the shared password: PBKDF2 is slow on purpose, 13 times is noticeable.
    password = make_password(DEMO_PASSWORD)
    for username, display, role, _unit, _desc in DEMO_ACCOUNTS:
        is_admin = username == "admin"
        user = User.objects.create(
            username=username,
            password=password,
            email=f"{username}@park.example",
            display_name=display,
            phone=mobile(ctx.rng),
            employee_no="" if role is None else f"SH{len(ctx.users) + 1:04d}",
            hired_on=None if role is None else datetime.date(2023, 3, 1),
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        ctx.users[username] = user
    admin = ctx.users["admin"]
    audit.record(None, "user.create", admin, after={"username": "admin", "is_superuser": True})
    # The first administrator's role has no administrator to grant it: the system does.
    RoleAssignment.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=company)
    audit.record(None, "role.assign", admin, after={"role": Role.SYSTEM_ADMIN, "unit": company.pk})
    for username, _display, role, unit_key, _desc in DEMO_ACCOUNTS:
        user = ctx.users[username]
        if username == "admin":
            continue
        audit.record(admin, "user.create", user, after={"username": username})
        if role is not None:
            org_services.role_assign(actor=admin, person=user, role=role, unit=ctx.units[unit_key])

    # Compliance status: current for everyone; one leader's semi-annual training has lapsed.
    office = ctx.users["office"]
    today = clock.today()
    for username, _display, role, _unit, _desc in DEMO_ACCOUNTS:
        if role is None:
            continue
        user = ctx.users[username]
        recorder = admin if user == office else office
        done = today - datetime.timedelta(days=ctx.rng.randint(20, 90))
        for kind in (ComplianceKind.COMMITMENT, ComplianceKind.ONBOARDING):
            org_services.compliance_record_add(
                actor=recorder, person=user, kind=kind, completed_on=done
            )
        if role in (Role.PRINCIPAL, Role.DEPUTY, Role.GROUP_MEMBER):
            trained = today - datetime.timedelta(days=220 if username == LAPSED_USERNAME else 45)
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
def build_authority(ctx):
    admin = ctx.users["admin"]
    for role, kind, limit, approver in AUTHORITY_MATRIX:
        row = AuthorityLimit.objects.create(
            role=role, kind=kind, limit=Decimal(limit), approver_role=approver
        )
        audit.record(admin, "authority_limit.create", row, after=audit.snapshot(row))


# -- emergency contacts (R-ORG-6) ----------------------------------------------------------
def build_contacts(ctx):
    office = ctx.users["office"]
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
            unit=ctx.units[unit_key],
            name=name,
            phone=mobile(ctx.rng),
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


def _units(ctx):
    build_org(ctx)
    ctx.out(f"组织架构 / organisation: {len(ctx.units)} units")


def _people(ctx):
    build_people(ctx)
    ctx.counts["users"] = len(ctx.users)
    ctx.out(f"账号 / accounts: {len(ctx.users)}")


DEMO_STEPS = [
    DemoStep("org.units", _units, loaded=is_loaded),
    DemoStep("org.people", _people, after=("org.units",)),
    DemoStep("org.authority", build_authority, after=("org.people",)),
    DemoStep("org.contacts", build_contacts, after=("org.people",)),
]
