"""Generated business licences (营业执照) for measuring the offline reader (issue 13 §D).

Everything here is made up and deterministic for a seed: ``samples(n, seed)`` gives the true
values of a licence (``LicenceSample``: names, people, addresses, dates and valid unified social
credit codes of companies in 苏州 / 昆山 / 上海), ``render_licence`` draws it like the 2019+
national licence (horizontal or vertical), optionally photographed badly (``Degradation``: paper,
noise, JPEG, blur, rotation, keystone, glare, shadow, a desk behind it), ``e_licence_pdf`` makes an
电子营业执照 PDF with a text layer and ``scanned_pdf`` one holding only a picture. ``standard_set``
is the fixed measurement set the bench (``bench/licences.py``) and the tests use.

Fonts: Debian's ``fonts-noto-cjk`` (Noto Serif CJK SC for values, Noto Sans CJK SC for labels),
found by name inside the collections; nothing is downloaded. The national emblem and the seal
are simple drawings, not images of the real ones.
"""

import dataclasses
import datetime
import io
import math
import random
import shutil
import subprocess
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .reading import FIELD_KEYS

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
# The drawn licence (about A3/A4 proportions, 1 : 1.414) and a phone photo of it (4 : 3).
LICENCE_SIZE = {HORIZONTAL: (1600, 1130), VERTICAL: (1130, 1600)}
PHOTO_SIZE = {HORIZONTAL: (1600, 1200), VERTICAL: (1200, 1600)}

# ---------------------------------------------------------------------------------------------
# Unified social credit codes (GB 32100-2015) and organisation codes (GB 11714-1997)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Characters an OCR engine confuses with one another, each paired with its look-alike that is
# also allowed in a code (a digit stays a digit in the first eight places).
_CONFUSABLE = {
    "0": "D",
    "D": "0",
    "8": "B",
    "B": "8",
    "2": "7",
    "7": "1",
    "1": "7",
    "Q": "0",
    "5": "6",
    "6": "5",
    "U": "0",
    "G": "6",
    "3": "8",
    "T": "7",
    "4": "A",
    "A": "4",
}
_DIGIT_CONFUSABLE = {"0": "8", "8": "3", "3": "8", "1": "7", "7": "1", "2": "7", "5": "6"}


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """The GB 11714 check character of an organisation code's first eight characters
    (digits, or letters valued A=10 … Z=35)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_is_valid(code: str) -> bool:
    """Both check characters hold (the organisation code's and the whole code's)."""
    if len(code) != 18 or not code[:8].isdigit() or any(c not in USCC_ALPHABET for c in code):
        return False
    return org_check_char(code[8:16]) == code[16] and uscc_check_char(code[:17]) == code[17]


def make_uscc(authority_type: str, division: str, org_body: str) -> str:
    """A code from its parts: "91" (工商, 企业) or "92" (个体工商户), the 6-digit division code
    and the organisation code's 8-character body (its check character is computed)."""
    org = org_body + org_check_char(org_body)
    first17 = authority_type + division + org
    return first17 + uscc_check_char(first17)


def altered_code(code: str, position: int | None = None) -> str:
    """``code`` with one character changed the way an OCR misread would change it (0→D, 8→B,
    …), so that the GB 32100 check character no longer holds. Any one substitution among the 18
    characters breaks it: 31 is prime and no weight is a multiple of it."""
    positions = [position] if position is not None else [9, 10, 12, 14, 11, 13, 15, 3, 5]
    for pos in positions:
        char = code[pos]
        table = _DIGIT_CONFUSABLE if pos < 8 else _CONFUSABLE
        new = table.get(char) or ("8" if char != "8" else "3")
        altered = code[:pos] + new + code[pos + 1 :]
        if altered != code and uscc_check_char(altered[:17]) != altered[17]:
            return altered
    raise ValueError(f"no single-character change of {code} breaks its check")  # unreachable


# ---------------------------------------------------------------------------------------------
# What a licence says


@dataclasses.dataclass(frozen=True)
class LicenceSample:
    """The truth of one generated licence: every FIELD_KEY as the reader should return it
    (``truth()``) and how each is printed. A field the licence does not carry (a branch has no
    注册资本, a 个体工商户 no 营业期限) is ""."""

    kind: str  # "company" | "branch" | "partnership" | "sole" | "individual"
    name: str
    credit_code: str
    company_type: str
    legal_representative: str
    representative_label: str  # 法定代表人 / 负责人 / 执行事务合伙人 / 经营者 / 投资人
    registered_capital: str  # in 万 of capital_currency, decimal string; "" when not printed
    capital_text: str  # as printed: "伍佰万元整", "人民币1000万元", "100万美元"
    capital_currency: str  # "CNY" | "USD" | ""
    capital_label: str  # 注册资本 / 出资额 / ""
    established_on: str  # ISO
    established_label: str  # 成立日期 / 注册日期
    term_from: str  # ISO, "" when not printed
    term_until: str  # ISO, "" when long term or not printed
    long_term: bool
    term_label: str  # 营业期限 / 合伙期限 / ""
    address: str
    address_label: str  # 住所 / 主要经营场所 / 经营场所 / 营业场所
    business_scope: str
    authority: str  # 登记机关
    issued_on: str  # ISO, the date under the seal
    licence_number: str  # 证照编号 (not a field: a number the reader must not take for the code)
    copy: bool  # 副本
    extra_rows: tuple[tuple[str, str], ...] = ()  # e.g. (("组成形式", "个人经营"),)

    def truth(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in FIELD_KEYS}

    @property
    def term_text(self) -> str:
        if not self.term_label:
            return ""
        until = "长期" if self.long_term else cn_date(self.term_until)
        return f"{cn_date(self.term_from)} 至 {until}"


def cn_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _section_in_words(n: int) -> str:
    out, zero = "", False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _UPPER_DIGITS[digit] + unit
    return out


