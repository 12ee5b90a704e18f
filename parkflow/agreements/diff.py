"""What an amendment (补充协议) changes, clause by clause (R-AGR-6): the clauses of two versions
paired by position, each pair added, removed, changed or unchanged, and the changed text marked
character by character (Chinese has no spaces to split words on) with ``<ins>``/``<del>``.
Pure functions on rows or anything with ``kind``, ``title``, ``text``, ``venue_kind``,
``venue_name``; no query."""

import difflib
from dataclasses import dataclass
from itertools import zip_longest

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"

FIELDS = ("kind", "title", "text", "venue_kind", "venue_name")

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (clause numbers stay below 1000)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return DIGITS[hundreds] + "百"
    tail = chinese_number(rest) if rest >= 10 else DIGITS[rest]
    if rest < 10:
        return DIGITS[hundreds] + "百零" + tail
    if rest < 20:
        tail = "一" + tail  # 一百一十二, not 一百十二
    return DIGITS[hundreds] + "百" + tail


def article(n: int) -> str:
    """第一条, 第十二条 …"""
    return f"第{chinese_number(n)}条"


def inline_diff(old: str, new: str) -> SafeString:
    """``new`` with what was taken out of ``old`` in ``<del>`` and what was put in, in
    ``<ins>``; every piece escaped."""
    old, new = old or "", new or ""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


@dataclass(frozen=True)
class ClauseChange:
    number: int  # the position both versions share (1-based)
    change: str  # ADDED | REMOVED | CHANGED | UNCHANGED
    old: object | None
    new: object | None
    changed_fields: tuple[str, ...] = ()

    @property
    def article(self) -> str:
        return article(self.number)

    @property
    def clause(self):
        """The clause to show: the new one, or the removed old one."""
        return self.new if self.new is not None else self.old

    @property
    def title_html(self) -> SafeString:
        if self.change == CHANGED and "title" in self.changed_fields:
            return inline_diff(self.old.title, self.new.title)
        return escape(self.clause.title)

    @property
    def text_html(self) -> SafeString:
        if self.change == CHANGED and "text" in self.changed_fields:
            return inline_diff(self.old.text, self.new.text)
        return escape(self.clause.text)


def _value(clause, name):
    return getattr(clause, name, "") or ""


def clause_diff(old_clauses, new_clauses) -> list[ClauseChange]:
    """The clauses of two versions paired by position (the n-th with the n-th, in order)."""
    changes = []
    pairs = zip_longest(list(old_clauses), list(new_clauses))
    for number, (old, new) in enumerate(pairs, 1):
        if old is None:
            changes.append(ClauseChange(number, ADDED, None, new))
        elif new is None:
            changes.append(ClauseChange(number, REMOVED, old, None))
        else:
            fields = tuple(f for f in FIELDS if _value(old, f) != _value(new, f))
            changes.append(ClauseChange(number, CHANGED if fields else UNCHANGED, old, new, fields))
    return changes


def summary(changes: list[ClauseChange]) -> dict[str, int]:
    counts = {ADDED: 0, REMOVED: 0, CHANGED: 0, UNCHANGED: 0}
    for change in changes:
        counts[change.change] += 1
    return counts
