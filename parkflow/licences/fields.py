"""From the lines read off a licence to the register's fields (issue 13).

Every Chinese business licence prints the same labels (名称, 类型, 法定代表人 …) with the value to
their right, in two columns on the horizontal format and one on the vertical. So the lines are
first straightened (a photo taken at an angle tilts every row alike), grouped into rows, the
labels found — also when the OCR split a spaced label such as "名　　称" into two boxes or
misread one character of a long label — and each value taken from the rest of its row up to
the next label, continuing onto the lines below for the fields that wrap (经营范围, 住所).

Each value keeps the confidence of every character it came from; the credit code is checked
with its GB 32100 check digit and is never "corrected" into passing it."""

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .reading import FieldReading, LicenceResult, OcrLine

# A character read below this confidence is shown to the person as unsure.
UNSURE = 0.80
# The credit code is held to more: a code failing its check digit highlights every character
# below this, and at least its three least sure ones.
CODE_UNSURE = 0.95

# Labels as printed, per field. Longest first within a field; the matcher also tries them all.
LABELS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "name": ("企业名称", "名称"),
    "company_type": ("主体类型", "组成形式", "类型"),
    "legal_representative": (
        "执行事务合伙人",
        "法定代表人",
        "首席代表",
        "负责人",
        "经营者",
        "投资人",
    ),
    "registered_capital": ("注册资本", "注册资金", "出资总额", "出资额"),
    "established_on": ("成立日期", "注册日期"),
    "term": ("营业期限", "经营期限", "合伙期限"),
    "address": ("主要经营场所", "经营场所", "营业场所", "住所"),
    "business_scope": ("经营范围",),
}
# Text that ends a value: the licence's own furniture below and around the fields.
STOPS = (
    "登记机关",
    "国家企业信用信息公示系统",
    "国家市场监督管理总局监制",
    "市场主体应当",
    "年度报告",
    "营业执照",
    "副本",
    "正本",
    "编号",
    "证照编号",
)
# Fields whose value may run onto the next lines.
WRAPPING = {"business_scope", "address", "legal_representative", "company_type"}

# Characters GB 32100 never uses, read for the digits they look like.
CODE_LOOKALIKES = {"O": "0", "I": "1", "Z": "2", "S": "5"}
CODE_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")

_DATE = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日目曰]?")
_LONG_TERM = re.compile(r"长期|永久|无固定期限|不约定期限")


@dataclass
class Chars:
    """Text with the confidence of each character, so that cleaning a value keeps them."""

    text: str = ""
    conf: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, text: str, conf: list[float]) -> "Chars":
        return cls(text, list(conf))

    def __add__(self, other: "Chars") -> "Chars":
        return Chars(self.text + other.text, self.conf + other.conf)

    def keep(self, predicate) -> "Chars":
        pairs = [(c, p) for c, p in zip(self.text, self.conf, strict=True) if predicate(c)]
        return Chars("".join(c for c, _ in pairs), [p for _, p in pairs])

    def map(self, fn) -> "Chars":
        return Chars("".join(fn(c) for c in self.text), list(self.conf))

    def slice(self, start: int, end: int | None = None) -> "Chars":
        return Chars(self.text[start:end], self.conf[start:end])

    def strip(self, chars: str) -> "Chars":
        start, end = 0, len(self.text)
        while start < end and self.text[start] in chars:
            start += 1
        while end > start and self.text[end - 1] in chars:
            end -= 1
        return self.slice(start, end)


@dataclass
class Item:
    """One recognised box, straightened: its text and where it sits."""

    chars: Chars
    x0: float
    x1: float
    y0: float
    y1: float
    label: str = ""  # the field whose label this box starts with
    label_text: str = ""  # the label as matched (e.g. 负责人)
    label_len: int = 0  # characters of the box taken by the label
    used: bool = False

    @property
    def text(self) -> str:
        return self.chars.text

    @property
    def height(self) -> float:
        return max(1.0, self.y1 - self.y0)

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


