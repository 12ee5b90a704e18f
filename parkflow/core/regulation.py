"""The regulation as data (R-CPL-2): parse the regulation text into articles ``Art.1`` … ``Art.N``."""

import re
from pathlib import Path

SOURCE = Path(__file__).parent / "fixtures" / "regulation.zh-hans.txt"
CODE = "PARK-SERVICE"

_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ARTICLE = re.compile(r"^第([一二三四五六七八九十百零]+)条(.*)$")
_CHAPTER = re.compile(r"^第([一二三四五六七八九十]+)章(.*)$")


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十七 → 17, 二十九 → 29, 一百零三 → 103."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[char]
    return total + current


_NUMERALS = "零一二三四五六七八九"
_REF = re.compile(r"^Art\.(\d+)((?:\([一二三四五六七八九十]+\))*)(\d*)$")


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 21 → 二十一, 103 → 一百零三 (inverse of ``chinese_number``)."""
    if number < 10:
        return _NUMERALS[number]
    if number < 20:
        return "十" + (_NUMERALS[number % 10] if number % 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return _NUMERALS[tens] + "十" + (_NUMERALS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    if rest == 0:
        return _NUMERALS[hundreds] + "百"
    tail = chinese_numeral(rest) if rest >= 10 else "零" + _NUMERALS[rest]
    if 10 <= rest < 20:
        tail = "一" + tail
    return _NUMERALS[hundreds] + "百" + tail


def article_label(ref: str) -> str:
    """The way the regulation itself cites: ``Art.21`` → 第二十一条, ``Art.21(三)`` →
    第二十一条（三）, ``Art.20(一)3`` (an item of a paragraph) → 第二十条（一）3. Anything else is
    returned unchanged."""
    match = _REF.match((ref or "").strip())
    if not match:
        return ref
    items = match.group(2).replace("(", "（").replace(")", "）")
    return f"第{chinese_numeral(int(match.group(1)))}条{items}{match.group(3)}"


def parse(text: str) -> tuple[str, list[dict]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0]
    chapter = ""
    articles = []
    for line in lines[1:]:
        if match := _CHAPTER.match(line):
            chapter = f"第{match.group(1)}章 {match.group(2).strip()}"
        elif match := _ARTICLE.match(line):
            number = chinese_number(match.group(1))
            articles.append(
                {
                    "number": number,
                    "ref": f"Art.{number}",
                    "chapter": chapter,
                    "text": match.group(2).strip(),
                }
            )
    return title, articles


def load(regulation_model, article_model, *, source: Path = SOURCE):
    """Create version 1 of the park's regulation if it is not there (idempotent)."""
    title, articles = parse(source.read_text(encoding="utf-8"))
    regulation, created = regulation_model.objects.get_or_create(
        code=CODE, version=1, defaults={"title": title, "is_current": True}
    )
    if created:
        article_model.objects.bulk_create(
            article_model(regulation=regulation, **a) for a in articles
        )
    return regulation