def yuan_in_words(yuan: int) -> str:
    """An amount of yuan in financial capitals: 5000000 → 伍佰万元整."""
    out, gap = "", False
    for value, unit in ((yuan // 10**8, "亿"), (yuan // 10**4 % 10**4, "万"), (yuan % 10**4, "")):
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += "零"
        out += _section_in_words(value) + unit
        gap = False
    return (out or "零") + "元整"


def _wan(value: Decimal) -> str:
    return format(value.normalize(), "f")


# Places: division code, the name prefixes a company there uses, its registration authority,
# address prefixes and streets.
_PLACES = (
    {
        "division": "320594",
        "names": ("苏州", "苏州工业园区"),
        "authority": "苏州工业园区市场监督管理局",
        "areas": ("苏州工业园区",),
        "streets": (
            "星湖街",
            "金鸡湖大道",
            "星港街",
            "苏虹中路",
            "若水路",
            "仁爱路",
            "独墅湖大道",
            "东长路",
            "唯新路",
            "金尚路",
        ),
        "weight": 5,
    },
    {
        "division": "320505",
        "names": ("苏州",),
        "authority": "苏州高新区（虎丘区）市场监督管理局",
        "areas": ("苏州高新区", "苏州市虎丘区"),
        "streets": ("科灵路", "竹园路", "长江路", "金山路", "锦峰路", "珠江路", "滨河路"),
        "weight": 2,
    },
    {
        "division": "320506",
        "names": ("苏州",),
        "authority": "苏州市吴中区市场监督管理局",
        "areas": ("苏州市吴中区木渎镇", "苏州市吴中区郭巷街道", "苏州市吴中经济开发区"),
        "streets": ("金枫南路", "东方大道", "越溪街道吴中大道", "宝带东路", "旺山路"),
        "weight": 2,
    },
    {
        "division": "320507",
        "names": ("苏州",),
        "authority": "苏州市相城区市场监督管理局",
        "areas": ("苏州市相城区元和街道", "苏州市相城区黄桥街道", "苏州市相城经济技术开发区"),
        "streets": ("嘉元路", "澄阳路", "华元路", "春申湖中路", "太阳路"),
        "weight": 1,
    },
    {
        "division": "320509",
        "names": ("苏州",),
        "authority": "苏州市吴江区市场监督管理局",
        "areas": ("苏州市吴江区江陵街道", "苏州市吴江区松陵镇", "苏州市吴江经济技术开发区"),
        "streets": ("运东大道", "中山南路", "长安路", "庞金路", "云梨路"),
        "weight": 1,
    },
    {
        "division": "320583",
        "names": ("昆山", "昆山市"),
        "authority": "昆山市市场监督管理局",
        "areas": (
            "昆山开发区",
            "昆山市玉山镇",
            "昆山市花桥镇",
            "昆山市周市镇",
            "昆山市张浦镇",
            "昆山市巴城镇",
        ),
        "streets": (
            "前进东路",
            "元丰路",
            "徐公桥路",
            "青阳北路",
            "黄浦江路",
            "祖冲之南路",
            "朝阳东路",
            "长江北路",
        ),
        "weight": 4,
    },
    {
        "division": "310115",
        "names": ("上海",),
        "authority": "上海市浦东新区市场监督管理局",
        "areas": ("上海市浦东新区", "中国（上海）自由贸易试验区", "上海市浦东新区张江镇"),
        "streets": ("张江路", "郭守敬路", "博云路", "祖冲之路", "川沙路", "金海路", "碧波路"),
        "weight": 3,
    },
    {
        "division": "310112",
        "names": ("上海",),
        "authority": "上海市闵行区市场监督管理局",
        "areas": ("上海市闵行区", "上海市闵行区莘庄镇"),
        "streets": ("虹梅南路", "申长路", "剑川路", "都会路", "莘松路"),
        "weight": 1,
    },
    {
        "division": "310114",
        "names": ("上海",),
        "authority": "上海市嘉定区市场监督管理局",
        "areas": ("上海市嘉定区安亭镇", "上海市嘉定区马陆镇", "上海市嘉定工业区"),
        "streets": ("墨玉路", "博园路", "叶城路", "兴文路", "宝安公路"),
        "weight": 1,
    },
)

# Industries: words in the name, the 一般项目 and 许可项目 of a scope.
_INDUSTRIES = (
    {
        "words": ("科技", "信息科技", "网络科技", "智能科技", "信息技术", "软件科技"),
        "general": (
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
            "软件开发",
            "信息系统集成服务",
            "计算机软硬件及辅助设备零售",
            "数据处理和存储支持服务",
            "人工智能应用软件开发",
            "网络技术服务",
            "信息技术咨询服务",
        ),
        "licensed": ("第二类增值电信业务", "互联网信息服务"),
    },
    {
        "words": ("精密机械", "机械设备", "智能装备", "自动化设备", "机电"),
        "general": (
            "通用设备制造（不含特种设备制造）",
            "机械零件、零部件加工",
            "机械设备销售",
            "专用设备修理",
            "工业自动控制系统装置制造",
            "金属切削加工服务",
            "模具制造",
            "五金产品批发",
        ),
        "licensed": ("特种设备安装改造修理",),
    },
    {
        "words": ("电子", "光电科技", "半导体", "电子科技"),
        "general": (
            "电子元器件制造",
            "电子专用材料研发",
            "光电子器件制造",
            "集成电路芯片设计及服务",
            "半导体器件专用设备销售",
            "电子产品销售",
            "货物进出口",
        ),
        "licensed": (),
    },
    {
        "words": ("新材料", "材料科技", "高分子材料"),
        "general": (
            "新材料技术研发",
            "塑料制品制造",
            "合成材料销售",
            "高性能纤维及复合材料制造",
            "化工产品销售（不含许可类化工产品）",
        ),
        "licensed": ("危险化学品经营",),
    },
    {
        "words": ("生物科技", "医疗器械", "医药科技", "生物医药"),
        "general": (
            "医学研究和试验发展",
            "第一类医疗器械销售",
            "第二类医疗器械销售",
            "生物化工产品技术研发",
            "细胞技术研发和应用",
        ),
        "licensed": ("第三类医疗器械经营", "药品批发", "第二类医疗器械生产"),
    },
    {
        "words": ("贸易", "商贸", "供应链管理", "进出口"),
        "general": (
            "货物进出口",
            "技术进出口",
            "五金产品批发",
            "日用百货销售",
            "供应链管理服务",
            "国内贸易代理",
            "化妆品零售",
        ),
        "licensed": ("食品销售", "酒类经营"),
    },
    {
        "words": ("企业管理咨询", "管理咨询", "企业管理"),
        "general": (
            "企业管理咨询",
            "信息咨询服务（不含许可类信息咨询服务）",
            "市场营销策划",
            "会议及展览服务",
            "财务咨询",
            "企业形象策划",
        ),
        "licensed": (),
    },
    {
        "words": ("餐饮管理", "餐饮"),
        "general": ("餐饮管理", "食品销售（仅销售预包装食品）", "外卖递送服务"),
        "licensed": ("餐饮服务", "食品经营"),
    },
    {
        "words": ("物流", "供应链", "国际物流"),
        "general": (
            "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
            "国内货物运输代理",
            "装卸搬运",
            "国际货物运输代理",
        ),
        "licensed": ("道路货物运输（不含危险货物）",),
    },
    {
        "words": ("建筑装饰工程", "建设工程", "装饰设计工程"),
        "general": ("住宅室内装饰装修", "建筑材料销售", "园林绿化工程施工", "工程管理服务"),
        "licensed": ("建设工程施工", "建设工程设计"),
    },
    {
        "words": ("文化传媒", "文化传播", "广告"),
        "general": (
            "组织文化艺术交流活动",
            "广告设计、代理",
            "广告制作",
            "摄影扩印服务",
            "礼仪服务",
        ),
        "licensed": ("网络文化经营", "营业性演出"),
    },
    {
        "words": ("人力资源", "人力资源服务"),
        "general": (
            "人力资源服务（不含职业中介活动、劳务派遣服务）",
            "劳务服务（不含劳务派遣）",
            "企业管理咨询",
        ),
        "licensed": ("职业中介活动", "劳务派遣服务"),
    },
    {
        "words": ("环保科技", "环境科技", "节能科技"),
        "general": (
            "环境保护专用设备制造",
            "固体废物治理",
            "水污染治理",
            "大气污染治理",
            "合同能源管理",
        ),
        "licensed": (),
    },
)
_INVESTMENT = {
    "general": (
        "以私募基金从事股权投资、投资管理、资产管理等活动（须在中国证券投资基金业协会完成登记"
        "备案后方可从事经营活动）",
        "创业投资（限投资未上市企业）",
        "股权投资",
    ),
    "licensed": (),
}
_TRADE_NAME_CHARS = (
    "瑞丰恒通汇智科博思中晟天禾鑫源华测嘉宏信达凯联创新盛泰德安和康卓越启明宇航海辰星锐腾旭"
    "昊睿奥诺维艾普益众合兴远东方正隆永聚元峰力金铭致格林美佳优捷特微纳亿芯讯杰驰鼎华飞"
)
_FOREIGN_BRANDS = ("瑞科", "埃森", "博世达", "奥林", "三和", "艾默", "德尔", "凯力", "斯达")
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方邹孟熊秦邱江尹薛段雷侯龙陶黎贺顾毛郝龚邵钱"
)
# fmt: off
_GIVEN = (
    "伟", "芳", "娜", "敏", "静", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "斌", "鹏", "辉", "宁",
    "琳", "晶", "秀英", "建国", "志强", "海燕", "丽娟", "俊杰", "子涵", "浩然", "晓明", "雪梅", "文博", "宇航", "欣怡", "思远",
    "嘉怡", "明辉", "春华", "国平", "志刚", "玉兰", "桂英", "晨阳", "一鸣", "雨婷", "梓轩", "佳琪", "建华", "晓东", "立新",
    "红梅", "振宇", "伟东", "海峰", "丽华", "文静", "永强", "建军", "慧敏", "天佑", "俊豪", "诗涵", "子墨", "若曦", "家豪",
    "思琪", "金龙",
)
# fmt: on
_COMPANY_TYPES = (
    # (类型 as printed, weight, foreign)
    ("有限责任公司（自然人投资或控股）", 40, False),
    ("有限责任公司（自然人独资）", 12, False),
    ("有限责任公司（非自然人投资或控股的法人独资）", 6, False),
    ("有限责任公司（外国法人独资）", 6, True),
    ("有限责任公司（台港澳法人独资）", 3, True),
    ("有限责任公司（中外合资）", 2, True),
    ("有限责任公司（国有控股）", 1, False),
    ("股份有限公司（非上市、自然人投资或控股）", 5, False),
)
_CAPITALS = (10, 30, 50, 100, 100, 100, 200, 200, 300, 500, 500, 500, 800, 1000, 1000, 1200, 2000)
_CAPITALS_LARGE = (3000, 5000, 10000, 12500, 20000)
_SHOP_GOODS = (
    ("小吃店", "餐饮服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）"),
    ("五金店", "五金产品零售；日用百货销售"),
    ("便利店", "食品销售（仅销售预包装食品）；日用百货销售；烟草制品零售"),
    ("理发店", "理发服务；美容服务（不含医疗美容）"),
    ("电脑经营部", "计算机软硬件及辅助设备零售；办公用品销售；计算机及办公设备维修"),
    ("服装店", "服装服饰零售；鞋帽零售"),
)

_KIND_SHARES = (("company", 70), ("branch", 10), ("partnership", 8), ("individual", 6), ("sole", 6))


def _person(rng: random.Random) -> str:
    surname = rng.choice(_SURNAMES)
    return surname + rng.choice(_GIVEN)


def _trade_name(rng: random.Random) -> str:
    length = rng.choices((2, 3), weights=(8, 2))[0]
    chars = rng.sample(_TRADE_NAME_CHARS, length)
    return "".join(chars)


def _org_body(rng: random.Random, confusable: bool) -> str:
    """The 8-character body of an organisation code: mostly the post-2015 "MA…" style, else an
    older all-digit one; ``confusable`` packs it with 0/D, 8/B, 2, Q."""
    letters = [c for c in USCC_ALPHABET if c.isalpha()]
    if confusable:
        pool = "0D8B2Q" + "0123456789"
        chars = [rng.choice(("D0", "0D", "B8", "8B", "DB", "0Q"))] + [
            rng.choice(pool) for _ in range(3)
        ]
        rng.shuffle(chars)
        return "MA" + rng.choice("12") + "".join(chars)
    if rng.random() < 0.7:
        tail = "".join(rng.choice(USCC_ALPHABET) for _ in range(4))
        return "MA" + rng.choice("0123456789") + rng.choice(letters) + tail
    return rng.choice("35670") + "".join(rng.choice("0123456789") for _ in range(7))


def _address(rng: random.Random, place: dict, area: str = "") -> str:
    area = area or rng.choice(place["areas"])
    street = rng.choice(place["streets"])
    number = rng.randint(1, 2999)
    tail = rng.choice(
        (
            "",
            f"{rng.randint(1, 12)}幢{rng.randint(1, 12)}{rng.randint(1, 30):02d}室",
            f"{rng.randint(1, 9)}号楼{rng.randint(1, 6)}层",
            f"创意产业园{rng.randint(1, 20)}-{rng.randint(101, 1505)}",
            f"国际科技园{rng.randint(1, 5)}期{rng.choice('ABCDE')}{rng.randint(101, 1208)}单元",
            f"{rng.randint(1, 30)}号厂房",
            f"{rng.randint(1, 9)}楼{rng.randint(1, 40)}室",
        )
    )
    road_part = f"{street}{number}号"
    return f"{area}{road_part}{tail}"


def _scope(rng: random.Random, industry: dict, long: bool) -> str:
    general = list(industry["general"])
    rng.shuffle(general)
    general = general[: rng.randint(2, len(general))] if long else general[: rng.randint(2, 4)]
    licensed = list(industry["licensed"])
    rng.shuffle(licensed)
    licensed = licensed[: rng.randint(1, len(licensed))] if licensed and rng.random() < 0.6 else []
    if long:
        general_text = (
            "一般项目："
            + "；".join(general)
            + "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
        )
        if not licensed:
            return general_text
        licensed_text = (
            "许可项目："
            + "；".join(licensed)
            + "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）"
        )
        if rng.random() < 0.3:
            return licensed_text + general_text
        return general_text + licensed_text
    text = "；".join(general + licensed) + "。"
    if licensed or rng.random() < 0.5:
        text += "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    return text


def _capital(rng: random.Random, foreign: bool) -> tuple[Decimal, str, str]:
    """(amount in 万, printed text, currency)."""
    pool = _CAPITALS + _CAPITALS_LARGE if rng.random() < 0.25 else _CAPITALS
    amount = Decimal(rng.choice(pool))
    if rng.random() < 0.08:
        amount += Decimal(rng.choice((5, 25, 75))) / 10
    if foreign and rng.random() < 0.5:
        return amount, f"{_wan(amount)}万美元", "USD"
    style = rng.choices(
        ("words", "rmb_words", "rmb_prefix", "suffix", "plain"), weights=(35, 10, 20, 15, 20)
    )[0]
    words = yuan_in_words(int(amount * 10000))
    text = {
        "words": words,
        "rmb_words": "人民币" + words,
        "rmb_prefix": f"人民币{_wan(amount)}万元" + rng.choice(("", "整")),
        "suffix": f"{_wan(amount)}万元人民币",
        "plain": f"{_wan(amount)}万元整",
    }[style]
    return amount, text, "CNY"


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _sample(rng: random.Random, kind: str, confusable: bool) -> LicenceSample:  # noqa: PLR0915
    place = rng.choices(_PLACES, weights=[p["weight"] for p in _PLACES])[0]
    industry = rng.choice(_INDUSTRIES)
    prefix = rng.choice(place["names"])
    trade = _trade_name(rng)
    word = rng.choice(industry["words"])
    # Established mostly in the last ten years; the licence is the 2019+ format, issued since.
    year = rng.choices(range(2001, 2025), weights=[1] * 8 + [2] * 8 + [4] * 8)[0]
    established = _date_between(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 28))
    issued = _date_between(
        rng, max(established, datetime.date(2019, 3, 1)), datetime.date(2025, 9, 30)
    )
    long_term = rng.random() < 0.6
    term_years = rng.choice((10, 20, 20, 30, 30, 50))
    until = established.replace(year=established.year + term_years) - datetime.timedelta(days=1)
    fields = {
        "representative_label": "法定代表人",
        "capital_label": "注册资本",
        "established_label": "成立日期",
        "term_label": "营业期限",
        "address_label": "住所",
        "extra_rows": (),
    }
    authority_type = "91"
    long_scope = rng.random() < 0.55 and established.year >= 2015
    scope = _scope(rng, industry, long_scope)
    amount, capital_text, currency = _capital(rng, foreign=False)
    person = _person(rng)
    if kind == "company":
        company_type, _weight, foreign = rng.choices(
            _COMPANY_TYPES, weights=[t[1] for t in _COMPANY_TYPES]
        )[0]
        suffix = "股份有限公司" if company_type.startswith("股份") else "有限公司"
        if foreign and rng.random() < 0.5:
            name = f"{rng.choice(_FOREIGN_BRANDS)}（{prefix[:2]}）{word}{suffix}"
        else:
            name = f"{prefix}{trade}{word}{suffix}"
        amount, capital_text, currency = _capital(rng, foreign)
    elif kind == "branch":
        parent_prefix = rng.choice(("苏州", "上海", "江苏", "昆山"))
        parent = f"{parent_prefix}{trade}{word}有限公司"
        here = prefix[:2]
        where = rng.choice(("第一", "第二")) if here == parent_prefix else here
        name = f"{parent}{where}分公司"
        company_type = rng.choice(
            ("有限责任公司分公司（自然人投资或控股）", "有限责任公司分公司（自然人独资）")
        )
        fields.update(representative_label="负责人", capital_label="", address_label="营业场所")
        amount, capital_text, currency = Decimal(0), "", ""
    elif kind == "partnership":
        general = rng.random() < 0.3
        name = f"{prefix}{trade}{rng.choice(('创业投资', '股权投资', '企业管理'))}合伙企业" + (
            "（普通合伙）" if general else "（有限合伙）"
        )
        company_type = "普通合伙企业" if general else "有限合伙企业"
        industry = _INVESTMENT
        scope = _scope(rng, industry, long_scope)
        if rng.random() < 0.5:
            person = f"{prefix[:2]}{_trade_name(rng)}投资管理有限公司（委派代表：{_person(rng)}）"
        fields.update(
            representative_label="执行事务合伙人",
            capital_label="出资额",
            term_label="合伙期限",
            address_label="主要经营场所",
        )
        amount = Decimal(rng.choice((100, 500, 1000, 3000, 5000, 10000)))
        capital_text = f"人民币{_wan(amount)}万元整"
    elif kind == "sole":
        name = f"{place['names'][-1]}{trade}{rng.choice(('五金经营部', '商贸商行', '信息咨询服务部', '建材经营部'))}"
        company_type = "个人独资企业"
        fields.update(representative_label="投资人", capital_label="")
        amount, capital_text, currency = Decimal(0), "", ""
    else:  # individual (个体工商户)
        authority_type = "92"
        goods, scope = rng.choice(_SHOP_GOODS)
        area = rng.choice(place["areas"])
        fields["address"] = _address(rng, place, area)
        name = f"{area}{rng.choice((person[0] + '记', trade))}{goods}"
        company_type = "个体工商户"
        fields.update(
            representative_label="经营者",
            capital_label="",
            established_label="注册日期",
            term_label="",
            address_label="经营场所",
            extra_rows=(("组成形式", "个人经营"),),
        )
        amount, capital_text, currency = Decimal(0), "", ""
    code = make_uscc(authority_type, place["division"], _org_body(rng, confusable))
    has_term = bool(fields["term_label"])
    number = f"{place['division']}{rng.randint(10**13, 10**14 - 1)}"[:20]
    return LicenceSample(
        kind=kind,
        name=name,
        credit_code=code,
        company_type=company_type,
        legal_representative=person,
        registered_capital=_wan(amount) if fields["capital_label"] else "",
        capital_text=capital_text,
        capital_currency=currency,
        established_on=established.isoformat(),
        term_from=established.isoformat() if has_term else "",
        term_until=until.isoformat() if has_term and not long_term else "",
        long_term=has_term and long_term,
        address=fields.pop("address", "") or _address(rng, place),
        business_scope=scope,
        authority=place["authority"],
        issued_on=issued.isoformat(),
        licence_number=number,
        copy=rng.random() < 0.6,
        **fields,
    )


