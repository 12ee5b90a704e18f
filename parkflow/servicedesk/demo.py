"""The demo park's service desk (issue 11, R-SVC-1 … R-SVC-3, R-CMP-1 … R-CMP-8): a ``seed_demo``
part, built through the services, so the SLA clocks, the reviews, the audit chain, the
notifications and the alerts are the real ones. As the two parks would show it:

* 24 service requests, six in each state (待受理, 处理中, 待企业确认, 已关闭 — one of them closed
  by the daily job because the enterprise never answered), categories mixed, some past their
  response or resolution deadline; and a buck-passing chain: a request offered four times (one
  offer declined, three accepted, back to where it started), which the repeated-transfers rule
  raises to the department head (``head_a``, park A's business department, org's account);
* this month's call-backs (``callbacks_generate``), about half recorded: scores mixed, one of 1
  with its follow-up for an enterprise that did complain this month, and one of 2 for an
  enterprise with no complaint on record — the concealment pattern;
* three anomaly reports, one filed 31 hours after discovery;
* 20 complaints over every channel (portal, phone, visit, e-mail, 12345 with its ticket), five in
  each state: three left unanswered past the response deadline (one past twice the window), one
  recorded 30 hours after it was received, a chain of four 停车交通 complaints from four
  enterprises in park A within 30 days, the portal enterprise complaining three times in 30
  days (one complaint reopened by it), a downgrade waiting for a leader and one approved, an
  accountability referral, and two major complaints: one whose emergency plan was reported,
  approved by the leading group (the principal signs) and is being carried out; one whose plan
  waits for the leading group's review.

The portal user ``ent_a`` (苏州纳微光电科技有限公司) has requests and complaints to follow: one to
confirm, one it reopened, its call-back of this month to answer.

The story lies in the past, and a complaint's received and recorded times can never be set back
afterwards (the database refuses it, R-CMP-6); so unlike the other demo parts, which set dates
back after the fact, each step here runs *at* its moment: ``core.clock.now`` — the only source
of time — is moved for the call (``_at``), so the rows, the clocks and the audit events carry
the story's times. The daily jobs (auto-close) run at the real time, as the worker would today.
The rule sweep is seed_demo's own, after every step."""

import contextlib
import datetime

from django.utils import timezone

from parkflow.core import calendar, clock, reviews
from parkflow.core import gates as core_gates
from parkflow.core.models import Alert, Article
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise
from parkflow.org.models import User

from . import gates, services
from . import services_complaints as sc
from .choices import (
    CallBackStatus,
    ComplaintStatus,
    PlanStage,
    RequestStatus,
)
from .models import (
    AccountabilityReferral,
    AnomalyReport,
    CallBack,
    Complaint,
    EmergencyPlan,
    ServiceRequest,
)

# The resident enterprises the story uses (enterprises.demo's register).
ENTERPRISES = {
    "nawei": PORTAL_ENTERPRISE,
    "boheng": "苏州博恒医药科技有限公司",
    "huijin": "苏州汇锦精密机械有限公司",
    "jinglan": "苏州晶澜新材料科技有限公司",
    "qihang": "苏州启航储能技术有限公司",
    "shengqi": "苏州声启智能语音科技有限公司",
    "chenghe": "苏州澄和生物检测技术有限公司",
    "xinyuan": "无锡芯源微电子有限公司",
    "kanglan": "无锡康澜生物医药有限公司",
    "jingneng": "无锡晶能光伏科技有限公司",
    "taihu": "无锡太湖智造装备有限公司",
    "huishan": "无锡惠山云计算科技有限公司",
    "liangxi": "无锡梁溪文化创意有限公司",
    "lihu": "无锡蠡湖新材料科技有限公司",
}
# Scored 2 at this month's call-back with no complaint on record: the concealment pattern.
CONCEALMENT_ENTERPRISE = ENTERPRISES["qihang"]


# ---------------------------------------------------------------------------------------------
# Time


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
    """The demo's people, enterprises and moments: ``when(n, hour, minute)`` is ``hour:minute``
    on the n-th working day before today; ``when(minutes=m)`` is m minutes ago."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.now = clock.now()
        self.today = timezone.localdate(self.now)
        self.users = ctx.users
        self.e = {
            key: Enterprise.objects.filter(name=name).first() for key, name in ENTERPRISES.items()
        }
        self._days = {0: self.today}
        self.tickets = 0

    def day(self, n: int) -> datetime.date:
        if n not in self._days:
            self._days[n] = calendar.previous_working_day(self.day(n - 1), inclusive=False)
        return self._days[n]

    def when(self, n: int = 0, hour: int = 9, minute: int = 0, *, minutes: int | None = None):
        if minutes is not None:
            return self.now - datetime.timedelta(minutes=minutes)
        moment = datetime.datetime.combine(self.day(n), datetime.time(hour, minute))
        return timezone.make_aware(moment)

    def do(self, moment, service, **kwargs):
        with _at(moment):
            return service(**kwargs)

    def officer(self, enterprise) -> User:
        """The business officer of the enterprise's park."""
        return self.users["biz_a" if enterprise.park_id == self.ctx.units["park_a"].pk else "biz_b"]


