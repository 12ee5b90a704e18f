"""Brand-impersonation check (R-ENT-6, Art.10 "防范虚假企业冒用知名品牌入驻的声誉风险").

The name is converted to simplified characters, the trailing legal form and a bracketed region
are removed, and the rest is segmented into words by jieba (the Rust port ``rjieba``, with every
protected brand and Chinese alias added to its dictionary; see D20). A brand is then looked for
*as a whole word*, never as a plain substring, in these ways, strongest first:

* word          a segment is the brand or a Chinese alias            苏州华为智能科技有限公司
* compound      a dictionary word made of the brand and other words  华为技术 = 华为 + 技术
                (but not 京东方 = 京东 + 方: one bound character makes a different word)
* traditional   the same, found only after traditional → simplified  蘇州華為科技有限公司
* Latin         a registered Latin alias, or the brand's pinyin,     HUAWEI（苏州）科技有限公司
                as a whole run of Latin words                        Tengxun（无锡）信息技术有限公司
* homophone     a candidate span sounds exactly like the brand's     苏州华维通信有限公司
                *stored* reading, tones included
* near miss     brands of three or more syllables: the toneless      杭州阿里爸爸网络有限公司
                pinyin of a candidate span is at least
                ``NEAR_MISS_THRESHOLD`` similar (rapidfuzz ratio)

Candidate spans for the two sound paths follow word boundaries: runs of consecutive segments
whose length equals the brand's. A word the segmenter does not know (it guessed it with its HMM,
e.g. 腾迅) is split into its characters first, since its boundaries are only a guess. So
精华为本 (精华 | 为本) offers no 华为, while 比亚笛 (比亚 | 笛) is one candidate.

The brand's reading is the one stored on the brand (editable, defaulted from pypinyin): 华为 is
huá wéi, so 华卫 (huá wèi) is not a homophone. A candidate's characters count in every reading,
because an applicant chooses how his own name is read. Every hit carries its evidence (path,
span, segments, readings, score), stored on the flag and explained in Chinese by ``explain``.
"""

import itertools
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import rjieba
from django.utils.translation import gettext as _
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.contrib.tone_convert import to_normal, to_tone
from pypinyin.pinyin_dict import pinyin_dict
from rapidfuzz import fuzz

from parkflow.intake.choices import BrandMatch

NEAR_MISS_THRESHOLD = 90
NEAR_MISS_MIN_SYLLABLES = 3
LATIN_PINYIN_MIN_LETTERS = 4  # "geli", "meide"… shorter pinyin runs are everyday syllables
LATIN_ALIAS_MIN_LETTERS = 3  # "JD" is two letters: the initials of countless ordinary names

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
_REGION_SET = frozenset(_REGIONS)
_REGION_SUFFIXES = ("自治区", "省", "市", "区", "县")
_PAREN_REGION = re.compile(r"[（(](?:" + "|".join(_REGIONS) + r")(?:省|市|区|县)?[)）]")
_LEGAL_FORM = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|分公司|公司|合伙企业|（有限合伙）|\(有限合伙\)|工作室|经营部|厂|店)+$"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_LATIN_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_SYLLABLE = re.compile(r"^([a-zü]+?)([1-5])$")


class Match(NamedTuple):
    """The strongest hit of one brand in one name; ``evidence`` says why (stored on the flag)."""

    method: str
    score: int
    evidence: dict


@dataclass(frozen=True)
class BrandHit:
    brand_id: int
    brand_name: str
    method: str
    score: int
    evidence: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Text helpers


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


def _is_han(text: str) -> bool:
    return bool(text) and all(_HAN.match(ch) for ch in text)


def _han_only(text: str) -> str:
    return "".join(ch for ch in text if _HAN.match(ch))


# ---------------------------------------------------------------------------------------------
# Readings: "hua2 wei2" — pinyin with tone numbers 1–5 (5 = neutral), one syllable per character


@lru_cache(maxsize=1)
def _valid_syllables() -> frozenset:
    """Every toneless syllable pypinyin knows (ü written v), e.g. {"hua", "wei", "lv", …}."""
    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            found.add(to_normal(reading.strip()).replace("ü", "v"))
    return frozenset(found)


