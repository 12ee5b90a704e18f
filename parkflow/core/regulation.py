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