def _decide(story, moment, gate, obj, person, opinion, decision="approve"):
    """Every open signature of the gate's latest round, as the review page does it."""
    with _at(moment):
        for review in core_gates.latest_round(obj, gate):
            if review.decision != "pending":
                continue
            if review.assigned_to_id is None:
                review = reviews.review_claim(actor=person, review=review)
            reviews.decide(actor=person, review=review, decision=decision, opinion=opinion)
    obj.refresh_from_db()
    return obj


# ---------------------------------------------------------------------------------------------
# Service requests (R-SVC-1)

# (enterprise, category, title, description, submitted, taken, resolved, confirmed (moment,
# rating, comment)); a moment is (working days ago, hour, minute) or ("min", minutes ago).
# Requests of the portal enterprise ("nawei") are submitted and confirmed by ent_a itself.
REQUESTS = [
    # 待受理
    ("nawei", "repair", "会议室投影仪无法开机", "A栋302洽谈室投影仪通电后无画面，下午有客户来访，请尽快处理。", ("min", 25), None, None, None),
    ("huijin", "consultation", "高新技术企业认定材料咨询", "今年拟申报高新技术企业，想了解研发费用归集口径和需要准备的材料清单。", (3, 10, 0), None, None, None),
    ("qihang", "repair", "卫生间水管漏水", "二楼男卫生间洗手台下水管漏水，地面积水，存在滑倒风险。", (1, 15, 20), None, None, None),
    ("kanglan", "enterprise_service", "工商变更登记代办", "公司拟变更注册资本和经营范围，希望园区代办窗口协助办理工商变更。", ("min", 110), None, None, None),
    ("liangxi", "repair", "空调外机噪声扰民", "隔壁楼空调外机夜间噪声很大，影响员工加班，请协调处理。", (4, 11, 0), None, None, None),
    ("taihu", "consultation", "人才公寓申请条件咨询", "新引进两名博士，想了解园区人才公寓的申请条件、租金标准和排队时间。", (2, 9, 30), None, None, None),
    # 处理中 (the buck-passing chain is built apart: _buck_passing)
    ("nawei", "enterprise_service", "员工居住证集体户挂靠申请", "三名新入职员工需要办理居住证，申请挂靠园区集体户。", (3, 14, 0), (3, 15, 10), None, None),
    ("jinglan", "repair", "门禁卡批量失效", "公司二十余张门禁卡同时失效，员工无法刷卡进入办公区。", (5, 9, 40), (5, 10, 30), None, None),
    ("xinyuan", "consultation", "研发费用加计扣除政策咨询", "想确认今年研发费用加计扣除比例及委托研发费用的计算方式。", (1, 10, 0), (1, 11, 0), None, None),
    ("lihu", "repair", "厂房屋面彩钢瓦松动", "二号厂房屋面彩钢瓦松动，雨天沿螺栓孔渗水。", (7, 16, 0), (6, 14, 0), None, None),
    ("huishan", "enterprise_service", "机房扩容用电申请", "数据机房扩容，需申请增加用电容量约 200 kVA。", (2, 9, 0), (2, 9, 45), None, None),
    # 待企业确认
    ("nawei", "repair", "办公室灯管闪烁", "研发部办公区三排灯管持续闪烁，影响员工视力。", (4, 9, 30), (4, 10, 0), (2, 16, 0), None),
    ("shengqi", "consultation", "知识产权贯标补贴申报咨询", "公司已通过知识产权管理体系认证，想了解补贴申报时间和材料。", (3, 10, 0), (3, 10, 30), (1, 15, 0), None),
    ("chenghe", "enterprise_service", "危废转运资质单位对接", "实验室危废需定期转运，请园区推荐有资质的转运单位。", (6, 14, 0), (6, 15, 0), (3, 11, 0), None),
    ("kanglan", "repair", "冷库门密封条老化", "冷库门密封条老化漏冷，温度波动超出药品储存要求。", (3, 9, 0), (3, 9, 40), (1, 16, 30), None),
    ("lihu", "enterprise_service", "出口退税申报辅导", "首次申报出口退税，希望园区安排专员辅导申报流程。", (5, 10, 0), (5, 10, 20), (2, 10, 0), None),
    ("taihu", "repair", "车间地面排水沟堵塞", "一号车间地面排水沟堵塞，清洗设备时污水外溢。", (2, 8, 50), (2, 9, 10), (1, 11, 0), None),
    # 已关闭 (the last closed by the daily job: the enterprise never answered)
    ("nawei", "repair", "饮水机故障", "三楼茶水间饮水机不出热水。", (25, 10, 0), (25, 10, 40), (24, 15, 0), ((23, 9, 0), 5, "维修及时，谢谢。")),
    ("nawei", "consultation", "停车月卡办理流程", "新员工想办理地下车库停车月卡，请告知流程和费用。", (19, 14, 0), (19, 14, 20), (19, 16, 0), ((18, 10, 0), 4, "")),
    ("nawei", "enterprise_service", "企业宣传片拍摄场地协调", "计划在园区公共区域拍摄企业宣传片，需协调场地和时间。", (15, 9, 0), (15, 9, 30), (13, 17, 0), ((12, 9, 30), 5, "协调很顺利。")),
    ("nawei", "repair", "会议室空调不制冷", "A栋101会议室空调不制冷，室温超过 30 度。", (12, 10, 0), (11, 9, 0), (8, 16, 0), ((7, 10, 0), 2, "拖了三天才修好，期间会议室无法使用。")),
    ("nawei", "consultation", "政策兑现进度查询", "去年申报的研发补贴目前兑现到哪一步了？", (10, 10, 0), (10, 10, 15), (9, 14, 0), ((5, 11, 0), 4, "")),
    ("xinyuan", "repair", "卫生间感应龙头失灵", "一楼卫生间两个感应水龙头失灵。", (14, 9, 0), (14, 9, 30), (10, 15, 0), None),
]  # fmt: skip