def normalise_reading(reading: str) -> str:
    """Lower case, single spaces, ü/u: written v: " Hua2  WEI2 " → "hua2 wei2"."""
    text = (reading or "").strip().lower().replace("ü", "v").replace("u:", "v")
    return " ".join(text.replace(",", " ").replace("，", " ").split())


def default_reading(name: str) -> str:
    """pypinyin's most common reading of the brand's Chinese characters, read as a phrase."""
    han = _han_only(simplified(name or ""))
    if not han:
        return ""
    return " ".join(
        s.lower().replace("ü", "v")
        for s in lazy_pinyin(han, style=Style.TONE3, neutral_tone_with_five=True)
    )


def reading_error(name: str, reading: str) -> str | None:
    """Why ``reading`` cannot be the reading of ``name`` (a Chinese sentence), or None."""
    han = _han_only(simplified(name or ""))
    syllables = normalise_reading(reading).split()
    if len(syllables) != len(han):
        return _(
            "读音须为每个汉字一个带声调数字的拼音音节，以空格分隔（如 hua2 wei2）："
            "品牌名称有 %(chars)d 个汉字，读音有 %(syllables)d 个音节。"
        ) % {"chars": len(han), "syllables": len(syllables)}
    valid = _valid_syllables()
    for syllable in syllables:
        found = _SYLLABLE.match(syllable)
        if not found or found.group(1) not in valid:
            return _(
                "“%(syllable)s”不是有效的拼音音节：须为拼音加声调数字 1–5（5 为轻声），如 hua2。"
            ) % {"syllable": syllable}
    return None


def reading_display(reading: str) -> str:
    """ "hua2 wei2" → "huá wéi" (tone marks, as a Chinese reader expects)."""
    return " ".join(to_tone(s) for s in normalise_reading(reading).split())


@lru_cache(maxsize=8192)
def _char_readings(ch: str) -> frozenset:
    """Every reading of one character, tone numbers: 为 → {wei2, wei4}."""
    readings = pinyin(ch, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)
    return frozenset(r.lower().replace("ü", "v") for r in readings[0]) if readings else frozenset()


def _plain_reading(text: str) -> str:
    return " ".join(
        s.lower().replace("ü", "v")
        for s in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    )


# ---------------------------------------------------------------------------------------------
# The segmenter: one jieba (rjieba) instance per process, with the brands in its dictionary

_lock = threading.Lock()
_segmenter: dict = {"jieba": None, "words": frozenset()}


def _jieba(words: frozenset):
    """The process's segmenter, holding ``words`` in its dictionary. Built lazily (≈0.1 s, the
    dictionary ships inside the package: no download, no cache file); brand words are added as
    they appear, and the instance is rebuilt when a word is dropped (a brand renamed or retired)."""
    with _lock:
        tokenizer, known = _segmenter["jieba"], _segmenter["words"]
        if tokenizer is None or not known <= words:
            tokenizer, known = rjieba.Jieba(), frozenset()
        for word in sorted(words - known):
            # No frequency: jieba suggests one just high enough for the word to be cut whole.
            tokenizer.add_word(word, None, None)
        _segmenter.update(jieba=tokenizer, words=words)
        return tokenizer


def _is_region(segment: str) -> bool:
    if segment in _REGION_SET or segment in _REGION_SUFFIXES:
        return True
    return any(
        segment.endswith(suffix) and segment[: -len(suffix)] in _REGION_SET
        for suffix in _REGION_SUFFIXES
    )


@dataclass
class Analysis:
    """A name as the check reads it."""

    original: str
    segments: list[str]  # the trade name's words, leading region words included
    region_count: int  # how many leading segments are region words (江苏省, 苏州市, 中国)
    atoms: list[str | None]  # candidate building blocks; None separates (Latin, digits, signs)
    atom_region_count: int
    latin_words: list[str]

    @property
    def trade_name(self) -> str:
        return "".join(self.segments[self.region_count :]) or "".join(self.segments)

    @property
    def shown_segments(self) -> list[str]:
        return [s for s in self.segments if s.strip()]