def samples(n: int, seed: int = 13) -> list[LicenceSample]:
    """``n`` licences, the same for the same seed. Kinds in fixed shares (70 % companies, then
    branches, partnerships, 个体工商户, 个人独资企业), every third code packed with characters OCR
    confuses (0/D, 8/B, 2, Q)."""
    rng = random.Random(f"parkflow-licences-{seed}")
    kinds: list[str] = []
    for kind, share in _KIND_SHARES:
        kinds += [kind] * max(1 if n >= 10 else 0, round(n * share / 100))
    kinds = (kinds + ["company"] * n)[:n]
    rng.shuffle(kinds)
    return [_sample(rng, kind, confusable=i % 3 == 1) for i, kind in enumerate(kinds)]


# ---------------------------------------------------------------------------------------------
# Fonts


class FontsMissing(RuntimeError):
    """Debian's fonts-noto-cjk is not installed."""


FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
# style → (file, family inside the collection, fontconfig pattern)
_FONT_FILES = {
    "serif": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "Noto Serif CJK SC:style=Regular"),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "Noto Serif CJK SC:style=Bold"),
    "sans": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "Noto Sans CJK SC:style=Regular"),
    "sans-bold": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "Noto Sans CJK SC:style=Bold"),
}


@cache
def font_file(style: str) -> tuple[str, int]:
    """(path, index in the collection) of a Noto CJK SC face: the known Debian folders first,
    then fontconfig; the face is found by its family name, not assumed by index."""
    filename, family, pattern = _FONT_FILES[style]
    candidates = [Path(d) / filename for d in FONT_DIRS]
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            candidates.append(Path(found))
    for path in candidates:
        if not path.exists():
            continue
        for index in range(12):
            try:
                face = ImageFont.truetype(str(path), 12, index=index)
            except OSError:
                break
            if face.getname()[0] == family:
                return str(path), index
    raise FontsMissing(
        f"{filename} ({family}) not found in {', '.join(FONT_DIRS)} nor by fc-match: install "
        "Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)"
    )