def _moment(story, spec):
    if spec[0] == "min":
        return story.when(minutes=spec[1])
    return story.when(*spec)


def build_requests(ctx):
    story = Story(ctx)
    portal_user = ctx.users["ent_a"]
    for key, category, title, description, submitted, taken, resolved, confirmed in REQUESTS:
        enterprise = story.e[key]
        officer = story.officer(enterprise)
        portal = enterprise.name == PORTAL_ENTERPRISE
        request = story.do(
            _moment(story, submitted),
            services.request_submit,
            actor=portal_user if portal else officer,
            enterprise=enterprise,
            category=category,
            title=title,
            description=description,
        )
        if taken:
            request = story.do(
                _moment(story, taken), services.request_take, actor=officer, request=request
            )
        if key == "huishan":  # the power company's fee: asked of finance, who takes it on
            _handover(story, request, officer, ctx.users["finance"], (2, 10, 30), (2, 11, 0))
        if resolved:
            story.do(
                _moment(story, resolved),
                services.request_resolve,
                actor=request.owner,
                request=request,
                resolution="已安排人员处理完毕，请确认。"
                if category == "repair"
                else "已电话及书面答复企业，相关材料已发送至企业邮箱。",
            )
        if confirmed:
            moment, rating, comment = confirmed
            story.do(
                _moment(story, moment),
                services.request_confirm,
                actor=portal_user,
                request=request,
                rating=rating,
                comment=comment,
            )
    _buck_passing(story)
    ctx.counts["service_requests"] = ServiceRequest.objects.count()


def _handover(
    story, request, giver, taker, offered, accepted, reason="涉及增容费用测算，需财务牵头"
):
    transfer = story.do(
        story.when(*offered),
        services.transfer_offer,
        actor=giver,
        request=request,
        to_person=taker,
        reason=reason,
    )
    story.do(story.when(*accepted), services.transfer_accept, actor=taker, transfer=transfer)
    request.refresh_from_db()
    return request


def _buck_passing(story):
    """推诿: a broken fume cupboard offered four times in three days — declined by finance, then
    passed from the business officer to the lead department, to the office and back."""
    users = story.users
    biz_a, finance, lead, office = users["biz_a"], users["finance"], users["lead"], users["office"]
    request = story.do(
        story.when(6, 9, 10),
        services.request_submit,
        actor=biz_a,
        enterprise=story.e["boheng"],
        category="repair",
        title="实验室通风柜排风故障",
        description="P2 实验室两台通风柜排风量不足，实验被迫暂停，企业电话报修。",
    )
    story.do(story.when(6, 9, 20), services.request_take, actor=biz_a, request=request)
    offered = story.do(
        story.when(6, 10, 0),
        services.transfer_offer,
        actor=biz_a,
        request=request,
        to_person=finance,
        reason="维修费用可能超出物业包干范围，请财务先核定费用。",
    )
    story.do(
        story.when(6, 11, 0),
        services.transfer_decline,
        actor=finance,
        transfer=offered,
        reason="维修本身不属于财务职责，费用问题维修后再结算。",
    )
    chain = [
        (biz_a, lead, (6, 14, 0), (6, 15, 0), "通风系统属园区公共设施改造项目，请牵头部门处理。"),
        (lead, office, (5, 10, 0), (5, 11, 0), "涉及多部门协调，转专项管理办公室统筹。"),
        (office, biz_a, (4, 10, 0), (4, 14, 0), "现场维修应由园区业务人员对接，退回首问人。"),
    ]
    for giver, taker, at_offer, at_accept, reason in chain:
        request = _handover(story, request, giver, taker, at_offer, at_accept, reason)
    return request


