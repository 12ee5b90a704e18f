"""投诉分级矩阵 (R-CMP-2, Art.17 "建立投诉分级处理矩阵"): the criteria × (较大 at, 重大 at) table
every complaint's proposed grade comes from. All staff read it; a system administrator changes it
with a reason — every row checked before any is saved, a refusal shown on its cell, the change
audited with the old and new thresholds (``services_complaints.grading_update``)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkflow.core import access, generic_views
from parkflow.core.models import AuditEvent
from parkflow.core.views import staff_page

from . import selectors_complaints as selectors
from . import services_complaints as services
from .forms_complaints import CRITERION_HINTS, GradingForm

HISTORY_SHOWN = 10


def _changed_message(changed) -> str:
    if not changed:
        return _("分级矩阵没有变化。")
    return _("已调整分级矩阵的 %(n)s 项评估维度，此后登记的投诉按新阈值建议等级。") % {
        "n": len(changed)
    }


@require_http_methods(["GET", "POST"])
@staff_page("grading.view")
def grading_matrix(request):
    user = request.user
    # Group reference data: the action held at headquarters, as the service asks it.
    may_manage = access.may(user, "grading.manage")
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    rows = selectors.grading_rows()
    form = GradingForm(request.POST or None, rows=rows) if may_manage else None
    # The matrix's own history (each change is one event on the first row it changed).
    events = list(
        AuditEvent.objects.filter(action="grading.update")
        .select_related("actor", "seal")
        .order_by("-id")[:HISTORY_SHOWN]
    )
    context = {
        "rows": [{"row": row, "hint": CRITERION_HINTS.get(row.criterion, "")} for row in rows],
        "may_manage": may_manage,
        "events": events,
    }
    if form is None:
        return render(request, "servicedesk/grading.html", {"form": None, **context})
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.grading_update(
            actor=user, thresholds=form.thresholds(), reason=values["reason"]
        ),
        template="servicedesk/grading.html",
        success_url=reverse("servicedesk:grading"),
        success_message=_changed_message,
        context=context,
        error_status=400,
    )