@cache
def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = font_file(style)
    return ImageFont.truetype(path, max(6, size), index=index)


# ---------------------------------------------------------------------------------------------
# Drawing the licence

INK = (28, 26, 26)
RED = (200, 28, 32)
GOLD = (236, 190, 60)
PAPER = (252, 250, 246)
_NO_LINE_START = set("，。；：、）》」』,.;:)%")
_NO_LINE_END = set("（《「『(“")


def _tokens(text: str) -> list[str]:
    """Runs of Latin letters and digits stay whole (a date, a number, a URL); every other
    character is a token of its own."""
    tokens: list[str] = []
    for char in text:
        if (
            tokens
            and char.isascii()
            and char.isalnum()
            and tokens[-1][-1:].isascii()
            and tokens[-1][-1:].isalnum()
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    return _wrap_by(text, font.getlength, width)


def _wrap_by(text: str, measure, width: float) -> list[str]:
    """Wrap Chinese text (no spaces) to ``width`` as ``measure`` sees it: closing punctuation
    never starts a line, an opening bracket never ends one."""
    lines, current = [], ""
    for token in _tokens(text):
        if current and measure(current + token) > width and token[0] not in _NO_LINE_START:
            carry = ""
            if len(current) > 1 and current[-1] in _NO_LINE_END:
                current, carry = current[:-1], current[-1]
            lines.append(current)
            current = carry + token
        else:
            current += token
    if current:
        lines.append(current)
    return lines


class _Sheet:
    """The licence being drawn, in the base layout's pixel units times ``scale``."""

    def __init__(self, layout: str, scale: float, rng: random.Random):
        self.layout = layout
        self.s = scale
        base_w, base_h = LICENCE_SIZE[layout]
        self.w, self.h = round(base_w * scale), round(base_h * scale)
        self.rng = rng
        self.image = Image.new("RGB", (self.w, self.h), PAPER)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, v: float) -> int:
        return round(v * self.s)

    def font(self, style: str, size: float) -> ImageFont.FreeTypeFont:
        return _font(style, self.px(size))

    def text(self, x, y, text, style="serif", size=28, fill=INK, anchor="la"):
        self.draw.text(
            (self.px(x), self.px(y)), text, font=self.font(style, size), fill=fill, anchor=anchor
        )

    def spaced(self, x, y, text, width, style="sans", size=26, fill=INK):
        """A label spread over ``width`` (名        称), the way the licence justifies them."""
        font = self.font(style, size)
        if len(text) == 1:
            self.draw.text((self.px(x), self.px(y)), text, font=font, fill=fill)
            return
        char_w = font.getlength(text[0]) / self.s
        step = (width - char_w) / (len(text) - 1)
        for i, char in enumerate(text):
            self.draw.text((self.px(x + i * step), self.px(y)), char, font=font, fill=fill)

    def paragraph(self, x, y, text, width, style="serif", size=28, leading=1.45, fill=INK):
        """Wrapped text; returns the y below it."""
        font = self.font(style, size)
        for line in _wrap(text, font, self.px(width)):
            self.draw.text((self.px(x), self.px(y)), line, font=font, fill=fill)
            y += size * leading
        return y

    def lines_needed(self, text, width, style="serif", size=28) -> int:
        return len(_wrap(text, self.font(style, size), self.px(width)))

    # --- decoration -------------------------------------------------------------------------

    def guilloche(self):
        """The faint security print of the paper: interlaced waves."""
        d, rng = self.draw, self.rng
        colour = (244, 226, 214)
        phase = rng.uniform(0, math.tau)
        step = max(2, self.px(9))
        for k in range(0, self.h + step * 4, step):
            points = [
                (x, k + self.px(14) * math.sin(x / self.px(60) + phase + k / self.px(90)))
                for x in range(0, self.w + 10, max(4, self.px(8)))
            ]
            d.line(points, fill=colour, width=1)
        cx, cy = self.w / 2, self.h * 0.55
        for r in range(self.px(40), self.px(300), max(1, self.px(14))):
            d.ellipse((cx - r * 1.5, cy - r, cx + r * 1.5, cy + r), outline=(246, 232, 222))

    def border(self):
        d, px = self.draw, self.px
        outer, inner = px(26), px(52)
        d.rectangle(
            (outer, outer, self.w - outer, self.h - outer), outline=RED, width=max(2, px(5))
        )
        d.rectangle(
            (inner, inner, self.w - inner, self.h - inner), outline=RED, width=max(1, px(2))
        )
        # the patterned band between the two lines: a chain of small diamonds
        mid, size, gap = px(39), px(6), max(2, px(17))
        for x in range(mid, self.w - mid, gap):
            for y in (mid, self.h - mid):
                d.polygon([(x, y - size), (x + size, y), (x, y + size), (x - size, y)], outline=RED)
        for y in range(mid, self.h - mid, gap):
            for x in (mid, self.w - mid):
                d.polygon([(x, y - size), (x + size, y), (x, y + size), (x - size, y)], outline=RED)
        for cx, cy in (
            (mid, mid),
            (self.w - mid, mid),
            (mid, self.h - mid),
            (self.w - mid, self.h - mid),
        ):
            d.rectangle((cx - px(12), cy - px(12), cx + px(12), cy + px(12)), fill=RED)

    def emblem(self, cx, cy, r):
        """A placeholder for the national emblem: a red disc in a gold ring with five stars."""
        d, px = self.draw, self.px
        cx, cy, r = px(cx), px(cy), px(r)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=GOLD)
        d.ellipse((cx - r * 0.86, cy - r * 0.86, cx + r * 0.86, cy + r * 0.86), fill=RED)
        _star(d, cx, cy - r * 0.25, r * 0.3, GOLD)
        for angle in (-50, -20, 20, 50):
            a = math.radians(angle)
            _star(
                d,
                cx + r * 0.55 * math.sin(a),
                cy - r * 0.25 - r * 0.35 * math.cos(a) + r * 0.1,
                r * 0.1,
                GOLD,
            )
        d.rectangle((cx - r * 0.45, cy + r * 0.25, cx + r * 0.45, cy + r * 0.5), fill=GOLD)
        for i in range(5):
            x = cx - r * 0.4 + i * r * 0.2
            d.rectangle((x - r * 0.03, cy + r * 0.3, x + r * 0.03, cy + r * 0.45), fill=RED)

    def qr(self, x, y, size):
        """A block that looks like a QR code: finder squares and random modules."""
        d, rng = self.draw, self.rng
        n = 29
        module = self.px(size) / n
        x0, y0 = self.px(x), self.px(y)
        cells = [[rng.random() < 0.5 for _ in range(n)] for _ in range(n)]
        for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
            for i in range(-1, 8):
                for j in range(-1, 8):
                    if 0 <= fx + i < n and 0 <= fy + j < n:
                        ring = max(abs(i - 3), abs(j - 3))
                        cells[fy + j][fx + i] = ring in (0, 1, 3)
        for j in range(n):
            for i in range(n):
                if cells[j][i]:
                    d.rectangle(
                        (
                            x0 + i * module,
                            y0 + j * module,
                            x0 + max(i * module, (i + 1) * module - 1),
                            y0 + max(j * module, (j + 1) * module - 1),
                        ),
                        fill=(20, 20, 20),
                    )


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = math.radians(-90 + i * 36)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _seal(authority: str, radius: int, rng: random.Random) -> Image.Image:
    """The registration authority's round red seal as a greyscale ink mask (255 = full ink):
    ring, star, the authority's name round the top, patchy like a real stamp."""
    size = radius * 2 + 8
    mask = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(mask)
    c = size / 2
    ring = max(2, round(radius * 0.07))
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    _star(d, c, c, radius * 0.3, 255)
    font = _font("sans-bold", round(radius * 0.27))
    span = min(250.0, 20.0 * len(authority))
    text_r = radius * 0.74
    for i, char in enumerate(authority):
        angle = -span / 2 + span * (i + 0.5) / len(authority)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size, font.size), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        a = math.radians(angle)
        gx, gy = c + text_r * math.sin(a), c - text_r * math.cos(a)
        mask.paste(glyph, (round(gx - font.size), round(gy - font.size)), glyph)
    ink = np.asarray(mask, dtype=np.float32) / 255
    np_rng = np.random.default_rng(rng.randrange(2**32))
    patchy = np_rng.uniform(0.55, 1.0, (size // 6 + 1, size // 6 + 1)).astype(np.float32)
    patchy = np.asarray(
        Image.fromarray(patchy, mode="F").resize((size, size), Image.Resampling.BICUBIC)
    )
    ink = ink * np.clip(patchy, 0, 1) * np_rng.uniform(0.8, 1.0, ink.shape)
    mask = Image.fromarray(np.clip(ink * 255, 0, 255).astype(np.uint8), mode="L")
    return mask.rotate(rng.uniform(-12, 12), resample=Image.Resampling.BICUBIC)


def _stamp(
    image: Image.Image, mask: Image.Image, centre: tuple[int, int], colour=(214, 36, 44)
) -> Image.Image:
    """Ink multiplies with what is under it: the text under the seal stays visible."""
    base = np.asarray(image, dtype=np.float32)
    full = np.zeros(base.shape[:2], dtype=np.float32)
    x0, y0 = centre[0] - mask.width // 2, centre[1] - mask.height // 2
    ink = np.asarray(mask, dtype=np.float32) / 255 * 0.9
    ys = slice(max(0, y0), min(base.shape[0], y0 + mask.height))
    xs = slice(max(0, x0), min(base.shape[1], x0 + mask.width))
    full[ys, xs] = ink[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
    tint = np.array(colour, dtype=np.float32) / 255
    out = base * (1 - full[..., None] * (1 - tint))
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


# The rows of each layout: (field, left/right column) — horizontal; one column — vertical.
_QR_NOTE = "扫描二维码登录“国家企业信用信息公示系统”了解更多登记、备案、许可、监管信息。"
_FOOTER_SITE = "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn"
_FOOTER_MAKER = "国家市场监督管理总局监制"
_FOOTER_REPORT = "市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。"


def _rows(sample: LicenceSample) -> list[tuple[str, str, str]]:
    """(label, value, where) of what the licence prints; where is "left", "right" or "scope"."""
    rows = [
        ("名称", sample.name, "left"),
        ("类型", sample.company_type, "left"),
        (sample.representative_label, sample.legal_representative, "left"),
    ]
    rows += [(label, value, "left") for label, value in sample.extra_rows]
    rows.append(("经营范围", sample.business_scope, "scope"))
    if sample.capital_label:
        rows.append((sample.capital_label, sample.capital_text, "right"))
    rows.append((sample.established_label, cn_date(sample.established_on), "right"))
    if sample.term_label:
        rows.append((sample.term_label, sample.term_text, "right"))
    rows.append((sample.address_label, sample.address, "right"))
    return rows


def _label_width(rows, size: float = 26) -> float:
    """Labels are justified to one width: five characters, or the longest label's length."""
    return max(5, *(len(label) for label, _value, _where in rows)) * size * 0.985


def _value(sheet: _Sheet, x, y, value, width, size, one_line=False) -> float:
    """A field's value; a date or a term is kept on one line (smaller type if it must be)."""
    if one_line:
        while size > 20 and sheet.lines_needed(value, width, size=size) > 1:
            size -= 1
    return sheet.paragraph(x, y, value, width, size=size)


def _scope_size(sheet: _Sheet, text: str, width: float, room: float, size: int) -> int:
    while size > 17 and sheet.lines_needed(text, width, size=size) * size * 1.5 > room:
        size -= 1
    return size


def _issued_line(sample: LicenceSample) -> str:
    issued = datetime.date.fromisoformat(sample.issued_on)
    return f"{issued.year}  年  {issued.month:02d}  月  {issued.day:02d}  日"


_ONE_LINE = {"成立日期", "注册日期", "营业期限", "合伙期限"}


def _draw_horizontal(sheet: _Sheet, sample: LicenceSample) -> tuple[int, int]:
    rng = sheet.rng
    sheet.emblem(800, 118, 56)
    sheet.spaced(560, 182, "营业执照", 480, style="serif-bold", size=96, fill=(30, 24, 24))
    if sample.copy:
        sheet.text(1080, 232, "（副  本）", size=34)
        sheet.text(1090, 278, f"（{rng.randint(1, 2)}-1）", style="sans", size=20)
    sheet.text(100, 168, "统一社会信用代码", style="sans", size=25)
    sheet.text(100, 204, sample.credit_code, style="sans", size=31)
    sheet.text(100, 250, f"证照编号：{sample.licence_number}", style="sans", size=17)
    sheet.qr(1352, 112, 132)
    sheet.paragraph(1140, 140, _QR_NOTE, 196, style="sans", size=15, leading=1.5)

    rows = _rows(sample)
    left = [r for r in rows if r[2] == "left"]
    right = [r for r in rows if r[2] == "right"]
    scope = next(r for r in rows if r[2] == "scope")
    label_w = _label_width(left + [scope])
    lx = 118
    vx = lx + label_w + 34
    vw = 830 - vx
    y = 350
    for label, value, _ in left:
        sheet.spaced(lx, y + 2, label, label_w)
        y = _value(sheet, vx, y, value, vw, 28) + 22
    size = _scope_size(sheet, scope[1], vw, 1000 - y, 26)
    sheet.spaced(lx, y + 2, scope[0], label_w)
    sheet.paragraph(vx, y, scope[1], vw, size=size, leading=1.5)

    label_w = _label_width(right)
    lx = 880
    vx = lx + label_w + 34
    vw = 1492 - vx
    y = 350
    for label, value, _ in right:
        sheet.spaced(lx, y + 2, label, label_w)
        y = _value(sheet, vx, y, value, vw, 28, one_line=label in _ONE_LINE) + 22
    sheet.text(1000, 868, "登记机关", style="sans", size=30)
    sheet.text(1150, 960, _issued_line(sample), size=26)
    sheet.text(100, 1030, _FOOTER_SITE, style="sans", size=15)
    sheet.text(800, 1048, _FOOTER_MAKER, style="sans", size=15, anchor="ma")
    sheet.paragraph(1075, 1018, _FOOTER_REPORT, 420, style="sans", size=15, leading=1.4)
    return sheet.px(1270), sheet.px(915)


def _draw_vertical(sheet: _Sheet, sample: LicenceSample) -> tuple[int, int]:
    rng = sheet.rng
    sheet.emblem(565, 122, 56)
    sheet.spaced(355, 192, "营业执照", 420, style="serif-bold", size=88, fill=(30, 24, 24))
    if sample.copy:
        sheet.text(565, 300, "（副  本）", size=30, anchor="ma")
        sheet.text(650, 308, f"（{rng.randint(1, 2)}-1）", style="sans", size=18)
    sheet.text(92, 330, "统一社会信用代码", style="sans", size=24)
    sheet.text(92, 364, sample.credit_code, style="sans", size=30)
    sheet.text(92, 408, f"证照编号：{sample.licence_number}", style="sans", size=16)
    sheet.qr(890, 92, 132)
    sheet.paragraph(862, 236, _QR_NOTE, 190, style="sans", size=13, leading=1.45)

    order = ["名称", "类型", sample.address_label, sample.representative_label]
    order += [label for label, _ in sample.extra_rows]
    order += [sample.capital_label, sample.established_label, sample.term_label]
    all_rows = _rows(sample)
    rows = {label: value for label, value, _ in all_rows}
    label_w = _label_width(all_rows)
    lx = 110
    vx = lx + label_w + 36
    vw = 1025 - vx
    y = 480
    for label in order:
        if not label:
            continue
        sheet.spaced(lx, y + 2, label, label_w)
        y = _value(sheet, vx, y, rows[label], vw, 29, one_line=label in _ONE_LINE) + 26
    size = _scope_size(sheet, rows["经营范围"], vw, 1290 - y, 27)
    sheet.spaced(lx, y + 2, "经营范围", label_w)
    sheet.paragraph(vx, y, rows["经营范围"], vw, size=size, leading=1.5)
    sheet.text(560, 1320, "登记机关", style="sans", size=30)
    sheet.text(690, 1408, _issued_line(sample), size=26)
    sheet.text(565, 1468, _FOOTER_SITE, style="sans", size=14, anchor="ma")
    sheet.text(565, 1492, _FOOTER_REPORT, style="sans", size=13, anchor="ma")
    sheet.text(565, 1514, _FOOTER_MAKER, style="sans", size=14, anchor="ma")
    return sheet.px(830), sheet.px(1365)


def draw_licence(
    sample: LicenceSample, layout: str = HORIZONTAL, *, seed: int = 0, scale: float = 1.0
) -> Image.Image:
    """The clean licence as a Pillow image (LICENCE_SIZE times ``scale``)."""
    if layout not in LICENCE_SIZE:
        raise ValueError(f"layout must be {HORIZONTAL!r} or {VERTICAL!r}, not {layout!r}")
    rng = random.Random(f"licence-render-{seed}-{sample.credit_code}")
    sheet = _Sheet(layout, scale, rng)
    sheet.guilloche()
    sheet.border()
    seal_at = (_draw_horizontal if layout == HORIZONTAL else _draw_vertical)(sheet, sample)
    seal = _seal(sample.authority, sheet.px(96), rng)
    jitter = sheet.px(14)
    centre = (seal_at[0] + rng.randint(-jitter, jitter), seal_at[1] + rng.randint(-jitter, jitter))
    return _stamp(sheet.image, seal, centre)


# ---------------------------------------------------------------------------------------------
# Photographing it badly


@dataclasses.dataclass(frozen=True)
class Degradation:
    """What happens between the licence and the uploaded picture. Zero / False is off.
    ``preset(level, seed)`` draws a realistic combination."""

    tint: bool = False  # yellowed paper with a fibre texture
    noise: float = 0.0  # gaussian sensor noise, sigma on 0–255
    jpeg_quality: int | None = None  # saved as JPEG at this quality (else PNG)
    blur: float = 0.0  # slight defocus, gaussian sigma in pixels
    rotation: float = 0.0  # degrees, + is counter-clockwise
    perspective: float = 0.0  # keystone: the far edge this much shorter (0–0.10)
    glare: float = 0.0  # a bright soft ellipse, 0–1 of the way to white at its centre
    shadow: float = 0.0  # uneven light: darkest part this much darker (0–0.5)
    background: bool = False  # a phone photo: the sheet lies on a desk, which shows round it
    level: str = ""  # "clean" | "light" | "heavy", for reports

    @classmethod
    def preset(cls, level: str, seed: int = 0) -> "Degradation | None":
        """``clean``: a flatbed scan (None); ``light``: a scan or careful photo (paper, a little
        noise, a degree or two, JPEG); ``heavy``: a phone photo on a desk (angle, keystone,
        shadow, glare, defocus, JPEG)."""
        rng = random.Random(f"degradation-{level}-{seed}")
        if level == "clean":
            return None
        if level == "light":
            return cls(
                tint=rng.random() < 0.8,
                noise=rng.uniform(1.5, 4),
                jpeg_quality=rng.choice((None, 75, 82, 90)),
                blur=rng.choice((0.0, 0.0, rng.uniform(0.4, 0.8))),
                rotation=rng.choice((0.0, rng.uniform(-2, 2))),
                shadow=rng.choice((0.0, 0.0, rng.uniform(0.05, 0.15))),
                level=level,
            )
        if level == "heavy":
            return cls(
                tint=True,
                noise=rng.uniform(3, 7),
                jpeg_quality=rng.randint(55, 80),
                blur=rng.choice((0.0, rng.uniform(0.6, 1.3), rng.uniform(0.6, 1.3))),
                rotation=rng.uniform(1, 8) * rng.choice((-1, 1)),
                perspective=rng.uniform(0.03, 0.10),
                glare=rng.choice((0.0, rng.uniform(0.35, 0.65))),
                shadow=rng.choice((0.0, rng.uniform(0.15, 0.4), rng.uniform(0.15, 0.4))),
                background=True,
                level=level,
            )
        raise ValueError(f"level must be clean, light or heavy, not {level!r}")


def _smooth_noise(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    import cv2

    small = rng.normal(0, 1, (h // cell + 2, w // cell + 2)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _desk(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A desk top: wood with grain, a grey laminate or a dark mat."""
    import cv2

    kind = rng.integers(0, 4)
    base = np.array(
        [(128, 92, 62), (168, 128, 88), (92, 92, 98), (58, 74, 66)][kind], dtype=np.float32
    )
    if kind < 2:  # wood: grain stretched along x
        grain = rng.normal(0, 1, (h // 3 + 2, 8)).astype(np.float32)
        grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_CUBIC)
        # the grain wavers: shift each column's rows by a smooth offset
        waver = (_smooth_noise(rng, 1, w, 200)[0] * h / 60).astype(np.float32)
        map_x = np.tile(np.arange(w, dtype=np.float32), (h, 1))
        map_y = np.arange(h, dtype=np.float32)[:, None] + waver[None, :]
        grain = cv2.remap(grain, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        texture = 1 + 0.08 * grain + 0.06 * _smooth_noise(rng, h, w, 90)
    else:
        texture = (
            1
            + 0.03 * _smooth_noise(rng, h, w, 40)
            + 0.015 * rng.standard_normal((h, w), dtype=np.float32)
        )
    return base[None, None, :] * texture[..., None].astype(np.float32)


def _geometry(a: np.ndarray, d: Degradation, rng: np.random.Generator, layout: str) -> np.ndarray:
    """Place the sheet in the picture: rotated, keystoned, on a desk or a scanner's lid."""
    import cv2

    h, w = a.shape[:2]
    if d.background:
        out_w, out_h = PHOTO_SIZE[layout]
        scale = w / LICENCE_SIZE[layout][0]
        out_w, out_h = round(out_w * scale), round(out_h * scale)
        fill = rng.uniform(0.82, 0.92)
    else:
        out_w, out_h = w, h
        fill = 0.985 if d.rotation else 1.0
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src.copy()
    # keystone: one edge (mostly the top: the phone is held nearer the bottom) is shorter
    k = d.perspective
    edge = rng.choice(["top", "top", "top", "left", "right", "bottom"])
    if k:
        if edge == "top":
            dst[0, 0] += w * k / 2
            dst[1, 0] -= w * k / 2
            dst[0, 1] += h * k / 3
            dst[1, 1] += h * k / 3
        elif edge == "bottom":
            dst[3, 0] += w * k / 2
            dst[2, 0] -= w * k / 2
        elif edge == "left":
            dst[0, 1] += h * k / 2
            dst[3, 1] -= h * k / 2
        else:
            dst[1, 1] += h * k / 2
            dst[2, 1] -= h * k / 2
    angle = math.radians(d.rotation)
    centre = dst.mean(axis=0)
    rot = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    dst = (dst - centre) @ rot.T
    span = dst.max(axis=0) - dst.min(axis=0)
    factor = min(out_w * fill / span[0], out_h * fill / span[1])
    dst = dst * factor
    slack = np.array([out_w, out_h]) - (dst.max(axis=0) - dst.min(axis=0))
    offset = -dst.min(axis=0) + slack * rng.uniform(0.3, 0.7, 2)
    dst = np.float32(dst + offset)
    matrix = cv2.getPerspectiveTransform(src, dst)
    sheet = cv2.warpPerspective(
        a, matrix, (out_w, out_h), flags=cv2.INTER_AREA if factor < 0.95 else cv2.INTER_LINEAR
    )
    mask = cv2.warpPerspective(
        np.ones((h, w), np.float32), matrix, (out_w, out_h), flags=cv2.INTER_LINEAR
    )
    if d.background:
        ground = _desk(rng, out_h, out_w)
        # the sheet's soft shadow on the desk
        shadow = cv2.GaussianBlur(mask, (0, 0), out_w / 150)
        shift = np.float32([[1, 0, out_w / 200], [0, 1, out_w / 160]])
        shadow = cv2.warpAffine(shadow, shift, (out_w, out_h))
        ground *= (1 - 0.45 * shadow)[..., None]
    else:
        ground = np.full((out_h, out_w, 3), 238, np.float32)  # the scanner's lid
    return sheet * mask[..., None] + ground * (1 - mask[..., None])


def _lighting(a: np.ndarray, depth: float, rng: np.random.Generator) -> np.ndarray:
    """Light falling off across the picture, and sometimes a soft shadow (a hand, the phone)."""
    import cv2

    h, w = a.shape[:2]
    theta = rng.uniform(0, math.tau)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (xs / w - 0.5) * math.cos(theta) + (ys / h - 0.5) * math.sin(theta)
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    light = 1 - depth * ramp
    if rng.random() < 0.5:
        blob = np.zeros((h, w), np.float32)
        cx, cy = rng.uniform(0, w), rng.choice([rng.uniform(0, h * 0.25), rng.uniform(h * 0.75, h)])
        cv2.ellipse(
            blob,
            (int(cx), int(cy)),
            (int(w * rng.uniform(0.2, 0.4)), int(h * rng.uniform(0.15, 0.3))),
            rng.uniform(0, 180),
            0,
            360,
            1.0,
            -1,
        )
        blob = cv2.GaussianBlur(blob, (0, 0), w / 25)
        light *= 1 - depth * 0.7 * blob
    return a * light[..., None]


def _glare(a: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A reflection of a lamp or window: part of the text fades toward white."""
    h, w = a.shape[:2]
    cx, cy = rng.uniform(0.25, 0.75) * w, rng.uniform(0.3, 0.7) * h
    rx, ry = rng.uniform(0.08, 0.2) * w, rng.uniform(0.06, 0.14) * h
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    tilt = rng.uniform(-0.6, 0.6)
    u = (xs - cx) * math.cos(tilt) + (ys - cy) * math.sin(tilt)
    v = -(xs - cx) * math.sin(tilt) + (ys - cy) * math.cos(tilt)
    mask = np.exp(-((u / rx) ** 2 + (v / ry) ** 2) * 1.6) * strength
    return a + (255 - a) * mask[..., None]


def apply_degradation(
    image: Image.Image, d: Degradation, seed: int = 0, layout: str = HORIZONTAL
) -> Image.Image:
    """Apply ``d`` to a clean licence image."""
    import cv2

    rng = np.random.default_rng([abs(seed), 1301])
    a = np.asarray(image, dtype=np.float32)
    h, w = a.shape[:2]
    if d.tint:
        # from white to a yellowed sheet, and the camera's white balance a little off
        age = rng.uniform(0, 1)
        tint = (np.array([252, 250, 246]) * (1 - age) + np.array([240, 230, 206]) * age) / 255
        tint = tint * rng.uniform(0.98, 1.02, 3)
        texture = 1 + 0.008 * _smooth_noise(rng, h, w, max(8, w // 30))
        fibre = _smooth_noise(rng, h, w, 2) * 0.012
        a = a * tint[None, None, :] * (texture + fibre)[..., None]
    if d.background or d.rotation or d.perspective:
        a = _geometry(a, d, rng, layout)
    if d.shadow:
        a = _lighting(a, d.shadow, rng)
    if d.glare:
        a = _glare(a, d.glare, rng)
    if d.blur:
        a = cv2.GaussianBlur(a, (0, 0), d.blur)
    if d.noise:
        a = a + rng.standard_normal(a.shape, dtype=np.float32) * np.float32(d.noise)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def _encode(image: Image.Image, jpeg_quality: int | None) -> bytes:
    buffer = io.BytesIO()
    if jpeg_quality:
        image.save(buffer, "JPEG", quality=jpeg_quality, subsampling=2)
    else:
        image.save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()


def mime_of(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "application/pdf"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    raise ValueError("not a PDF, PNG or JPEG")


def render_licence(
    sample: LicenceSample,
    *,
    layout: str = HORIZONTAL,
    degrade: Degradation | None = None,
    seed: int = 0,
    scale: float = 1.0,
) -> bytes:
    """The licence as an uploaded picture: PNG, or JPEG when ``degrade`` says so. Its size is
    LICENCE_SIZE[layout] (PHOTO_SIZE for a photo on a desk) times ``scale``."""
    image = draw_licence(sample, layout, seed=seed, scale=scale)
    if degrade is None:
        return _encode(image, None)
    return _encode(apply_degradation(image, degrade, seed, layout), degrade.jpeg_quality)


# ---------------------------------------------------------------------------------------------
# PDFs


def e_licence_pdf(sample: LicenceSample) -> bytes:
    """The 电子营业执照 as a PDF, laid out like the horizontal licence, with a real text layer
    (Noto CJK subsets embedded by fpdf2): a reader should take the text, not OCR it."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{sample.name} 电子营业执照")
    pdf.set_creator("国家市场监督管理总局")
    pdf.set_creation_date(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    # Two faces (each costs about a second of subsetting): serif for the title and the values,
    # sans for the labels.
    for family in ("serif", "sans"):
        path, index = font_file(family)
        pdf.add_font(family, fname=path, collection_font_number=index)
    pdf.add_page()
    w, h = 297, 210
    red = (200, 28, 32)
    pdf.set_draw_color(*red)
    pdf.set_line_width(1.0)
    pdf.rect(5, 5, w - 10, h - 10)
    pdf.set_line_width(0.35)
    pdf.rect(9, 9, w - 18, h - 18)
    # emblem placeholder
    pdf.set_fill_color(*GOLD)
    pdf.circle(x=w / 2, y=22, radius=10, style="F")
    pdf.set_fill_color(*red)
    pdf.circle(x=w / 2, y=22, radius=8.6, style="F")
    pdf.set_fill_color(*GOLD)
    pdf.star(x=w / 2, y=20, r_in=1.3, r_out=3.2, corners=5, rotate_degrees=-18, style="F")

    pdf.set_text_color(30, 24, 24)
    pdf.set_font("serif", "", 40)
    _pdf_spaced(pdf, w / 2 - 44, 50, "营业执照", 88)
    pdf.set_font("serif", "", 13)
    pdf.text(w / 2 + 50, 48, "（电子营业执照）")
    pdf.set_font("sans", "", 10)
    pdf.text(18, 28, "统一社会信用代码")
    pdf.set_font("sans", "", 13)
    pdf.text(18, 35, sample.credit_code)
    # a QR-like block, top right
    rng = random.Random(f"e-licence-{sample.credit_code}")
    pdf.set_fill_color(20, 20, 20)
    module = 26 / 29
    for j in range(29):
        for i in range(29):
            finder = min(i, j) < 7 and max(i, j) < 7 or (i > 21 and j < 7) or (i < 7 and j > 21)
            if finder:
                ring = max(abs((i % 22) - 3), abs((j % 22) - 3))
                on = ring in (0, 1, 3)
            else:
                on = rng.random() < 0.5
            if on:
                pdf.rect(w - 42 + i * module, 14 + j * module, module, module, style="F")

    rows = _rows(sample)
    label_w = _label_width(rows, size=1) * 4.4

    def column(x, rows, y, value_w):
        for label, value, _ in rows:
            pdf.set_font("sans", "", 11)
            _pdf_spaced(pdf, x, y, label, label_w)
            pdf.set_font("serif", "", 11.5)
            y = _pdf_paragraph(pdf, x + label_w + 6, y, value, value_w)
            y += 3.5
        return y

    left = [r for r in rows if r[2] in ("left", "scope")]
    right = [r for r in rows if r[2] == "right"]
    column(22, left, 70, 112 - label_w)
    column(158, right, 70, 117 - label_w)
    pdf.set_font("sans", "", 12)
    pdf.text(185, 165, "登记机关")
    pdf.set_font("serif", "", 11)
    pdf.text(210, 165, sample.authority)
    issued = datetime.date.fromisoformat(sample.issued_on)
    pdf.text(210, 180, f"{issued.year} 年 {issued.month:02d} 月 {issued.day:02d} 日")
    pdf.set_draw_color(*red)
    pdf.set_line_width(0.9)
    pdf.circle(x=235, y=170, radius=15, style="D")
    pdf.set_fill_color(*red)
    pdf.star(x=235, y=170, r_in=2, r_out=5, corners=5, rotate_degrees=-18, style="F")
    pdf.set_font("sans", "", 7.5)
    pdf.set_text_color(60, 60, 60)
    pdf.text(16, 196, _FOOTER_SITE)
    pdf.text(w / 2 - 16, 198.5, _FOOTER_MAKER)
    pdf.text(185, 196, _FOOTER_REPORT[:26])
    pdf.text(185, 200, _FOOTER_REPORT[26:])
    return bytes(pdf.output())


def _pdf_spaced(pdf, x: float, y: float, text: str, width: float) -> None:
    if len(text) == 1:
        pdf.text(x, y, text)
        return
    step = (width - pdf.get_string_width(text[0])) / (len(text) - 1)
    for i, char in enumerate(text):
        pdf.text(x + i * step, y, char)


def _pdf_paragraph(pdf, x: float, y: float, text: str, width: float, leading: float = 6) -> float:
    lines = _wrap_by(text, pdf.get_string_width, width)
    for line in lines:
        pdf.text(x, y, line)
        y += leading
    return y


def scanned_pdf(
    sample: LicenceSample, seed: int = 0, layout: str = HORIZONTAL, scale: float = 1.0
) -> bytes:
    """A PDF holding only a scan of the licence (a JPEG page, no text layer), as a copier's
    scan-to-PDF makes."""
    image = draw_licence(sample, layout, seed=seed, scale=scale)
    light = Degradation.preset("light", seed) or Degradation()
    image = apply_degradation(image, light, seed, layout)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=150.0, quality=85)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The measurement set

STANDARD_SEED = 2013


@dataclasses.dataclass(frozen=True)
class LicenceCase:
    """One item of a measurement set: a sample and how it reaches the reader."""

    sample: LicenceSample
    kind: str  # "image" | "e_pdf" | "scanned_pdf"
    layout: str
    level: str  # "clean" | "light" | "heavy" | "text" (an e-licence)
    seed: int

    @property
    def group(self) -> str:
        if self.kind == "image":
            return f"{self.layout}/{self.level}"
        return self.kind

    def render(self) -> tuple[bytes, str]:
        """(bytes, mime) as uploaded."""
        if self.kind == "e_pdf":
            return e_licence_pdf(self.sample), "application/pdf"
        if self.kind == "scanned_pdf":
            return scanned_pdf(self.sample, self.seed, self.layout), "application/pdf"
        data = render_licence(
            self.sample,
            layout=self.layout,
            degrade=Degradation.preset(self.level, self.seed),
            seed=self.seed,
        )
        return data, mime_of(data)


def standard_set(n: int = 50) -> list[LicenceCase]:
    """The fixed measurement set (the same every run): ``n`` ≥ 50 licences — a few e-licence
    PDFs and scanned PDFs, the rest pictures, at least a third of them vertical, about 30 %
    clean scans, 35 % light (scan or careful photo) and 35 % heavy (phone photo on a desk)."""
    if n < 50:
        raise ValueError("the standard set has at least 50 licences")
    rng = random.Random(f"standard-set-{STANDARD_SEED}-{n}")
    n_pdf = max(2, n // 25)
    n_images = n - 2 * n_pdf
    kinds = ["e_pdf"] * n_pdf + ["scanned_pdf"] * n_pdf
    n_clean, n_light = round(n_images * 0.3), round(n_images * 0.35)
    levels = ["clean"] * n_clean + ["light"] * n_light + ["heavy"] * (n_images - n_clean - n_light)
    vertical = set(rng.sample(range(n_images), math.ceil(n_images * 0.4)))
    image_cases = [
        ("image", VERTICAL if i in vertical else HORIZONTAL, level)
        for i, level in enumerate(levels)
    ]
    rng.shuffle(image_cases)
    plan = image_cases + [
        (kind, HORIZONTAL, "text" if kind == "e_pdf" else "light") for kind in kinds
    ]
    rng.shuffle(plan)
    return [
        LicenceCase(sample=sample, kind=kind, layout=layout, level=level, seed=STANDARD_SEED + i)
        for i, (sample, (kind, layout, level)) in enumerate(
            zip(samples(n, seed=STANDARD_SEED), plan, strict=True)
        )
    ]