# ---------------------------------------------------------------------------------------------
# Complaints (R-CMP-1 … R-CMP-8)

TICKETS = ("12345-SZ-20261102-0417", "12345-WX-20261108-1130", "12345-SZ-20261112-0906")


def _record(story, key, received, *, recorded=None, actor=None, **values):
    """A complaint as received (``received``) and recorded (``recorded``, default 20 minutes
    later) by the park's officer — or by the enterprise itself in the portal (``channel``
    "portal": received when recorded)."""
    enterprise = story.e[key]
    received = _moment(story, received)
    if values.get("channel") == "portal":
        values.pop("channel")
        return story.do(
            received,
            sc.complaint_record,
            actor=story.users["ent_a"],
            enterprise=enterprise,
            **values,
        )
    if values.get("channel") == "hotline":
        values.setdefault("hotline_ticket", TICKETS[story.tickets % len(TICKETS)])
        story.tickets += 1
    values.setdefault("complainant", "企业行政负责人")
    values.setdefault("contact", "0512-6288" + f"{enterprise.pk:04d}")
    return story.do(
        recorded or received + datetime.timedelta(minutes=20),
        sc.complaint_record,
        actor=actor or story.officer(enterprise),
        enterprise=enterprise,
        received_at=received,
        **values,
    )


def _take_and_answer(story, complaint, taken, answered, text, actor=None):
    actor = actor or story.officer(complaint.enterprise)
    story.do(story.when(*taken), sc.complaint_take, actor=actor, complaint=complaint)
    if answered:
        story.do(
            story.when(*answered), sc.complaint_respond, actor=actor, complaint=complaint, text=text
        )
    complaint.refresh_from_db()
    return complaint


def _resolve(story, complaint, moment, resolution):
    story.do(
        story.when(*moment),
        sc.complaint_resolve,
        actor=complaint.owner,
        complaint=complaint,
        resolution=resolution,
    )
    complaint.refresh_from_db()
    return complaint


def _confirm(story, complaint, moment, rating, comment=""):
    story.do(
        story.when(*moment),
        sc.complaint_confirm,
        actor=story.users["ent_a"],
        complaint=complaint,
        rating=rating,
        comment=comment,
    )