# ---------------------------------------------------------------------------------------------
# Normalising


def _halfwidth(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch) if ch not in "（）：；，。、" else ch


def _compact(chars: Chars) -> Chars:
    """Without spaces (licences space their labels and OCR spaces its reads at will)."""
    return chars.keep(lambda c: not c.isspace() and c not in "\u3000")


def _brackets_full(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


def _angle(lines: list[OcrLine]) -> float:
    """The tilt of the text rows, from the top edges of the wide boxes (median, radians)."""
    angles = []
    for line in lines:
        if len(line.box) != 4:
            continue
        (x0, y0), (x1, y1) = line.box[0], line.box[1]
        height = math.dist(line.box[0], line.box[3])
        width = math.dist(line.box[0], line.box[1])
        if width > 3 * height:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    if not angles:
        return 0.0
    angles.sort()
    return angles[len(angles) // 2]


def _items(lines: list[OcrLine]) -> list[Item]:
    angle = _angle(lines)
    cos, sin = math.cos(-angle), math.sin(-angle)
    items = []
    for line in lines:
        chars = _compact(Chars.of(line.text, line.confidences))
        if not chars.text:
            continue
        if line.box:
            points = [(x * cos - y * sin, x * sin + y * cos) for x, y in line.box]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            if len(chars.text) > 1 and (y1 - y0) > 1.8 * (x1 - x0):
                # A column of characters: the first characters of spaced labels stacked
                # ("名 / 类 / 住") are found as one tall box. One item per character.
                step = (y1 - y0) / len(chars.text)
                for k in range(len(chars.text)):
                    top = y0 + k * step
                    items.append(Item(chars.slice(k, k + 1), x0, x1, top, top + step))
            else:
                items.append(Item(chars, x0, x1, y0, y1))
        else:
            items.append(Item(chars, 0, 0, len(items) * 10, len(items) * 10 + 8))
    items.sort(key=lambda item: (item.y0, item.x0))
    return items


# ---------------------------------------------------------------------------------------------
# Labels


def _similar(a: str, b: str) -> bool:
    """Equal, or one character different for a label of four characters or more (OCR misreads
    a stroke now and then; 法定代表入 is still the label)."""
    if a == b:
        return True
    return len(b) >= 4 and len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _match_label(text: str) -> tuple[str, str, int]:
    """(field, label, length) when ``text`` starts with a label, else ("", "", 0)."""
    text = text.lstrip(":：·•")
    best = ("", "", 0)
    for key, labels in LABELS.items():
        for label in labels:
            head = text[: len(label)]
            if _similar(head, label) and len(label) > best[2]:
                best = (key, label, len(label))
    return best


def _is_stop(text: str) -> bool:
    # At the start only: a business scope says "凭营业执照依法自主开展经营活动".
    text = text.lstrip("(（[【")
    return any(text.startswith(stop) for stop in STOPS)


def _same_row(a: Item, b: Item) -> bool:
    return abs(a.yc - b.yc) < 0.5 * max(a.height, b.height)


def _rows(items: list[Item]) -> list[list[Item]]:
    """The items grouped into rows (top to bottom), each row left to right."""
    rows: list[list[Item]] = []
    for item in sorted(items, key=lambda i: i.yc):
        if rows and _same_row(rows[-1][0], item):
            rows[-1].append(item)
        else:
            rows.append([item])
    return [sorted(row, key=lambda i: i.x0) for row in rows]


def _merge_split_labels(items: list[Item]) -> list[Item]:
    """Join boxes of one row whose texts together make a label ("名" + "称", "住" + "所"):
    a spaced label is often found as one box per character."""
    merged: list[Item] = []
    for row in _rows(items):
        index = 0
        while index < len(row):
            item = row[index]
            join = 0
            if len(item.text) <= 3 and not _match_label(item.text)[0]:
                joined = item.text
                for ahead in range(index + 1, min(index + 4, len(row))):
                    other = row[ahead]
                    if other.x0 - row[ahead - 1].x1 > 6 * item.height:
                        break
                    before = len(joined)
                    joined += other.text
                    key, _label, length = _match_label(joined)
                    if key and before < length <= len(joined):
                        join = ahead - index
                        break
                    if len(other.text) > 3:
                        break
            if join:
                parts = row[index : index + join + 1]
                chars = parts[0].chars
                for part in parts[1:]:
                    chars = chars + part.chars
                merged.append(
                    Item(
                        chars,
                        min(p.x0 for p in parts),
                        max(p.x1 for p in parts),
                        min(p.y0 for p in parts),
                        max(p.y1 for p in parts),
                    )
                )
            else:
                merged.append(item)
            index += join + 1
    merged.sort(key=lambda item: (item.y0, item.x0))
    return merged


# The second character of a spaced two-character label, when the detector missed the lone
# first one ("名　　称" read as just "称上海锐林…").
ORPHANS = {"称": ("name", "名称"), "型": ("company_type", "类型"), "所": ("address", "住所")}
FIRSTS = {"名": ("name", "名称"), "类": ("company_type", "类型"), "住": ("address", "住所")}


def _find_labels(items: list[Item]) -> None:
    for item in items:
        key, label, length = _match_label(item.text)
        if key:
            item.label, item.label_text, item.label_len = key, label, length
    # Where values start: the box right after each label that stands alone in its box.
    value_starts = []
    for label in items:
        if label.label and label.label_len == len(label.text):
            row = [i for i in items if _same_row(label, i) and i.x0 > label.x1 - label.height]
            if row:
                value_starts.append(min(i.x0 for i in row))
    found = {item.label for item in items if item.label}
    for item in items:
        lone = FIRSTS.get(item.text)
        if lone and not item.label and lone[0] not in found:
            # "名" alone at the start of a row whose value follows: the "称" was missed.
            h = item.height
            if any(start - 6 * h < item.x0 < start - 2 * h for start in value_starts):
                item.label, item.label_text, item.label_len = lone[0], lone[1], 1
                found.add(lone[0])
    for item in items:
        orphan = ORPHANS.get(item.text[:1])
        if item.label or orphan is None or orphan[0] in found:
            continue
        h = item.height
        if any(start - 5 * h < item.x0 < start - 0.4 * h for start in value_starts):
            item.label, item.label_text, item.label_len = orphan[0], orphan[1], 1
            found.add(orphan[0])


# ---------------------------------------------------------------------------------------------
# Values


def _column_starts(items: list[Item]) -> list[float]:
    """Where the label columns begin (one on the vertical licence, two on the horizontal)."""
    starts: list[float] = []
    for item in sorted((i for i in items if i.label), key=lambda i: i.x0):
        if not starts or item.x0 - starts[-1] > 4 * item.height:
            starts.append(item.x0)
    return starts


def _value_of(label: Item, items: list[Item], wraps: bool, columns: list[float]) -> Chars:
    """The rest of the label's box, the boxes to its right up to the next label of the row (or
    the next column of labels), and for a wrapping field the lines below in the same column."""
    value = label.chars.slice(label.label_len).strip(":：")
    # How far below the last line the next one may start: a scope or an address wraps with the
    # leading of a paragraph (an e-licence's text layer leaves more), a name in 委派代表 only
    # onto the very next line — any further and it takes the next field's wrapped text.
    reach = 1.0 if label.label == "legal_representative" else 1.5
    if label.label_len == 1 and len(label.label_text) == 2:
        # A lone "名" taken for 名称: the "称" may still start the value's box.
        rest = label.label_text[1]
        for other in items:
            if other is label or not _same_row(label, other):
                continue
            cut = len(other.text) - len(other.text.lstrip(_DASHES + "_·.:："))
            if other.text[cut : cut + 1] == rest:
                other.chars = other.chars.slice(cut + 1)
    next_column = min((x for x in columns if x > label.x0 + 4 * label.height), default=math.inf)
    row = sorted(
        (i for i in items if i is not label and _same_row(label, i) and i.x0 > label.x0),
        key=lambda i: i.x0,
    )
    right_limit = next_column
    value_x0 = None
    for other in row:
        if other.label or _is_stop(other.text) or other.x0 >= next_column - label.height:
            right_limit = min(right_limit, other.x0)
            break
        if other.used:
            continue
        value = value + other.chars.strip(":：")
        other.used = True
        value_x0 = other.x0 if value_x0 is None else value_x0
    if not wraps:
        return value
    if value_x0 is None:
        value_x0 = label.x0 + label.label_len * label.height * 0.9
    bottom = max([label.y1, *(i.y1 for i in row if i.used)])
    height = label.height
    while True:
        below = [
            i
            for i in items
            if not i.used
            and i is not label
            and i.y0 > bottom - 0.4 * height
            and i.y0 < bottom + reach * height
            and i.x0 >= value_x0 - 2.0 * height
            and i.x0 < right_limit - height
        ]
        if not below or any(i.label or _is_stop(i.text) for i in below):
            return value
        # The next field of this column starts on that row: its label stands left of the
        # value column, outside ``below``.
        first = min(below, key=lambda i: i.y0)
        if any(
            (i.label or _is_stop(i.text))
            and _same_row(first, i)
            and label.x0 - 2 * height < i.x0 < right_limit
            for i in items
        ):
            return value
        # One line at a time: with tight leading two lines can fall in the window.
        below = sorted((i for i in below if _same_row(first, i)), key=lambda i: i.x0)
        for other in below:
            value = value + other.chars
            other.used = True
        bottom = max(i.y1 for i in below)


def _reading(chars: Chars, *, value: str | None = None, label="", valid=None, unsure=None):
    confidence = min(chars.conf) if chars.conf else 0.0
    if unsure is None:
        unsure = [i for i, p in enumerate(chars.conf) if p < UNSURE]
    return FieldReading(
        value=chars.text if value is None else value,
        text=chars.text,
        confidence=round(confidence, 4),
        unsure=unsure,
        valid=valid,
        label=label,
    )


def read_credit_code(chars: Chars) -> FieldReading | None:
    """The 18 characters of a unified social credit code in ``chars``, checked (GB 32100)."""
    from stdnum.cn import uscc

    cleaned = chars.map(_halfwidth).map(str.upper).keep(str.isalnum)
    corrected = cleaned.map(lambda c: CODE_LOOKALIKES.get(c, c))
    text = corrected.text
    match = re.search(r"[0-9A-Z]{18}", text)
    if match is None:
        match = re.search(r"[0-9A-Z]{15,20}", text)
        if match is None:
            return None
    code = corrected.slice(match.start(), match.end())
    valid = len(code.text) == 18 and uscc.is_valid(code.text)
    if valid:
        unsure = [i for i, p in enumerate(code.conf) if p < 0.5]
    else:
        unsure = [i for i, p in enumerate(code.conf) if p < CODE_UNSURE]
        unsure += [i for i, c in enumerate(code.text) if c not in CODE_ALPHABET and i not in unsure]
        least = sorted(range(len(code.conf)), key=lambda i: code.conf[i])[:3]
        unsure = sorted(set(unsure) | set(least))
    return _reading(code, valid=valid, unsure=unsure)


def _date(text: str) -> tuple[str, bool] | None:
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        day = datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return match.group(0), False
    return day.isoformat(), True


_DIGITS = {
    "零": 0,
    "〇": 0,
    "壹": 1,
    "一": 1,
    "贰": 2,
    "二": 2,
    "两": 2,
    "叁": 3,
    "三": 3,
    "肆": 4,
    "四": 4,
    "伍": 5,
    "五": 5,
    "陆": 6,
    "六": 6,
    "柒": 7,
    "七": 7,
    "捌": 8,
    "八": 8,
    "玖": 9,
    "九": 9,
}
_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_amount(text: str) -> Decimal | None:
    """伍佰万元整 → 5000000; 壹仟贰佰叁拾肆万伍仟元 → 12345000 (yuan)."""
    text = re.sub(r"[元圆整人民币美港欧日]|元整", "", text)
    if not text or any(c not in _DIGITS and c not in _UNITS and c not in _BIG for c in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += section * _BIG[ch]
            section, digit = 0, None
    return Decimal(total + section + (digit or 0))


def registered_capital(text: str) -> tuple[str, bool] | None:
    """注册资本 in 万元 as the register keeps it: 伍佰万元整 → "500"; 人民币1000万元 → "1000";
    1234.5万元 → "1234.5". Also (False) when the text holds an amount the parser cannot trust."""
    compact = text.replace(",", "").replace("，", "")
    match = re.search(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*元?", compact)
    if match:
        try:
            amount = Decimal(match.group(1))
        except InvalidOperation:
            return None
        if match.group(2) == "亿":
            amount *= 10_000
        elif match.group(2) is None:
            amount /= 10_000
        return _decimal_text(amount), True
    words = re.search(r"[零〇壹一贰二两叁三肆四伍五陆六柒七捌八玖九拾十佰百仟千万亿]+", compact)
    if words:
        yuan = chinese_amount(words.group(0))
        if yuan is not None:
            return _decimal_text(yuan / 10_000), True
        return words.group(0), False
    return None


def _decimal_text(amount: Decimal) -> str:
    text = f"{amount.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------------------------------------
# The licence


def extract(lines: list[OcrLine], *, source: str = "image") -> LicenceResult:
    """The register's fields from a licence's lines (see the module doc)."""
    items = _merge_split_labels(_items(lines))
    _find_labels(items)
    found: dict[str, FieldReading] = {}
    result = LicenceResult(fields=found, lines=lines, source=source, layout=_layout(items))

    labels = [i for i in items if i.label]
    columns = _column_starts(items)
    for label in labels:
        key = label.label
        if key in found or (key == "term" and "term_from" in found):
            continue
        if key == "credit_code":
            continue  # read below, from wherever the code stands
        value = _value_of(label, items, key in WRAPPING, columns)
        value = value.strip(":：;；,， ")
        if not value.text:
            continue
        reading = _field(key, value, label.label_text, result)
        if reading is not None:
            found.update(reading)

    code = _credit_code(items)
    if code is not None:
        found["credit_code"] = code
    return result


# Where Chinese names and addresses begin. A dash read in the gap between a label and its value
# ("名称一上海锐林…") is dropped only before one of these, so 一心堂 keeps its 一.
PLACES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 内蒙古 广西 西藏 宁夏 "
    "新疆 香港 澳门 台湾 中国 苏州 昆山 无锡 南京 常州 南通 张家港 常熟 太仓 杭州 宁波 嘉兴 深圳 广州 合肥"
)
_STARTS_WITH_PLACE = re.compile("^(?:" + "|".join(PLACES.split()) + ")")
_DASHES = "-—－–_~一"


def _without_leading_dash(chars: Chars) -> Chars:
    stripped = chars
    while stripped.text and stripped.text[0] in _DASHES:
        stripped = stripped.slice(1)
    if stripped is chars or not stripped.text:
        return chars
    if chars.text[0] != "一" or _STARTS_WITH_PLACE.match(stripped.text):
        return stripped
    return chars


def _field(key: str, value: Chars, label: str, result: LicenceResult) -> dict | None:
    if key in ("name", "company_type", "legal_representative", "address"):
        value = _without_leading_dash(value)
    if key in ("name", "company_type"):
        text = _brackets_full(value.text)
        return {key: _reading(value, value=text, label=label)}
    if key == "legal_representative":
        # A partnership's executive partner: "某某公司（委派代表：张三）"; OCR drops the colon.
        text = re.sub(r"委派代表(?=[^：:])", "委派代表：", _brackets_full(value.text))
        return {key: _reading(value, value=text, label=label)}
    if key == "business_scope":
        # A scope separates its items with ；, and uses ： only after 一般项目 / 许可项目; corner
        # brackets never occur in one. OCR confuses ； with ： and sees 」 in a gap.
        text = re.sub(r"(?<!项目)[：:]", "；", _brackets_full(value.text))
        # The fixed openings "一般项目：" / "许可项目：", whose 一 OCR drops or doubles.
        text = re.sub(r"^.{0,2}?(?:一)?般项目", "一般项目", text)
        text = text.replace("」", "").replace("「", "")
        return {key: _reading(value, value=text, label=label)}
    if key == "address":
        return {key: _reading(value, value=_brackets_full(value.text), label=label)}
    if key == "registered_capital":
        parsed = registered_capital(value.text)
        if parsed is None:
            return {key: _reading(value, value="", label=label, valid=False)}
        # The register keeps 万元 of renminbi: a capital in another currency is never taken
        # over as if it were, the person converts it (flagged for verification).
        foreign = re.search(r"美元|港元|港币|欧元|日元|英镑", value.text) is not None
        valid = bool(parsed[1]) and not foreign
        return {key: _reading(value, value=parsed[0], label=label, valid=valid)}
    if key == "established_on":
        parsed = _date(value.text)
        if parsed is None:
            return None
        return {key: _reading(value, value=parsed[0] if parsed[1] else "", valid=parsed[1])}
    if key == "term":
        return _term(value, result)
    return None


def _term(value: Chars, result: LicenceResult) -> dict:
    text = value.text
    dates = list(_DATE.finditer(text))
    fields = {}
    if dates:
        parsed = _date(dates[0].group(0))
        fields["term_from"] = _reading(
            value.slice(dates[0].start(), dates[0].end()),
            value=parsed[0] if parsed and parsed[1] else "",
            valid=bool(parsed and parsed[1]),
        )
    result.long_term = bool(_LONG_TERM.search(text))
    if result.long_term:
        match = _LONG_TERM.search(text)
        fields["term_until"] = _reading(value.slice(match.start(), match.end()), value="")
    elif len(dates) > 1:
        parsed = _date(dates[1].group(0))
        fields["term_until"] = _reading(
            value.slice(dates[1].start(), dates[1].end()),
            value=parsed[0] if parsed and parsed[1] else "",
            valid=bool(parsed and parsed[1]),
        )
    return fields


def _credit_code(items: list[Item]) -> FieldReading | None:
    """The code after its label, in the label's row or the line below; else any 18-character
    run on the licence that passes the check."""
    for index, item in enumerate(items):
        if item.label != "credit_code":
            continue
        tail = item.chars.slice(item.label_len)
        candidates = [tail]
        row = sorted(
            (i for i in items if i is not item and _same_row(item, i) and i.x0 > item.x0),
            key=lambda i: i.x0,
        )
        if row:
            candidates.append(tail + row[0].chars)
        candidates += [i.chars for i in items[index + 1 : index + 3]]
        for chars in candidates:
            reading = read_credit_code(chars)
            if reading is not None and len(reading.value) == 18:
                return reading
    fallback = None
    for item in items:
        reading = read_credit_code(item.chars)
        if reading is not None and len(reading.value) == 18:
            if reading.valid:
                return reading
            fallback = fallback or reading
    return fallback


def _layout(items: list[Item]) -> str:
    if not items or all(i.x0 == i.x1 for i in items):
        return ""
    width = max(i.x1 for i in items) - min(i.x0 for i in items)
    height = max(i.y1 for i in items) - min(i.y0 for i in items)
    return "horizontal" if width >= height else "vertical"
