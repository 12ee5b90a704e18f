from django import template

from ..numbering import clause_number

register = template.Library()


@register.filter
def clause_no(position):
    """``{{ clause.position|clause_no }}`` → 第三条."""
    try:
        return clause_number(int(position))
    except (TypeError, ValueError):
        return ""