def build_complaints(ctx):
    story = Story(ctx)
    users = story.users
    # Recorded in the order received (the matrix counts the enterprise's earlier complaints).

    # -- the portal enterprise's older complaints, each confirmed (已办结)
    c1 = _record(
        story,
        "nawei",
        (40, 10, 0),
        channel="portal",
        topic="property",
        title="空调报修三次仍未修好",
        text="A栋三楼办公区空调本月报修三次，每次维修后两天又不制冷。",
    )
    _take_and_answer(
        story, c1, (40, 11, 0), (40, 14, 0), "已安排空调维保单位明早到场全面检修压缩机。"
    )
    _resolve(story, c1, (37, 16, 0), "已更换压缩机并加注冷媒，连续三天跟踪室温正常。")
    _confirm(story, c1, (36, 10, 0), 4)
    c2 = _record(
        story,
        "nawei",
        (32, 9, 10),
        recorded=story.when(32, 9, 50),
        channel="email",
        topic="fees",
        title="物业费账单重复计费",
        complainant="财务部 周女士",
        text="十月物业费账单中公共区域能耗分摊被重复计算一次，多收 3,260 元。",
    )
    _take_and_answer(
        story, c2, (32, 10, 0), (32, 15, 0), "已核对账单，确认重复计费，正在办理退款。"
    )
    _resolve(story, c2, (30, 11, 0), "多收的 3,260 元已退回企业账户，并更正了分摊规则。")
    _confirm(story, c2, (29, 9, 0), 3, "退款到账较慢。")
    c3 = _record(
        story,
        "nawei",
        (27, 14, 0),
        channel="portal",
        topic="attitude",
        title="前台未按预约接待来访客户",
        text="已提前一天预约访客，前台却称没有记录，让客户在门口等了二十分钟。",
    )
    _take_and_answer(
        story, c3, (27, 14, 30), (27, 16, 0), "已调取预约记录，确系前台交接遗漏，向贵司致歉。"
    )
    _resolve(story, c3, (24, 10, 0), "已对前台人员进行服务规范再培训，访客预约改为系统自动推送。")
    _confirm(story, c3, (23, 9, 0), 5, "已道歉，满意。")

    # -- auto-closed (已办结 by the daily job today: resolved a week ago, never answered)
    c15 = _record(
        story,
        "jingneng",
        (14, 10, 0),
        channel="visit",
        topic="property",
        title="厂区路灯大面积不亮",
        text="厂区东侧道路路灯连续一周不亮，夜班员工出入不安全。",
    )
    _take_and_answer(
        story, c15, (14, 10, 30), (14, 15, 0), "已报园区电工排查线路，今晚先加装临时照明。"
    )
    _resolve(story, c15, (9, 11, 0), "更换损坏电缆 120 米，东侧路灯已全部恢复。")
    c7 = _record(
        story,
        "boheng",
        (13, 10, 0),
        channel="hotline",
        topic="traffic",
        title="园区道闸高峰期排队严重",
        complainant="12345 转办（市民来电）",
        text="早高峰园区东门道闸识别慢，车辆排队到市政道路，影响通行。",
    )
    _take_and_answer(
        story, c7, (13, 11, 0), (12, 10, 0), "已联系道闸厂家升级识别系统，高峰期加派人员疏导。"
    )
    _resolve(story, c7, (9, 15, 0), "东门道闸已升级，高峰期通行时间由 8 分钟降至 2 分钟。")

    # -- the chain: 停车交通 in park A, four enterprises within 30 days
    c9 = _record(
        story,
        "jinglan",
        (10, 14, 0),
        channel="visit",
        topic="traffic",
        title="非机动车停放区不足",
        text="园区电动车停放区车位不足，员工只能把电动车停在消防通道旁。",
    )
    _take_and_answer(story, c9, (10, 14, 30), (9, 10, 0), "已规划在B栋北侧新增电动车停放及充电区。")

    # -- the portal enterprise again: reopened by it (处理中)
    c4 = _record(
        story,
        "nawei",
        (8, 9, 0),
        channel="portal",
        topic="network",
        title="办公区网络频繁中断",
        text="本周办公区网络每天中断三四次，视频会议和代码提交频繁失败。",
    )
    _take_and_answer(story, c4, (8, 9, 30), (8, 10, 30), "已通知园区网络运营商上门排查。")

    # -- the unanswered one past twice its window (待受理, 严重)
    _record(
        story,
        "liangxi",
        (8, 14, 0),
        recorded=story.when(8, 14, 30),
        channel="visit",
        topic="other",
        title="园区导视标识错误",
        complainant="总经理 钱先生",
        text="园区入口导视牌把我司楼栋标错，客户和快递多次走错，已反映过两次。",
    )

    # -- accountability: buck-passing by the business officer, referred by the office
    c16 = _record(
        story,
        "kanglan",
        (7, 10, 0),
        recorded=story.when(7, 10, 30),
        channel="visit",
        topic="attitude",
        title="业务人员推诿，报修一周无人跟进",
        actor=users["office"],
        complainant="行政经理 孙女士",
        text="冷库报修后一周无人跟进，业务人员称不归她管，让我们自己找物业。",
    )
    _take_and_answer(
        story,
        c16,
        (7, 10, 40),
        (7, 15, 0),
        "已核实情况，由专项管理办公室督办，今天安排维修。",
        actor=users["office"],
    )
    story.do(
        story.when(6, 10, 0),
        sc.referral_open,
        actor=users["office"],
        complaint=c16,
        responsible_person=users["biz_b"],
        article=Article.objects.filter(ref="Art.13").first(),
        facts="首问负责人未受理企业报修并推诿给物业，违反首问负责制和“严禁推诿”的规定，"
        "致企业冷库故障一周未处理。",
    )

    # -- a downgrade approved by the in-charge leader (待企业确认)
    c13 = _record(
        story,
        "chenghe",
        (6, 9, 0),
        recorded=story.when(6, 9, 30),
        channel="email",
        topic="fees",
        title="代收电费分摊不合理",
        enterprises_affected=3,
        grade="general",
        complainant="财务总监 吴先生",
        grade_reason="三家投诉企业为同一集团的关联公司，实为同一笔代收电费争议。",
        text="园区代收电费的公摊部分按面积分摊，我司及两家关联公司均认为应按实际用量。",
    )
    _take_and_answer(story, c13, (6, 9, 40), None, "")
    _decide(
        story,
        story.when(6, 14, 0),
        gates.DOWNGRADE_APPROVAL,
        c13,
        users["deputy"],
        "同意按一般投诉处理：三家企业为关联公司，争议事项相同。",
    )
    story.do(
        story.when(5, 10, 0),
        sc.complaint_respond,
        actor=users["biz_a"],
        complaint=c13,
        text="已调取三家企业近三个月分表读数，核算后答复。",
    )
    c20 = _record(
        story,
        "lihu",
        (6, 10, 0),
        channel="hotline",
        topic="fees",
        amount="120000",
        title="代收代缴电费差额争议",
        complainant="12345 转办（企业来电）",
        text="园区代收的电费与供电公司账单差额累计约 12 万元，要求说明并退还。",
    )
    _take_and_answer(
        story, c20, (6, 10, 30), (5, 9, 0), "已向供电公司调取原始账单，三个工作日内出具对账说明。"
    )

    # -- park A's first phone complaint of the portal enterprise: part of the chain (待企业确认)
    c5 = _record(
        story,
        "nawei",
        (5, 9, 20),
        channel="phone",
        topic="traffic",
        title="访客车辆无法进入园区",
        complainant="行政主管 林先生",
        text="预约的访客车辆被门岗拦下，说系统没有预约记录，客户迟到半小时。",
    )
    _take_and_answer(
        story,
        c5,
        (5, 9, 45),
        (5, 14, 0),
        "已核查，访客预约系统与门岗系统同步延迟，已临时人工放行。",
    )
    _resolve(story, c4, (5, 16, 0), "已更换故障光模块，网络恢复稳定。")
    story.do(
        story.when(4, 10, 0),
        sc.complaint_reopen,
        actor=users["ent_a"],
        complaint=c4,
        reason="今天上午又断网两次，问题没有根本解决。",
    )
    story.do(
        story.when(3, 15, 0),
        sc.complaint_note_add,
        actor=users["biz_a"],
        complaint=c4,
        text="已联系运营商更换楼层核心交换机，预计本周内完成，其间提供 4G 备用网络。",
    )

    # -- unanswered past the deadline (待受理)
    _record(
        story,
        "jinglan",
        (5, 10, 0),
        recorded=story.when(5, 10, 30),
        channel="email",
        topic="property",
        title="电梯维保记录缺失、运行异响",
        complainant="行政部 郑女士",
        text="B栋2号电梯运行时有明显异响，轿厢内维保记录已两个月未更新。",
    )

    # -- the major complaint whose plan was approved and is being carried out (处理中)
    c10 = _record(
        story,
        "huijin",
        (4, 10, 0),
        channel="visit",
        topic="safety",
        safety=True,
        title="厂房消防通道被占用、喷淋系统故障",
        complainant="安全主管 马先生",
        text="相邻仓储单元长期在共用消防通道堆放货物，昨天消防检查发现喷淋系统压力不足。",
    )
    _take_and_answer(
        story, c10, (4, 10, 25), (4, 11, 0), "已启动应急预案，安保人员正在现场清理通道。"
    )
    plan = EmergencyPlan.objects.get(complaint=c10)
    story.do(
        story.when(4, 15, 0),
        sc.major_event_report,
        actor=users["biz_a"],
        plan=plan,
        control_measures="清空消防通道堆放物，设置临时警戒；喷淋系统报修并安排专人巡查。",
        report_text="汇锦精密反映共用消防通道被占用、喷淋系统压力不足，已即时控制，无人员伤亡。",
    )
    story.do(
        story.when(3, 10, 0),
        sc.plan_submit,
        actor=users["biz_a"],
        plan=plan,
        plan_text="一、约谈占用通道的仓储企业并书面告知；二、委托维保单位三日内修复喷淋系统；"
        "三、全园区消防通道专项排查；四、整改后请消防部门复查。",
    )
    _decide(
        story,
        story.when(3, 16, 0),
        gates.PLAN_REVIEW,
        plan,
        users["principal"],
        "方案合规可行，同意实施；排查结果报领导小组。",
    )
    story.do(story.when(2, 9, 30), sc.plan_carry_out, actor=users["biz_a"], plan=plan)
    story.do(
        story.when(1, 17, 0),
        sc.complaint_note_add,
        actor=users["biz_a"],
        complaint=c10,
        text="喷淋系统已修复并试压合格；全园区排查发现另两处通道占用，已限期清理。",
    )

    # -- the hotline complaint of the chain, unanswered past the deadline (待受理)
    _record(
        story,
        "shengqi",
        (4, 9, 0),
        recorded=story.when(4, 9, 30),
        channel="hotline",
        topic="traffic",
        title="园区内部道路违停严重",
        complainant="12345 转办（企业员工来电）",
        text="早晚高峰园区内部道路两侧违停，班车和货车无法通行。",
    )

    # -- transferred once, waited for the enterprise, going on (处理中)
    c19 = _record(
        story,
        "xinyuan",
        (4, 9, 0),
        recorded=story.when(4, 9, 10),
        channel="phone",
        topic="property",
        title="洁净车间新风系统异味",
        complainant="厂务经理 高先生",
        text="洁净车间新风系统近三天有焦糊味，担心影响产品良率。",
    )
    _take_and_answer(story, c19, (4, 9, 20), None, "")
    transfer = story.do(
        story.when(4, 10, 0),
        sc.complaint_transfer_offer,
        actor=users["biz_b"],
        complaint=c19,
        to_person=users["lead"],
        reason="需牵头部门协调新风设备厂家。",
    )
    story.do(
        story.when(4, 11, 0), sc.complaint_transfer_accept, actor=users["lead"], transfer=transfer
    )
    story.do(
        story.when(4, 14, 0),
        sc.complaint_respond,
        actor=users["lead"],
        complaint=c19,
        text="已联系设备厂家，明天上午到场检测。",
    )
    story.do(
        story.when(3, 10, 0),
        sc.complaint_wait,
        actor=users["lead"],
        complaint=c19,
        reason="等待企业提供异味出现的时段记录",
    )
    story.do(story.when(2, 9, 30), sc.complaint_resume, actor=users["lead"], complaint=c19)

    # -- a downgrade waiting for a leader (处理中)
    c12 = _record(
        story,
        "jingneng",
        (3, 15, 0),
        recorded=story.when(3, 15, 30),
        channel="phone",
        topic="environment",
        media_exposure=True,
        grade="general",
        grade_reason="经核实仅个别员工在朋友圈转发，未形成媒体报道。",
        title="园区绿化喷药气味刺鼻",
        complainant="人事行政 何女士",
        text="园区绿化喷洒农药未提前通知，多名员工头晕，已有员工发到网上。",
    )
    _take_and_answer(
        story, c12, (3, 15, 40), (2, 10, 0), "已暂停喷药作业，今后作业提前一天通知企业。"
    )

    # -- the major complaint whose plan waits for the leading group (处理中)
    c11 = _record(
        story,
        "taihu",
        (2, 8, 40),
        channel="hotline",
        topic="network",
        enterprises_affected=12,
        title="配电房故障导致多家企业停电停产",
        complainant="12345 转办（多家企业联名）",
        text="园区2号配电房故障跳闸，十二家企业停电近四小时，生产线被迫停机。",
    )
    _take_and_answer(
        story, c11, (2, 9, 5), (2, 9, 30), "已启动应急预案，应急发电车已到场，供电公司抢修中。"
    )
    plan = EmergencyPlan.objects.get(complaint=c11)
    story.do(
        story.when(2, 13, 0),
        sc.major_event_report,
        actor=users["biz_b"],
        plan=plan,
        control_measures="调应急发电车保障重点企业供电，封闭故障配电房，供电公司抢修。",
        report_text="2号配电房故障跳闸，十二家企业停电约四小时，无人员伤亡，已于 12:40 恢复供电。",
    )
    story.do(
        story.when(1, 11, 0),
        sc.plan_submit,
        actor=users["biz_b"],
        plan=plan,
        plan_text="一、更换2号配电房老化开关柜；二、增设双回路供电；三、对受影响企业按停电时长"
        "减免当月物业费；四、建立配电设施月度巡检制度。",
    )

    # -- recorded 30 hours after it was received (待受理): the late-recording alert
    received = story.when(2, 16, 0)
    _record(
        story,
        "huishan",
        (2, 16, 0),
        recorded=received + datetime.timedelta(hours=30),
        channel="phone",
        topic="fees",
        title="停车费收费标准与公示不一致",
        complainant="行政专员 朱女士",
        text="地下车库按每小时 10 元收费，而园区公示的标准是每小时 6 元。",
    )

    # -- resolved, waiting for the enterprise (待企业确认)
    _resolve(story, c5, (2, 16, 0), "两套系统改为实时同步，访客预约后门岗立即可见。")
    _resolve(story, c16, (2, 15, 0), "冷库门密封条已更换，温度恢复稳定；责任人已移送问责。")
    _resolve(story, c13, (3, 16, 0), "按分表实际用量重新核算，三家企业共退还 8,420 元。")
    _resolve(story, c9, (1, 11, 0), "B栋北侧新增电动车停放位 60 个、充电桩 20 个，已投入使用。")
    _resolve(story, c20, (1, 10, 0), "对账确认差额系供电公司计量倍率错误，已协调退还企业。")

    # -- the portal enterprise's third complaint in 30 days, just now (待受理)
    _record(
        story,
        "nawei",
        ("min", 40),
        channel="portal",
        topic="environment",
        title="楼上装修噪声影响办公",
        text="楼上单元装修连续一周在工作时间电钻施工，无法正常办公。",
    )

    ctx.counts["complaints"] = Complaint.objects.count()


