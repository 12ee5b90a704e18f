"""``{% sla_clocks obj %}``: the SLA clocks of an object on its detail page (core.sla) — the due
time, the time left in words ("剩余 2 个工作日", overdue in red), pauses and the outcome."""

from django import template

from parkflow.core import sla

register = template.Library()


@register.inclusion_tag("core/partials/_sla_clocks.html")
def sla_clocks(obj):
    return {"clocks": sla.clocks_of(obj)}
