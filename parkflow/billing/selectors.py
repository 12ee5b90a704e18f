"""Reads of billing, scoped by the caller where a person asks."""

from decimal import Decimal

from django.db.models import Sum

from .models import CreditEntry


def credit_balance(enterprise) -> Decimal:
    total = CreditEntry.objects.filter(enterprise=enterprise).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0")
