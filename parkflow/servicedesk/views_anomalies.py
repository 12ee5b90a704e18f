"""服务异常报告 (R-SVC-3, Art.9(二)): staff report a service anomaly or an early sign of a
complaint with the time it was discovered; the list shows how long after discovery each was
reported, in red past the rule's hours (``servicedesk.anomaly_reported_late``, editable on the
rules page)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkflow.core import access, generic_views
from parkflow.core.views import LIST_PAGE_SIZE, staff_page

from . import selectors_requests as selectors
from . import services
from .forms_requests import AnomalyFilterForm, AnomalyReportForm


@staff_page("anomaly.view")
def anomaly_list(request):
    form = AnomalyFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    hours = selectors.late_hours()
    return generic_views.list_page(
        request,
        qs=selectors.anomaly_list(actor=request.user, **filters),
        template="servicedesk/requests/anomaly_list.html",
        partial="servicedesk/requests/partials/_anomaly_table.html",
        target="anomaly-table",
        per_page=LIST_PAGE_SIZE,
        name="reports",
        decorate=lambda rows: selectors.with_lateness(rows, hours=hours),
        context={
            "form": form,
            "filtered": any(v not in ("", None, False) for v in filters.values()),
            "hours": hours,
            "can_report": access.may_somewhere(request.user, "anomaly.report"),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_page("anomaly.report")
def anomaly_report(request):
    form = AnomalyReportForm(request.POST or None, user=request.user)
    done, report = generic_views.submit(
        request,
        form,
        lambda values: services.anomaly_report(actor=request.user, **values),
    )
    if done:
        hours = selectors.late_hours()
        if report.delay_hours > hours:
            messages.warning(
                request,
                _("已报告。发现后超过 %(hours)s 小时才报告，已标记为迟报。") % {"hours": hours},
            )
        else:
            messages.success(request, _("已报告服务异常。"))
        return redirect("servicedesk:anomalies")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "servicedesk/requests/anomaly_form.html",
        {"form": form, "hours": selectors.late_hours()},
        status=status,
    )
