"""What a reviewer of a resource request's gate sees beside the hashed content
(core:review_detail): the resource and period, the usage against the grade's entitlement, the
written justification when above it, and — for the anti-favouritism check (R-RES-5) — how often
this enterprise was granted above entitlement in the last twelve months, and by whom."""

import datetime

from django.db.models import Count

from parkflow.core import clock

from .entitlements import standing_of
from .gates import LEADING_GROUP, RISK_REVIEW
from .models import Allocation

HISTORY_DAYS = 365


def request_panel(user, review, request) -> dict | None:
    since = clock.now() - datetime.timedelta(days=HISTORY_DAYS)
    history = (
        Allocation.objects.filter(
            enterprise_id=request.enterprise_id, above_entitlement=True, created_at__gte=since
        )
        .exclude(request_id=request.pk)
        .values("granted_by__display_name", "granted_by__username")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    granted = [
        {
            "name": row["granted_by__display_name"]
            or row["granted_by__username"]
            or "常规审批规则",
            "n": row["n"],
        }
        for row in history
    ]
    return {
        "template": "resources/partials/_review_request_panel.html",
        "made": request,
        "usage": standing_of(request),
        "history": granted,
        "history_total": sum(row["n"] for row in granted),
    }


GATE_PANELS = {RISK_REVIEW: request_panel, LEADING_GROUP: request_panel}