def analyse(name: str, tokenizer) -> Analysis:
    original = (name or "").strip()
    core = _PAREN_REGION.sub("", simplified(original))
    core = _LEGAL_FORM.sub("", core) or core
    segments = [s for s in tokenizer.cut(core, True) if s.strip()]
    region_count = 0
    while region_count < len(segments) - 1 and _is_region(segments[region_count]):
        region_count += 1
    atoms: list[str | None] = []
    atom_region_count = 0
    for index, segment in enumerate(segments):
        if not _is_han(segment):
            atoms.append(None)
        elif len(segment) == 1 or tokenizer.has_word(segment):
            atoms.append(segment)
        else:
            # An unknown word (the segmenter's HMM guess, e.g. 腾迅): its inner boundaries are
            # unknown too, so each character is a building block of its own.
            atoms.extend(segment)
        if index < region_count:
            atom_region_count = len(atoms)
    latin_words = [w for run in _LATIN_RUN.findall(original) for w in _LATIN_WORD.findall(run)]
    return Analysis(original, segments, region_count, atoms, atom_region_count, latin_words)


def trade_name(name: str) -> str:
    """The distinctive part of a company name: 苏州华为智能科技有限公司 → 华为智能科技."""
    return analyse(name, _jieba(_segmenter["words"])).trade_name


# ---------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class BrandSpec:
    """What the check needs of a brand: its name, aliases and its own stored reading."""

    name: str
    aliases: tuple = ()
    reading: str = ""
    distinct: tuple = ()  # words that contain the brand but mean something else: 京东方

    @property
    def simple(self) -> str:
        return simplified(self.name)

    @property
    def syllables(self) -> list[str]:
        return normalise_reading(self.reading or default_reading(self.name)).split()

    @property
    def chinese_spellings(self) -> list[str]:
        """The brand and its Chinese aliases, simplified: the words added to the segmenter."""
        spellings = [self.simple] + [simplified(a) for a in self.aliases if _HAN.search(a)]
        return [s for s in dict.fromkeys(spellings) if _is_han(s)]

    @property
    def distinct_simple(self) -> frozenset:
        return frozenset(simplified(w) for w in self.distinct if _is_han(simplified(w)))

    @property
    def latin_aliases(self) -> list[str]:
        spellings = (self.name, *self.aliases)  # a brand may itself be Latin: "BYD", "OPPO"
        return list(
            dict.fromkeys(
                a.replace(" ", "").lower()
                for a in spellings
                if re.fullmatch(r"[A-Za-z ]+", a)
                and len(a.replace(" ", "")) >= LATIN_ALIAS_MIN_LETTERS
            )
        )


def dictionary_words(specs) -> frozenset:
    """The brands, their Chinese aliases and their distinct words, for the segmenter."""
    return frozenset(
        word for spec in specs for word in (*spec.chinese_spellings, *spec.distinct_simple)
    )


def _spans(analysis: Analysis, length: int, brand_simple: str):
    """Candidate spans ``length`` characters long that follow word boundaries: both ends on a
    boundary between atoms; for brands of three or more characters also spans that reach one
    character into the neighbouring word (宁德 | 时 | 带电池 offers 宁德时带). A span may start
    inside the leading region words only where the brand itself starts with them (中国平安:
    中国 | 平 | 按 is a candidate; 上海 | 尔康 never offers 海尔)."""
    text, bounds = "", {0}
    for atom in analysis.atoms:
        if atom is None:
            text += "\0"
        else:
            text += atom
        bounds.add(len(text))
        if atom is None:
            bounds.add(len(text) - 1)
    region_end = sum(len(a) for a in analysis.atoms[: analysis.atom_region_count] if a)
    for start in range(len(text) - length + 1):
        end = start + length
        span = text[start:end]
        if "\0" in span:
            continue
        aligned = start in bounds and end in bounds
        if not aligned and length >= 3:
            aligned = (start in bounds and end - 1 in bounds) or (
                end in bounds and start + 1 in bounds
            )
        if not aligned:
            continue
        if start < region_end and not brand_simple.startswith(text[start:region_end][:length]):
            continue
        yield span


