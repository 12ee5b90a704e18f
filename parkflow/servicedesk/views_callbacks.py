"""月度回访 (R-SVC-2, Art.13 "建立服务满意度月度回访机制"): the month's call-backs of the park's
resident enterprises — pending first, mine on a tick — and recording one (a score 1–5 and the
comments; 2 or less needs a comment and opens a follow-up, shown with its owner and due date)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkflow.core import access, audit, clock, generic_views
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import selectors_requests as selectors
from . import services
from .choices import CallBackStatus
from .forms_requests import CallBackFilterForm, CallBackRecordForm


@staff_page("callback.view")
def callback_list(request):
    form = CallBackFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    shown = {k: v for k, v in filters.items() if k != "period"}
    return generic_views.list_page(
        request,
        qs=selectors.callback_list(actor=request.user, **filters),
        template="servicedesk/requests/callback_list.html",
        partial="servicedesk/requests/partials/_callback_table.html",
        target="callback-table",
        per_page=LIST_PAGE_SIZE,
        name="callbacks",
        context={
            "form": form,
            "period": filters["period"],
            "filtered": any(v not in ("", None, False) for v in shown.values()),
            "today": clock.today(),
        },
    )


def _render(request, callback, *, form=None, status=200):
    may_record = callback.status == CallBackStatus.PENDING and access.may(
        request.user, "callback.record", callback
    )
    events, older = audit.timeline(callback)
    return render(
        request,
        "servicedesk/requests/callback_detail.html",
        {
            "callback": callback,
            "may_record": may_record,
            "form": form or (CallBackRecordForm() if may_record else None),
            "events": events,
            "older": older,
            "subject": callback,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_page("callback.view")
def callback_detail(request, pk):
    """One call-back; the record form while it is pending (its refusal inline on the field)."""
    callback = get_or_404(selectors.callback_get_for_user, actor=request.user, pk=pk)
    if request.method == "GET":
        return _render(request, callback)
    form = CallBackRecordForm(request.POST)
    done, recorded = generic_views.submit(
        request,
        form,
        lambda values: services.callback_record(actor=request.user, callback=callback, **values),
    )
    if done:
        if recorded.follow_up_owner_id:
            messages.warning(
                request,
                _("已记录回访。评分较低，已生成跟进任务，跟进人：%(owner)s。")
                % {"owner": recorded.follow_up_owner},
            )
        else:
            messages.success(request, _("已记录回访。"))
        return redirect(f"{reverse('servicedesk:callbacks')}?period={callback.period}")
    callback = get_or_404(selectors.callback_get_for_user, actor=request.user, pk=pk)
    return _render(request, callback, form=form, status=400)
