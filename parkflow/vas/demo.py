"""The demo parks' value-added services (R-VAS-1 … R-VAS-3): a ``seed_demo`` part, built through
the services, so the lead time, the enterprise's confirmation, billing and the quality rule are
the real ones. As the two parks would show it:

* a catalogue of eight services in each park (工商代办, 财税代理, 知识产权申报, 人才招聘, 会议室茶歇,
  广告位, 保洁深度清洁, 政策申报辅导), priced two months ago; 会议室茶歇 repriced a month ago (the
  orders before and after carry their own snapshot), and a price change of park A's 保洁深度清洁
  published three days ago that takes effect in a week — the portal announces it now;
* 30 orders in every state: placed in the portal or entered by staff and confirmed by the
  enterprise, three staff-entered orders waiting for the enterprise's confirmation (one of them
  for the portal user ``ent_a``, 苏州纳微光电科技有限公司, to confirm or decline), confirmed, being
  delivered, completed and billed by finance, two completed orders finance has still to bill,
  completed orders the enterprise has not rated (one of ``ent_a``'s: 待评价), one declined by the
  enterprise and cancelled ones;
* ratings: most services rated 4–5, park A's 保洁深度清洁 rated 1–3 — the quality rule flags it
  after the demo's sweep.

Each step runs *at* its moment (``core.clock.now`` moved for the call, as the service desk's demo
does), so prices are published before they take effect and the audit trail carries the story's
times. The enterprises other than ``ent_a``'s get a portal account each (no password: nobody
signs in with it) so that each confirms its own orders, as only an enterprise may."""

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from parkflow.core import audit, clock
from parkflow.core.models import Alert
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.org.models import User

from . import services
from .choices import OrderStatus
from .models import VasOrder, VasPrice, VasService

# (name, category, unit, park A price, park B price, description)
CATALOGUE = [
    ("工商代办", "agency", "项", "800.00", "750.00", "营业执照变更、年报公示、地址迁移等工商事项全程代办。"),
    ("财税代理", "finance_tax", "月", "1200.00", "1100.00", "代理记账、月度纳税申报、年度汇算清缴。"),
    ("知识产权申报", "ip", "件", "2500.00", "2400.00", "发明、实用新型专利及商标申报代理，含检索与答复。"),
    ("人才招聘", "hr", "次", "3000.00", "2800.00", "园区专场招聘会展位及简历初筛，每次一场。"),
    ("会议室茶歇", "meeting", "人", "35.00", "32.00", "会议茶歇：咖啡、茶饮、时令水果和点心，按人计。"),
    ("广告位", "promotion", "月", "2000.00", "1800.00", "园区主干道灯杆旗及大堂电子屏广告位，按月计。"),
    ("保洁深度清洁", "facility", "次", "800.00", "760.00", "办公区地毯清洗、玻璃清洁、空调滤网清洗。"),
    ("政策申报辅导", "policy", "次", "1500.00", "1500.00", "高新技术企业、专精特新等政策申报一对一辅导。"),
]  # fmt: skip

# Enterprises of the story (enterprises.demo's register), by park.
ENTERPRISES = {
    "nawei": PORTAL_ENTERPRISE,
    "boheng": "苏州博恒医药科技有限公司",
    "huijin": "苏州汇锦精密机械有限公司",
    "jinglan": "苏州晶澜新材料科技有限公司",
    "qihang": "苏州启航储能技术有限公司",
    "shengqi": "苏州声启智能语音科技有限公司",
    "xinyuan": "无锡芯源微电子有限公司",
    "kanglan": "无锡康澜生物医药有限公司",
    "jingneng": "无锡晶能光伏科技有限公司",
    "taihu": "无锡太湖智造装备有限公司",
    "huishan": "无锡惠山云计算科技有限公司",
    "lihu": "无锡蠡湖新材料科技有限公司",
}
POORLY_RATED = "保洁深度清洁"

