"""出账 (R-BIL-1): the list of a park's bill runs, starting one for a month (a confirming modal
that says what will be billed), and the run's page — its progress polled every second while the
worker bills the park in chunks, then the result: the new bills, their amount, and how many
charges were billed already (a run never bills a period twice, R-BIL-2)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parkflow.core import access, clock
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, paginate, staff_page

from . import selectors, services
from .forms_bills import RunStartForm


def _list_context(request, form=None):
    parks = selectors.parks_for_runs(request.user)
    may_start = bool(parks) and access.may_somewhere(request.user, "bill.issue")
    if form is None and may_start:
        # From the to-do centre: ?park=<id> opens the modal with that park chosen.
        chosen = next((p for p in parks if str(p.pk) == request.GET.get("park")), None)
        form = RunStartForm(parks=parks, initial={"park": chosen} if chosen else None)
    page = paginate(request, selectors.run_list(actor=request.user), LIST_PAGE_SIZE)
    return {
        "runs": page.object_list,
        "page_obj": page,
        "may_start": may_start,
        "form": form,
        "open_start": bool(may_start and request.GET.get("park")),
        "to_bill": selectors.parks_to_bill(request.user) if may_start else [],
        "this_month": clock.today().replace(day=1),
    }


@require_GET
@staff_page("bill.view")
def run_list(request):
    return render(request, "billing/bills/run_list.html", _list_context(request))


@require_POST
@staff_page("bill.issue")
def run_start(request):
    """开始出账: the run is created and handed to the worker; its page shows the progress."""
    parks = selectors.parks_for_runs(request.user)
    form = RunStartForm(request.POST, parks=parks)
    error = None
    if form.is_valid():
        try:
            run = services.bill_run_start(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            error = exc
        else:
            messages.success(
                request,
                _("已开始为%(park)s出账（至%(month)s），进度见下。")
                % {"park": run.park, "month": f"{run.month.year}年{run.month.month}月"},
            )
            return redirect(reverse("billing:run", args=[run.pk]))
    else:
        error = ValidationFailed({k: list(v) for k, v in form.errors.items()})
    context = _list_context(request, form)
    context.update({"open_start": True, "error_text": domain_error_text(error)})
    return render(request, "billing/bills/run_list.html", context, status=error.status_code)


@require_GET
@staff_page("bill.view")
def run_detail(request, pk):
    """The run; an HTMX poll gets only its progress card (which stops polling when done)."""
    run = get_or_404(selectors.run_get_for_user, actor=request.user, pk=pk)
    context = {"run": run}
    if request.htmx:
        return render(request, "billing/bills/partials/_run_progress.html", context)
    return render(request, "billing/bills/run_detail.html", context)
