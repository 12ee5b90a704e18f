"""应收账款看板 (R-BIL-4, R-BIL-6): what the enterprises of the user's parks still owe, by park
and by how long it is overdue, with ECharts charts (a stacked bar of park × aging bucket, a donut
of the buckets; ECharts from the installed npm package, never a CDN), the KPIs and the ten
enterprises that owe most past their due date. A fixed number of queries whatever the number of
bills (``selectors_receivables``)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from parkflow.core.views import staff_page

from . import selectors_receivables as selectors
from .choices import AgingBucket
from .forms_bank import ReceivablesForm

# One colour per bucket, from calm to alarming.
COLOURS = {
    AgingBucket.NOT_DUE: "#17a05d",
    AgingBucket.D30: "#f0a202",
    AgingBucket.D90: "#f07c02",
    AgingBucket.D180: "#e5484d",
    AgingBucket.OVER_180: "#9b1c1c",
}


def _yuan(value) -> float:
    return float(round(value, 2))


def _charts(board) -> dict:
    parks = board.by_park
    return {
        "parks": {
            "type": "stacked",
            "labels": [row["park"] for row in parks],
            "series": [
                {
                    "name": str(bucket.label),
                    "values": [_yuan(row["buckets"][bucket]) for row in parks],
                    "color": COLOURS[bucket],
                }
                for bucket in AgingBucket
            ],
        },
        "buckets": {
            "type": "pie",
            # A slice of nothing draws a stray "0" label: only the buckets that hold money.
            "data": [
                {"name": str(bucket.label), "value": _yuan(board.buckets[bucket])}
                for bucket in AgingBucket
                if board.buckets[bucket]
            ],
            "colors": [COLOURS[bucket] for bucket in AgingBucket if board.buckets[bucket]],
            "money": True,
        },
    }


@require_GET
@staff_page("bill.view")
def receivables(request):
    form = ReceivablesForm(request.GET or None, user=request.user)
    board = selectors.receivables_summary(actor=request.user, park=form.chosen_park())
    return render(
        request,
        "billing/receivables.html",
        {
            "form": form,
            "board": board,
            "charts": _charts(board),
            "buckets": [
                {
                    "code": b.value,
                    "label": b.label,
                    "amount": board.buckets[b],
                    "colour": COLOURS[b],
                }
                for b in AgingBucket
            ],
        },
    )
