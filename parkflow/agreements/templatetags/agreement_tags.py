"""Presentation of agreements: clause numbers in Chinese (第一条) and the price marker of a fee
line against its tariff. Formatting only."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from parkflow.agreements import diff

register = template.Library()


@register.filter
def article(number):
    """3 → 第三条"""
    try:
        return diff.article(int(number))
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def price_marker(fee):
    """高于标准 (red) or 折扣 x% (amber) beside a fee's unit price; nothing at the tariff."""
    if fee.above_tariff:
        return format_html('<span class="tag tag-danger">{}</span>', _("高于标准"))
    discount = fee.discount_percent
    if discount:
        return format_html(
            '<span class="tag tag-warning">{}</span>',
            _("折扣 %(percent)s%%") % {"percent": f"{discount.normalize():f}"},
        )
    return ""
