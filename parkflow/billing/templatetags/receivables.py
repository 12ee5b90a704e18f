"""Links of the receivables pages to pages other parts of billing serve (the bill's page): an
empty link, never an error, while such a page is not installed."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def bill_url(bill_id) -> str:
    """The bill's page, or "" (the number is then shown as text)."""
    if not bill_id:
        return ""
    try:
        return reverse("billing:bill", args=[bill_id])
    except NoReverseMatch:
        return ""


@register.filter
def percent(value) -> str:
    """12.5 → 12.5%; None → —."""
    return "—" if value is None else f"{value}%"