def _compound_rest(segment: str, spelling: str, distinct, tokenizer) -> list[str] | None:
    """The rest of a dictionary word that holds the brand, or None when the word is not the brand.

    A word that starts with the brand is the brand plus a suffix (华为技术, 格力电器, 茅台酒), unless
    the brand lists it as a distinct word (京东方 BOE, 小米粥 millet porridge, 茅台镇 the town).
    Where the brand is not at the start, the words around it must be whole words of two or more
    characters (青岛海尔 yes; 北京东方, 几百度, 米海尔: one bound character, a different word)."""
    if spelling not in segment or segment == spelling or segment in distinct:
        return None
    before, _sep, after = segment.partition(spelling)
    if not before:
        return [after]
    rest = [w for part in (before, after) if part for w in tokenizer.cut(part, False)]
    return rest if all(len(w) >= 2 for w in rest) else None


def _evidence(analysis: Analysis, spec: BrandSpec, path: str, score: int, **more) -> dict:
    return {
        "path": path,
        "segments": analysis.shown_segments,
        "brand": spec.name,
        "brand_reading": " ".join(spec.syllables),
        "score": score,
        **more,
    }


def match_spec(analysis: Analysis, spec: BrandSpec, tokenizer) -> Match | None:
    """The strongest hit of one brand in one analysed name, or None."""
    original = analysis.original
    # 1. The brand or a Chinese alias as a whole word (or the head of a brand compound).
    for spelling in spec.chinese_spellings:
        for segment in analysis.segments:
            rest = None
            if segment != spelling:
                rest = _compound_rest(segment, spelling, spec.distinct_simple, tokenizer)
                if rest is None:
                    continue
            traditional = spelling not in original
            if traditional:
                path = "traditional"
            elif spelling != spec.simple:
                path = "alias"
            else:
                path = "word" if rest is None else "compound"
            method = BrandMatch.TRADITIONAL if traditional else BrandMatch.EXACT
            return Match(
                method,
                100,
                _evidence(analysis, spec, path, 100, span=spelling, word=segment, rest=rest or []),
            )
    # 2. A registered Latin alias as a whole run of Latin words (HUAWEI, Tencent).
    latin = [w.lower() for w in analysis.latin_words]
    for alias in spec.latin_aliases:
        span = _latin_run(analysis.latin_words, latin, alias)
        if span:
            return Match(
                BrandMatch.EXACT, 100, _evidence(analysis, spec, "latin_alias", 100, span=span)
            )
    syllables = spec.syllables
    brand_han = _han_only(spec.simple)
    if len(syllables) != len(brand_han) or not brand_han:
        return None
    # 3. Homophone: a candidate span read exactly as the brand's stored reading, tones included.
    candidates = list(dict.fromkeys(_spans(analysis, len(brand_han), spec.simple)))
    if len(syllables) >= 2:
        for text in candidates:
            if all(syllables[k] in _char_readings(ch) for k, ch in enumerate(text)):
                return Match(
                    BrandMatch.PINYIN,
                    95,
                    _evidence(
                        analysis,
                        spec,
                        "homophone",
                        95,
                        span=text,
                        span_reading=" ".join(syllables),
                        span_common_reading=_plain_reading(text),
                    ),
                )
    # 4. The brand's pinyin written in Latin letters (Tengxun, TengXun), tones ignored.
    target = "".join(s.rstrip("12345") for s in syllables)
    if len(target) >= LATIN_PINYIN_MIN_LETTERS:
        span = _latin_run(analysis.latin_words, latin, target)
        if span:
            return Match(
                BrandMatch.PINYIN, 95, _evidence(analysis, spec, "latin_pinyin", 95, span=span)
            )
    # 5. Near miss (three or more syllables): toneless pinyin of a same-length span.
    if len(syllables) >= NEAR_MISS_MIN_SYLLABLES:
        best, best_text, best_reading = 0.0, "", ""
        for text in candidates:
            for reading in _toneless_readings(text):
                ratio = fuzz.ratio("".join(reading), target)
                if ratio > best:
                    best, best_text, best_reading = ratio, text, " ".join(reading)
        if best >= NEAR_MISS_THRESHOLD:
            score = int(best)
            return Match(
                BrandMatch.NEAR_MISS,
                score,
                _evidence(
                    analysis,
                    spec,
                    "near_miss",
                    score,
                    span=best_text,
                    span_reading=_plain_reading(best_text),
                    span_toneless=best_reading,
                    threshold=NEAR_MISS_THRESHOLD,
                ),
            )
    return None