# ---------------------------------------------------------------------------------------------
# Call-backs (R-SVC-2) and anomaly reports (R-SVC-3)

# Recorded scores (enterprise, score, comment); the others wait. A score of 1 goes to an
# enterprise that did complain this month (``_unhappy``), the concealment one has none.
CALLBACK_SCORES = [
    ("boheng", 5, ""),
    ("chenghe", 4, "服务响应比上月快。"),
    ("xinyuan", 5, ""),
    ("taihu", 3, "配电房故障影响生产，希望尽快完成整改。"),
    ("lihu", 4, ""),
    ("qihang", 2, "报修的卫生间漏水一直没人来看，也不想再投诉了。"),
]


def _unhappy(story) -> Enterprise:
    """An enterprise with a complaint received this month, for the low score with a follow-up."""
    month = story.today.replace(day=1)
    for key in ("huishan", "nawei"):
        if Complaint.objects.filter(enterprise=story.e[key], received_on__gte=month).exists():
            return story.e[key]
    return story.e["nawei"]


def build_callbacks(ctx):
    story = Story(ctx)
    today = story.today
    first = calendar.first_working_day_of_month(today.year, today.month)
    created = timezone.make_aware(datetime.datetime.combine(first, datetime.time(8, 30)))
    created = min(created, story.now - datetime.timedelta(hours=2))
    made = story.do(created, services.callbacks_generate)
    if not made:  # before the month's first working day: made ahead, as the job will
        services.callbacks_generate(today=max(today, first))
    # Called over the last days (the low score last, after its enterprise's latest complaint).
    scores = [(story.e[key], score, comment) for key, score, comment in CALLBACK_SCORES]
    scores.append((_unhappy(story), 1, "投诉的问题反复出现，处理效率有待提高。"))
    called = [(5, 10), (4, 15), (3, 10), (3, 16), (2, 11), (1, 14), (1, 16)]
    for n, ((enterprise, score, comment), (day, hour)) in enumerate(
        zip(scores, called, strict=True)
    ):
        callback = CallBack.objects.filter(
            enterprise=enterprise, status=CallBackStatus.PENDING
        ).first()
        if callback is None:
            continue
        story.do(
            # Early in the month, the days before its first working day are not this month's.
            max(story.when(day, hour), created + datetime.timedelta(minutes=10 * (n + 1))),
            services.callback_record,
            actor=callback.owner or story.officer(enterprise),
            callback=callback,
            score=score,
            comment=comment,
        )


