"""Staff pages of complaints (R-CMP-1 … R-CMP-8): the list with each complaint's response
deadline, and the complaint's page with its record (appended notes), clocks and timeline. Every
lookup goes through a scoped selector, so another park's complaint is a 404 (R-ORG-3)."""

from django.http import Http404
from django.shortcuts import render

from parkflow.core import access, audit, generic_views
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import selectors_complaints as selectors


@staff_page("complaint.view")
def complaint_list(request):
    filters = {
        name: request.GET.get(name, "").strip()[:50] for name in ("search", "status", "grade")
    }
    return generic_views.list_page(
        request,
        qs=selectors.complaint_list(actor=request.user, **filters),
        template="servicedesk/complaint_list.html",
        partial="servicedesk/partials/_complaint_table.html",
        target="complaint-table",
        per_page=LIST_PAGE_SIZE,
        name="complaints",
        context={"filtered": any(filters.values())},
    )


@staff_page("complaint.view")
def complaint_detail(request, pk):
    if access.is_enterprise_user(request.user):
        raise Http404
    complaint = get_or_404(selectors.complaint_get_for_user, actor=request.user, pk=pk)
    events, older = audit.timeline(complaint)
    return render(
        request,
        "servicedesk/complaint_detail.html",
        {
            "complaint": complaint,
            "notes": complaint.notes.select_related("author"),
            "events": events,
            "older": older,
            "subject": complaint,
        },
    )