# (enterprise, service, channel, quantity, days ago it was placed, how far it went, rating,
# comment). "to" is the last step: placed, declined, cancelled, confirmed, started, completed
# (delivered, not billed yet), billed; a rating rates a billed order.
P, S = "portal", "staff"
ORDERS = [
    # 待企业确认: staff entered them after a call; the enterprise has not answered yet.
    ("nawei", "政策申报辅导", S, "1", 2, "placed", None, ""),
    ("boheng", "知识产权申报", S, "2", 3, "placed", None, ""),
    ("taihu", "人才招聘", S, "1", 1, "placed", None, ""),
    # declined and cancelled
    ("qihang", "广告位", S, "3", 12, "declined", None, "暂无宣传预算"),
    ("huishan", "财税代理", S, "6", 9, "cancelled", None, "企业改由集团财务统一处理"),
    ("jinglan", "会议室茶歇", P, "40", 8, "cancelled", None, "会议延期"),
    # 已确认待服务
    ("nawei", "会议室茶歇", P, "25", 3, "confirmed", None, ""),
    ("huijin", "工商代办", S, "1", 4, "confirmed", None, ""),
    ("kanglan", "政策申报辅导", P, "1", 2, "confirmed", None, ""),
    ("lihu", "保洁深度清洁", S, "2", 3, "confirmed", None, ""),
    # 服务中
    ("nawei", "财税代理", P, "12", 6, "started", None, ""),
    ("shengqi", "知识产权申报", P, "3", 10, "started", None, ""),
    ("xinyuan", "广告位", S, "2", 7, "started", None, ""),
    ("taihu", "工商代办", P, "1", 5, "started", None, ""),
    # 已完成, finance still to bill
    ("boheng", "人才招聘", P, "1", 6, "completed", None, ""),
    ("huishan", "会议室茶歇", S, "30", 5, "completed", None, ""),
    # 已完成并计费, the enterprise not rated yet (待评价)
    ("nawei", "保洁深度清洁", P, "1", 9, "billed", None, ""),
    ("kanglan", "工商代办", S, "1", 14, "billed", None, ""),
    # rated: most services well, park A's 保洁深度清洁 poorly
    ("huijin", "保洁深度清洁", P, "2", 40, "billed", 2, "地毯清洗后仍有污渍，返工一次。"),
    ("jinglan", "保洁深度清洁", S, "1", 33, "billed", 3, "玻璃清洁一般，预约时间一再推迟。"),
    ("qihang", "保洁深度清洁", P, "1", 26, "billed", 2, "空调滤网未清洗，与约定不符。"),
    ("shengqi", "保洁深度清洁", P, "3", 19, "billed", 3, ""),
    ("boheng", "保洁深度清洁", P, "1", 13, "billed", 1, "保洁人员迟到两小时，清洁不彻底。"),
    ("nawei", "工商代办", P, "1", 30, "billed", 5, "办理迅速，省心。"),
    ("nawei", "会议室茶歇", S, "20", 36, "billed", 4, ""),
    ("huijin", "财税代理", P, "3", 28, "billed", 5, ""),
    ("xinyuan", "知识产权申报", P, "2", 35, "billed", 4, "答复审查意见很专业。"),
    ("jingneng", "会议室茶歇", P, "50", 24, "billed", 5, ""),
    ("kanglan", "人才招聘", S, "1", 31, "billed", 4, ""),
    ("xinyuan", "政策申报辅导", P, "1", 20, "billed", 5, "辅导细致，材料一次通过。"),
]

STEP_ORDER = ("placed", "confirmed", "started", "completed", "billed")


@contextlib.contextmanager
def _at(moment: datetime.datetime):
    """Run what follows at ``moment`` (in the past): ``clock.now`` moves there and runs on."""
    real = clock.now
    offset = moment - real()
    if offset > datetime.timedelta(0):
        raise ValueError(f"the demo's story lies in the past, not at {moment}")
    clock.now = lambda: real() + offset
    try:
        yield
    finally:
        clock.now = real