def build_anomalies(ctx):
    story = Story(ctx)
    users = story.users
    reports = [
        (
            users["biz_a"],
            None,
            story.when(minutes=300),
            story.when(minutes=240),
            "A栋2号电梯运行时有异响，尚无企业投诉，已通知维保单位检查。",
        ),
        (
            users["biz_b"],
            story.e["taihu"],
            story.when(3, 9, 0),
            story.when(3, 9, 0) + datetime.timedelta(hours=31),
            "停车场出口道闸故障，已有企业员工在群里抱怨，存在投诉苗头。",
        ),
        (
            users["lead"],
            story.e["jinglan"],
            story.when(1, 10, 0),
            story.when(1, 11, 30),
            "B栋3层茶水间漏水渗至企业办公区，企业尚未正式投诉。",
        ),
    ]
    for actor, enterprise, discovered, reported, description in reports:
        park = enterprise.park if enterprise else ctx.units["park_a"]
        story.do(
            reported,
            services.anomaly_report,
            actor=actor,
            park=park,
            enterprise=enterprise,
            description=description,
            discovered_at=discovered,
        )


def run_daily_jobs(ctx):
    """What the daily job does today: results the enterprise left unanswered for five working
    days are closed as such."""
    services.requests_auto_close()
    sc.complaints_auto_close()


