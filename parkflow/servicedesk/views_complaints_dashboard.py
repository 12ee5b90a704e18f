"""投诉分析 (R-CMP-3, R-CMP-7, R-MON-4): this month's complaints, the share of first responses
given on time (``sla.attainment``), open complaints past a deadline, open major complaints, and
the charts — volume by topic, by park and by month (six months), responses on time against late,
and the repeat enterprises and (park, topic) pairs that the repeat and chain rules watch. Scoped
to the user's parks; a fixed number of queries however many complaints there are."""

from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkflow.core.views import staff_page

from . import selectors_complaints as selectors
from .choices import ComplaintTopic
from .forms_complaints import DashboardForm

BAR = "#1f4fd1"
MET, BREACHED = "#17a05d", "#e5484d"


def _charts(board) -> dict:
    topics = dict(ComplaintTopic.choices)
    return {
        "topic": {
            "type": "bar",
            "labels": [str(topics.get(topic, topic)) for topic, _n in board.by_topic],
            "values": [n for _topic, n in board.by_topic],
            "colors": [BAR],
        },
        "park": {
            "type": "bar",
            "labels": [name for name, _n in board.by_park],
            "values": [n for _name, n in board.by_park],
            "colors": ["#0b9fc6"],
        },
        "month": {
            "type": "line",
            "labels": [date_format(month, "YEAR_MONTH_FORMAT") for month, _n in board.by_month],
            "values": [n for _month, n in board.by_month],
            "colors": [BAR],
        },
        "timeliness": {
            "type": "pie",
            # A slice of nothing draws a stray "0" label: only the outcomes that happened.
            "data": [
                {"name": name, "value": value}
                for name, value in (
                    (_("按时响应"), board.timeliness["met"]),
                    (_("超时响应"), board.timeliness["breached"]),
                )
                if value
            ],
            "colors": [MET, BREACHED] if board.timeliness["met"] else [BREACHED],
        },
    }


@require_GET
@staff_page("complaint.view")
def complaint_dashboard(request):
    form = DashboardForm(request.GET or None, user=request.user)
    board = selectors.complaint_dashboard(actor=request.user, park=form.chosen_park())
    topics = dict(ComplaintTopic.choices)
    rate = board.response["rate"]
    return render(
        request,
        "servicedesk/complaint_dashboard.html",
        {
            "form": form,
            "board": board,
            "rate": None if rate is None else round(rate * 100),
            "charts": _charts(board),
            "repeat_topics": [
                {**row, "topic_label": topics.get(row["topic"], row["topic"])}
                for row in board.repeat_topics
            ],
            "total": sum(n for _topic, n in board.by_topic),
        },
    )
