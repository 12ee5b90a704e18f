"""Reads of complaints, always through the access layer: staff see their parks' complaints, an
enterprise user only its own enterprise's (R-ORG-3)."""

from django.db.models import Q

from parkflow.core import access, sla

from .clocks import COMPLAINT_RESPONSE
from .models import Complaint


def complaint_list(
    *, actor, search: str = "", status: str = "", grade: str = "", topic: str = "", park=None
):
    """The list, each row with its response clock's due time and state (one subquery each, so
    the page's query count does not grow with its rows)."""
    qs = access.scope(
        actor, Complaint.objects.select_related("park", "enterprise", "owner", "recorded_by")
    )
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(enterprise__name__icontains=search)
            | Q(complainant__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if topic:
        qs = qs.filter(topic=topic)
    if park is not None:
        qs = qs.filter(park=park)
    return sla.with_clock(qs, COMPLAINT_RESPONSE, prefix="response")


def complaint_get_for_user(*, actor, pk) -> Complaint:
    return access.get_for_user(
        actor,
        Complaint.objects.select_related("park", "enterprise", "owner", "recorded_by"),
        pk=pk,
    )