# ---------------------------------------------------------------------------------------------


def servicedesk_summary() -> str:
    def by_status(model, choices):
        counts = {s: model.objects.filter(status=s).count() for s in choices.values}
        return " · ".join(f"{choices(s).label} {n}" for s, n in counts.items())

    alerts = Alert.objects.filter(
        rule_code__startswith="servicedesk.", status__in=("open", "acknowledged")
    )
    codes = sorted(set(alerts.values_list("rule_code", flat=True)))
    shown = "，".join(f"{c.split('.', 1)[1]} {alerts.filter(rule_code=c).count()}" for c in codes)
    callbacks = CallBack.objects
    plans = EmergencyPlan.objects
    return (
        f"服务台：服务请求 {by_status(ServiceRequest, RequestStatus)}"
        f"（自动关闭 {ServiceRequest.objects.filter(auto_closed=True).count()}）；"
        f"投诉 {by_status(Complaint, ComplaintStatus)}"
        f"（重大 {Complaint.objects.filter(grade='major').count()}：方案实施中 "
        f"{plans.filter(stage=PlanStage.CARRYING_OUT).count()}、待领导小组审查 "
        f"{plans.filter(stage=PlanStage.PLAN_REVIEW).count()}；问责移送 "
        f"{AccountabilityReferral.objects.count()}）；"
        f"月度回访 {callbacks.filter(status='done').count()}/{callbacks.count()} 已回访；"
        f"异常报告 {AnomalyReport.objects.count()}；预警 {shown or '无'}"
    )


def loaded() -> bool:
    return ServiceRequest.objects.exists() or Complaint.objects.exists()


DEMO_STEPS = [
    DemoStep(
        "servicedesk.requests",
        build_requests,
        after=("enterprises.portal", "org.contacts", "resources.allocations"),
        loaded=loaded,
    ),
    DemoStep("servicedesk.complaints", build_complaints, after=("servicedesk.requests",)),
    DemoStep("servicedesk.callbacks", build_callbacks, after=("servicedesk.complaints",)),
    DemoStep("servicedesk.anomalies", build_anomalies, after=("servicedesk.callbacks",)),
    DemoStep(
        "servicedesk.daily_jobs",
        run_daily_jobs,
        after=("servicedesk.anomalies",),
        report=servicedesk_summary,
    ),
]
