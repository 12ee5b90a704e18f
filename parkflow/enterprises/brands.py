"""Brand-impersonation check (R-ENT-6, Art.10 "防范虚假企业冒用知名品牌入驻的声誉风险").

The applicant's name is reduced to its trade-name part (leading region words and the trailing
legal form removed, traditional characters converted to simplified) and compared with each
protected brand and its aliases in four ways, strongest first:

* EXACT        the brand appears in the name                         苏州华为智能科技有限公司
* TRADITIONAL  it appears only after traditional → simplified         蘇州華為科技有限公司
* PINYIN       the same syllables with the same tones (a homophone;   苏州华维通信有限公司
               every reading of a polyphonic character counts),
               or the brand's pinyin written in Latin letters         HUAWEI（苏州）科技有限公司
* NEAR_MISS    for brands of three or more syllables: the toneless    杭州阿里爸爸网络有限公司
               pinyin of a same-length stretch of the name is at
               least ``NEAR_MISS_THRESHOLD`` similar (rapidfuzz ratio)

Tones matter for two-syllable brands: 华伟 (huá wěi) is an ordinary name, 华维 (huá wéi) sounds
exactly like 华为. The region is stripped so that 上海尔康 is not read as 海尔.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz import fuzz

from .choices import BrandMatch

NEAR_MISS_THRESHOLD = 90
NEAR_MISS_MIN_SYLLABLES = 3

_REGIONS = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "苏州",
    "无锡",
    "常州",
    "南京",
    "南通",
    "扬州",
    "镇江",
    "泰州",
    "徐州",
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "绍兴",
    "湖州",
    "金华",
    "合肥",
    "深圳",
    "广州",
    "东莞",
    "佛山",
    "珠海",
    "厦门",
    "福州",
    "青岛",
    "济南",
    "武汉",
    "长沙",
    "成都",
    "西安",
    "郑州",
    "沈阳",
    "大连",
    "昆山",
    "江阴",
    "张家港",
    "常熟",
    "太仓",
    "吴江",
    "中国",
]
_REGION_PREFIX = re.compile(
    r"^(?:(?:" + "|".join(sorted(_REGIONS, key=len, reverse=True)) + r")(?:省|市|区|县|自治区)?)+"
)
_PAREN_REGION = re.compile(r"[（(](?:" + "|".join(_REGIONS) + r")(?:省|市|区|县)?[)）]")
_LEGAL_FORM = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|分公司|公司|合伙企业|（有限合伙）|\(有限合伙\)|工作室|经营部|厂|店)+$"
)
_LATIN = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class BrandHit:
    brand_id: int
    brand_name: str
    method: str
    score: int


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


def trade_name(name: str) -> str:
    """The distinctive part of a company name: 苏州华为智能科技有限公司 → 华为智能科技."""
    core = simplified(name.strip())
    core = _PAREN_REGION.sub("", core)
    core = _REGION_PREFIX.sub("", core)
    core = _LEGAL_FORM.sub("", core)
    return core or simplified(name.strip())


def _toned(text: str) -> list[set[str]]:
    """Every reading of every character, with tones: 为 → {wei2, wei4}."""
    return [
        {r.lower() for r in readings}
        for readings in pinyin(
            text, style=Style.TONE3, heteronym=True, errors="ignore", neutral_tone_with_five=True
        )
    ]


def _plain(text: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore")]


def _homophone_run(name_readings: list[set[str]], brand_readings: list[set[str]]) -> bool:
    n = len(brand_readings)
    return any(
        all(name_readings[i + j] & brand_readings[j] for j in range(n))
        for i in range(len(name_readings) - n + 1)
    )


def match(name: str, brand_name: str, aliases: list[str] = ()) -> tuple[str, int] | None:
    """(method, score) of the strongest hit of one brand in one name, or None."""
    core = trade_name(name)
    for spelling in (brand_name, *aliases):
        if simplified(spelling) in core:
            return (BrandMatch.EXACT if spelling in name else BrandMatch.TRADITIONAL), 100
    han_brand = simplified(brand_name)
    brand_readings = _toned(han_brand)
    if len(brand_readings) >= 2 and _homophone_run(_toned(core), brand_readings):
        return BrandMatch.PINYIN, 95
    latin_in_name = "".join(_LATIN.findall(name)).lower()
    if latin_in_name:
        targets = ["".join(_plain(han_brand))] + [a.lower() for a in aliases if _LATIN.fullmatch(a)]
        if any(len(t) >= 4 and t in latin_in_name for t in targets):
            return BrandMatch.PINYIN, 95
    brand_plain = _plain(han_brand)
    if len(brand_plain) >= NEAR_MISS_MIN_SYLLABLES:
        core_plain = _plain(core)
        n, target = len(brand_plain), "".join(brand_plain)
        best = max(
            (
                fuzz.ratio("".join(core_plain[i : i + n]), target)
                for i in range(max(1, len(core_plain) - n + 1))
            ),
            default=0,
        )
        if best >= NEAR_MISS_THRESHOLD:
            return BrandMatch.NEAR_MISS, int(best)
    return None


def find_hits(name: str, brands) -> list[BrandHit]:
    hits = []
    for brand in brands:
        found = match(name, brand.name, brand.alias_list)
        if found:
            hits.append(BrandHit(brand.pk, brand.name, found[0], found[1]))
    return hits
