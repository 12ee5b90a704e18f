"""Reads of bank statements, their lines and the review list, always through the access layer:
the statements of the user's parks only (R-ORG-3), never in the portal."""

import re
import unicodedata

from django.db.models import Count, F, Q

from parkflow.core import access

from .choices import OUTSTANDING
from .choices_bank import BankLineStatus
from .models import Bill
from .models_bank import BankLine, BankStatementImport

SUGGESTIONS = 20


def bank_import_list(*, actor, park=None):
    qs = access.scope(actor, BankStatementImport.objects.select_related("park", "imported_by"))
    if park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("-imported_at", "-id")


def bank_import_get_for_user(*, actor, pk) -> BankStatementImport:
    return access.get_for_user(
        actor, BankStatementImport.objects.select_related("park", "imported_by"), pk=pk
    )


def line_counts(statement) -> dict[str, int]:
    """How many of the statement's lines are in each state now (one query)."""
    counts = dict.fromkeys(BankLineStatus.values, 0)
    rows = (
        BankLine.objects.filter(statement=statement)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def _lines(actor):
    return access.scope(
        actor,
        BankLine.objects.select_related("park", "bill", "statement", "handled_by"),
    )


def bank_line_list(*, actor, status: str = "", park=None, search: str = "", statement=None):
    """Lines of the user's parks; the review list is ``status="review"``, newest first (the
    index ``bank_line_review``)."""
    qs = _lines(actor)
    if statement is not None:
        return qs.filter(statement=statement).order_by("row")
    if status:
        qs = qs.filter(status=status)
    if park is not None:
        qs = qs.filter(park=park)
    if search:
        qs = qs.filter(
            Q(payer_name__icontains=search)
            | Q(summary__icontains=search)
            | Q(transaction_id__icontains=search)
        )
    return qs.order_by("-booked_on", "-id")


def bank_line_get_for_user(*, actor, pk) -> BankLine:
    return access.get_for_user(
        actor,
        BankLine.objects.select_related(
            "park", "bill__enterprise", "statement", "handled_by", "payment", "duplicate_of"
        ),
        pk=pk,
    )


def review_count(*, actor) -> int:
    return _lines(actor).filter(status=BankLineStatus.REVIEW).count()


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def match_candidates(line: BankLine) -> list[Bill]:
    """Bills a person reviewing the line may want: the outstanding bills of the enterprise the
    payer's name names, and any outstanding bill of the park that owes exactly the line's
    amount — oldest due first, at most ``SUGGESTIONS``."""
    from parkflow.enterprises.models import Enterprise

    payer = _normal(line.payer_name)
    named = [
        pk
        for pk, name in Enterprise.objects.filter(park_id=line.park_id).values_list("pk", "name")
        if payer and _normal(name) == payer
    ]
    owed = (
        Bill.objects.filter(park_id=line.park_id, status__in=OUTSTANDING)
        .annotate(left=F("amount") + F("adjusted") - F("paid"))
        .filter(Q(enterprise_id__in=named) | Q(left=line.amount))
        .select_related("enterprise")
        .order_by("due_date", "id")
    )
    return list(owed[:SUGGESTIONS])


def bills_for_match(*, actor, line: BankLine, number: str = ""):
    """The park's bill a person names by its number (ZD202611-0000123), if the actor may see it."""
    match = re.fullmatch(r"ZD-?(\d{6})-?(\d{7,12})", _normal(number))
    if not match:
        return None
    bill = (
        access.scope(actor, Bill.objects.select_related("enterprise"))
        .filter(pk=int(match.group(2)), park_id=line.park_id)
        .first()
    )
    if bill is None or f"{bill.period_start:%Y%m}" != match.group(1):
        return None
    return bill