class Story:
    def __init__(self, ctx):
        self.ctx = ctx
        self.now = clock.now()
        self.users = ctx.users
        self.parks = {"a": ctx.units["park_a"], "b": ctx.units["park_b"]}
        self.e = {key: Enterprise.objects.get(name=name) for key, name in ENTERPRISES.items()}
        self.portal_users = {}

    def when(self, days: float, hour: int = 10, minute: int = 0) -> datetime.datetime:
        """``hour:minute`` local time ``days`` days ago (never in the future)."""
        local = timezone.localtime(self.now) - datetime.timedelta(days=days)
        moment = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def do(self, moment, step, **kwargs):
        with _at(moment):
            return step(**kwargs)

    def park_key(self, enterprise) -> str:
        return "a" if enterprise.park_id == self.parks["a"].pk else "b"

    def clerk(self, enterprise) -> User:
        return self.users[f"biz_{self.park_key(enterprise)}"]

    def portal_user(self, key) -> User:
        """The enterprise's portal user: ``ent_a`` for 纳微光电, else one made for the story."""
        if key == "nawei":
            return self.users["ent_a"]
        if key not in self.portal_users:
            enterprise = self.e[key]
            user = User.objects.create(
                username=f"vas_{key}",
                display_name=f"{enterprise.contact_name}（{enterprise.name[:6]}）",
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            account = PortalAccount.objects.create(user=user, enterprise=enterprise)
            audit.record(
                self.users["admin"],
                "portal_account.create",
                account,
                after={"user": user.pk, "enterprise": enterprise.pk},
            )
            self.portal_users[key] = user
        return self.portal_users[key]


def build_catalogue(ctx):
    """Eight services in each park, priced two months ago by the lead department; 会议室茶歇
    repriced a month ago; park A's 保洁深度清洁 repriced from next week (announced now)."""
    story = Story(ctx)
    lead = story.users["lead"]
    for park_key, park in story.parks.items():
        for name, category, unit, price_a, price_b, description in CATALOGUE:
            made = story.do(
                story.when(62, 9),
                services.service_create,
                actor=lead,
                park=park,
                name=name,
                category=category,
                unit=unit,
                description=description,
            )
            story.do(
                story.when(62, 9, 30),
                services.price_publish,
                actor=lead,
                service=made,
                price=Decimal(price_a if park_key == "a" else price_b),
                effective_from=story.when(52).date(),
                note="首次公示",
            )
    for park in story.parks.values():
        tea = VasService.objects.get(park=park, name="会议室茶歇")
        story.do(
            story.when(40, 14),
            services.price_publish,
            actor=lead,
            service=tea,
            price=Decimal("40.00") if park == story.parks["a"] else Decimal("36.00"),
            effective_from=story.when(30).date(),
            note="原材料及人工成本上涨",
        )
    cleaning = VasService.objects.get(park=story.parks["a"], name=POORLY_RATED)
    story.do(
        story.when(3, 11),
        services.price_publish,
        actor=story.users["office"],
        service=cleaning,
        price=Decimal("880.00"),
        effective_from=(timezone.localtime(story.now) + datetime.timedelta(days=7)).date(),
        note="增加空调滤网消毒项目",
    )
    ctx.counts["vas_services"] = VasService.objects.count()


def build_orders(ctx):
    """Thirty orders along their steps, each step at its moment."""
    story = Story(ctx)
    finance = story.users["finance"]
    for key, name, channel, quantity, days, to, rating, comment in ORDERS:
        enterprise = story.e[key]
        service = VasService.objects.get(park=enterprise.park_id, name=name)
        clerk = story.clerk(enterprise)
        user = story.portal_user(key)
        order = story.do(
            story.when(days, 9, 20),
            services.order_place,
            actor=user if channel == P else clerk,
            enterprise=enterprise,
            service=service,
            quantity=Decimal(quantity),
            note="企业来电提出需求，代为登记。" if channel == S else "",
        )
        if to == "declined":
            story.do(
                story.when(days - 1, 10),
                services.order_decline,
                actor=user,
                order=order,
                reason=comment,
            )
            continue
        if to == "cancelled":
            if channel == S:
                story.do(
                    story.when(days - 0.2, 16),
                    services.order_confirm,
                    actor=user,
                    order=order,
                )
            story.do(
                story.when(days - 1, 11),
                services.order_cancel,
                actor=clerk if channel == S else user,
                order=order,
                reason=comment,
            )
            continue
        reached = STEP_ORDER.index(to)
        if reached >= 1 and channel == S:
            order = story.do(story.when(days, 15), services.order_confirm, actor=user, order=order)
        if reached >= 2:
            order = story.do(
                story.when(days - 1, 9), services.order_start, actor=clerk, order=order
            )
        if reached >= 3:
            order = story.do(
                story.when(days - 1, 17),
                services.order_complete,
                actor=clerk,
                order=order,
                delivery_note="已按约定完成服务，企业现场确认。",
            )
        if reached >= 4:
            order = story.do(
                story.when(days - 2, 10), services.order_bill, actor=finance, order=order
            )
        if rating:
            story.do(
                story.when(days - 2, 16),
                services.order_rate,
                actor=user,
                order=order,
                rating=rating,
                comment=comment,
            )
    ctx.counts["vas_orders"] = VasOrder.objects.count()


def vas_summary() -> str:
    counts = {s: VasOrder.objects.filter(status=s).count() for s in OrderStatus.values}
    shown = " · ".join(f"{OrderStatus(s).label} {n}" for s, n in counts.items())
    flagged = Alert.objects.filter(
        rule_code="vas.poorly_rated", status__in=("open", "acknowledged")
    ).count()
    upcoming = VasPrice.objects.filter(effective_from__gt=clock.today()).count()
    return (
        f"增值服务：服务 {VasService.objects.count()} 项（待执行调价 {upcoming}）；订单 {shown}"
        f"（待评价 {VasOrder.objects.filter(status='completed', rating__isnull=True).count()}，"
        f"待计费 {VasOrder.objects.filter(status='completed', bill__isnull=True).count()}）；"
        f"质量偏低预警 {flagged}"
    )


def loaded() -> bool:
    return VasService.objects.exists()


DEMO_STEPS = [
    DemoStep(
        "vas.catalogue",
        build_catalogue,
        after=("enterprises.portal", "org.contacts"),
        loaded=loaded,
    ),
    DemoStep("vas.orders", build_orders, after=("vas.catalogue",), report=vas_summary),
]
