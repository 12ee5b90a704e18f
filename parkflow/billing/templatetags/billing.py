"""How the billing pages say a charge's period and a bill's lateness, the Chinese way:
2026年11月1日—11月30日 · 逾期 12 天 (formatting only; nothing is decided here)."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def period_text(start: datetime.date, end: datetime.date) -> str:
    """2026年11月1日—11月30日; one day: 2026年11月29日; across a year: both years."""
    if not start:
        return "—"
    first = f"{start.year}年{start.month}月{start.day}日"
    if not end or end == start:
        return first
    last = f"{end.month}月{end.day}日"
    if end.year != start.year:
        last = f"{end.year}年{last}"
    return f"{first}—{last}"


@register.simple_tag
def period(start, end):
    return period_text(start, end)


@register.simple_tag
def period_lines(start, end):
    """The period for a narrow column: it may break after the dash, never inside a date."""
    text = period_text(start, end)
    if "—" not in text:
        return format_html('<span class="text-nowrap">{}</span>', text)
    first, last = text.split("—", 1)
    return format_html(
        '<span class="text-nowrap">{}—</span><span class="text-nowrap">{}</span>', first, last
    )


@register.filter
def overdue_text(days):
    """逾期 N 天 for a positive number of days, "" otherwise."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        return ""
    return _("逾期%(n)s天") % {"n": days} if days > 0 else ""