def _latin_run(words: list[str], lowered: list[str], target: str) -> str:
    """The original Latin words whose concatenation is ``target`` (whole words only), or ""."""
    for start in range(len(lowered)):
        joined = ""
        for end in range(start, len(lowered)):
            joined += lowered[end]
            if joined == target:
                return "".join(words[start : end + 1])
            if len(joined) >= len(target):
                break
    return ""


def _toneless_readings(text: str, limit: int = 64):
    """Every toneless reading of ``text`` (heteronyms combined), at most ``limit`` of them."""
    per_char = [sorted({r.rstrip("12345") for r in _char_readings(ch)}) for ch in text]
    return itertools.islice(itertools.product(*per_char), limit)


def _spec(brand) -> BrandSpec:
    if isinstance(brand, BrandSpec):
        return brand
    return BrandSpec(
        name=brand.name,
        aliases=tuple(brand.alias_list),
        reading=getattr(brand, "reading", ""),
        distinct=tuple(getattr(brand, "distinct_word_list", ())),
    )


def match(name: str, brand_name: str, aliases=(), reading: str = "", distinct=()) -> Match | None:
    """(method, score, evidence) of the strongest hit of one brand in one name, or None."""
    spec = BrandSpec(brand_name, tuple(aliases), reading, tuple(distinct))
    tokenizer = _jieba(_segmenter["words"] | dictionary_words([spec]))
    return match_spec(analyse(name, tokenizer), spec, tokenizer)


def find_hits(name: str, brands) -> list[BrandHit]:
    """Every brand (model instances or ``BrandSpec``) the name is suspected of impersonating."""
    pairs = [(getattr(b, "pk", None), _spec(b)) for b in brands]
    tokenizer = _jieba(dictionary_words(spec for _pk, spec in pairs))
    analysis = analyse(name, tokenizer)
    hits = []
    for pk, spec in pairs:
        found = match_spec(analysis, spec, tokenizer)
        if found:
            hits.append(BrandHit(pk, spec.name, found.method, found.score, found.evidence))
    return hits


# ---------------------------------------------------------------------------------------------
# Why: the evidence in Chinese (brand flag card, flag lists, API)


def explain(evidence: dict) -> str:
    if not evidence:
        return ""
    path = evidence.get("path")
    values = {
        "brand": evidence.get("brand", ""),
        "span": evidence.get("span", ""),
        "word": evidence.get("word", ""),
        "rest": "、".join(evidence.get("rest") or []),
        "segments": "｜".join(evidence.get("segments") or []),
        "brand_reading": reading_display(evidence.get("brand_reading", "")),
        "span_reading": reading_display(evidence.get("span_reading", "")),
        "score": evidence.get("score", ""),
        "threshold": evidence.get("threshold", NEAR_MISS_THRESHOLD),
    }
    texts = {
        "word": _("分词“%(segments)s”中的“%(span)s”与品牌“%(brand)s”完全一致。"),
        "alias": _("分词“%(segments)s”中的“%(span)s”是品牌“%(brand)s”登记的别名。"),
        "compound": _("分词“%(segments)s”中的词语“%(word)s”由品牌“%(span)s”加“%(rest)s”构成。"),
        "traditional": _(
            "名称用繁体书写，转为简体后分词“%(segments)s”中的“%(word)s”与品牌“%(brand)s”相符。"
        ),
        "latin_alias": _("名称中的拉丁字母“%(span)s”是品牌“%(brand)s”登记的英文名/别名。"),
        "latin_pinyin": _(
            "名称中的拉丁字母“%(span)s”是品牌“%(brand)s”的拼音（%(brand_reading)s，不计声调）。"
        ),
        "homophone": _(
            "分词“%(segments)s”中的“%(span)s”可读作 %(span_reading)s，"
            "与品牌“%(brand)s”的读音 %(brand_reading)s 完全相同（含声调）。"
        ),
        "near_miss": _(
            "分词“%(segments)s”中的“%(span)s”读作 %(span_reading)s，与品牌“%(brand)s”的读音 "
            "%(brand_reading)s 不计声调的相似度为 %(score)s（阈值 %(threshold)s）。"
        ),
    }
    text = texts.get(path)
    return text % values if text else ""
