"""Staff pages of resource allocation (R-RES-1 … R-RES-6): the catalogue and one resource with
its bookings and calendar, requests (list, export, a request for an enterprise, the request page
with its gates, usage against entitlement, the allocation and its release), and delivery
deviations. Every lookup goes through a scoped selector, so another park's object is a 404
(R-ORG-3); every change is a service, whose refusal is shown on the page with nothing written.
The occupancy calendar: views_calendar.py; entitlements and the analysis: views_analysis.py."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, audit, generic_views, workflow, workflow_views
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import TransitionForm, add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import exports, selectors, services, standing
from .choices import AllocationStatus, DeviationStatus
from .entitlements import standing_of
from .forms import (
    DeviationFilterForm,
    DeviationReportForm,
    DeviationResolveForm,
    ReleaseForm,
    RequestCreateForm,
    RequestFilterForm,
    ResourceCalendarForm,
    ResourceFilterForm,
)
from .models import ResourceRequest
from .views_calendar import resource_grid

# ---------------------------------------------------------------------------------------------
# The catalogue (R-RES-1)


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


@staff_page("resource.view")
def resource_list(request):
    form = ResourceFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.resource_list(actor=request.user, **filters),
        template="resources/resource_list.html",
        partial="resources/partials/_resource_table.html",
        target="resource-table",
        per_page=LIST_PAGE_SIZE,
        name="resources",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "can_request": access.may_somewhere(request.user, "resource_request.create"),
            "can_import": access.may_somewhere(request.user, "resource.manage"),
            "export_query": request.GET.urlencode(),
        },
    )


@staff_page("resource.view")
def resource_export(request):
    form = ResourceFilterForm(request.GET or None, user=request.user)
    return generic_views.file_download(
        request,
        build=lambda: exports.catalogue_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("资源目录")),
        back=reverse("resources:list"),
    )


@staff_page("resource.view")
def resource_detail(request, pk):
    resource = get_or_404(selectors.resource_get_for_user, actor=request.user, pk=pk)
    form = ResourceCalendarForm(request.GET or None)
    values = form.values()
    events, older = audit.timeline(resource)
    return render(
        request,
        "resources/resource_detail.html",
        {
            "resource": resource,
            "bookings": selectors.resource_bookings(resource=resource),
            "calendar": resource_grid(resource, view=values["view"], day=values["date"]),
            "events": events,
            "older": older,
            "subject": resource,
            "can_request": resource.status == "available"
            and access.may_somewhere(request.user, "resource_request.create"),
        },
    )


# ---------------------------------------------------------------------------------------------
# Requests


def _request_filter_form(request):
    return RequestFilterForm(request.GET or None, user=request.user)


@staff_page("resource_request.view")
def request_list(request):
    form = _request_filter_form(request)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.request_list(actor=request.user, **filters),
        template="resources/request_list.html",
        partial="resources/partials/_request_table.html",
        target="request-table",
        per_page=LIST_PAGE_SIZE,
        name="requests",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
            "can_create": access.may_somewhere(request.user, "resource_request.create"),
        },
    )


@staff_page("resource_request.view")
def request_export(request):
    form = _request_filter_form(request)
    return generic_views.file_download(
        request,
        build=lambda: exports.request_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("资源申请")),
        back=reverse("resources:requests"),
    )


@require_http_methods(["GET", "POST"])
@staff_page("resource_request.create")
def request_create(request):
    """A request made by staff for an enterprise (R-RES-3): the service decides everything —
    the slot (a conflict names the holder and period), good standing, the entitlement and the
    justification above it — and its refusal is shown on the form with nothing written."""
    resource = None
    if request.method == "GET" and request.GET.get("resource", "").isdigit():
        resource = (
            selectors.resources_for_requests(request.user)
            .filter(pk=request.GET["resource"])
            .first()
        )
    form = RequestCreateForm(
        request.POST or None, user=request.user, initial=RequestCreateForm.initial_for(resource)
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.request_create(actor=request.user, **values),
        template="resources/request_form.html",
        success_url=_request_url,
        success_message=_created_message,
        context=lambda: {"error_text": _conflict_text(form)},
    )


def _conflict_text(form) -> str:
    return " ".join(str(e) for e in form.non_field_errors())


def _created_message(made) -> str:
    if made.status == "allocated":
        return _("已按常规审批规则直接分配“%(name)s”。") % {"name": made.resource}
    return _("申请已提交，等待风控合理性审查。")


def _request_url(made) -> str:
    return reverse("resources:request", args=[made.pk])


def _get_request(request, pk) -> ResourceRequest:
    return get_or_404(selectors.request_get_for_user, actor=request.user, pk=pk)


def _merged_timeline(*objects):
    events, older = [], False
    for obj in objects:
        if obj is None:
            continue
        found, more = audit.timeline(obj)
        # The allocation's creation is the request's "allocate" step already on the timeline.
        events.extend(e for e in found if e.action != "allocation.create")
        older = older or bool(more)
    return sorted(events, key=lambda e: (e.occurred_at, e.id)), older


def render_request(request, made, *, error=None, status=200, forms=None):
    """The request page; an action refused re-renders it with ``error`` shown at the top."""
    user = request.user
    if access.is_enterprise_user(user):
        raise Http404  # reviewers, opinions and holders are staff-only (D21)
    forms = forms or {}
    allocation = selectors.allocation_of(made)
    events, older = _merged_timeline(made, allocation)
    active = allocation is not None and allocation.status == AllocationStatus.ACTIVE
    context = {
        "made": made,
        "resource": made.resource,
        "allocation": allocation,
        "usage": standing_of(made),
        "gates": selectors.gate_states(made),
        "standing_rule": standing.get(made.standing_rule) if made.standing_rule else None,
        "deviations": list(allocation.deviations.order_by("-reported_at")) if allocation else [],
        "actions": workflow.available_transitions(user, made, portal=None),
        "transition_form": TransitionForm(),
        "may_release": active and access.may(user, "allocation.release", allocation),
        "may_report": allocation is not None and access.may(user, "deviation.report", allocation),
        "release_form": forms.get("release_form") or ReleaseForm(),
        "report_form": forms.get("report_form") or DeviationReportForm(),
        "open_modal": forms.get("open_modal", ""),
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": made,
    }
    return render(request, "resources/request_detail.html", context, status=status)


@staff_page("resource_request.view")
def request_detail(request, pk):
    return render_request(request, _get_request(request, pk))


def _refused(request, made, error, **forms):
    made = _get_request(request, made.pk)
    return render_request(request, made, error=error, status=error.status_code, forms=forms)


# POST requests/<pk>/transitions/cancel/: the declared withdrawal (workflows.py).
request_transition = workflow_views.transition_page(
    ResourceRequest,
    get_object=_get_request,
    render_refusal=lambda request, made, error: _refused(request, made, error),
    success_url=_request_url,
    decorate=staff_page("resource_request.view"),
)


def _form_error(form, requirement) -> ValidationFailed:
    return ValidationFailed({k: list(v) for k, v in form.errors.items()}, requirement=requirement)


@require_POST
@staff_page("allocation.release")
def allocation_release(request, pk):
    """Release the request's allocation with a reason (a booking cancelled, a unit handed
    back): the slot is free again from now."""
    made = _get_request(request, pk)
    allocation = selectors.allocation_of(made)
    if allocation is None:
        raise Http404
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, made, _form_error(form, "R-RES-4"), release_form=form, open_modal="release"
        )
    try:
        services.allocation_release(
            actor=request.user, allocation=allocation, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, made, exc, release_form=form, open_modal="release")
    messages.success(request, _("已释放“%(name)s”的分配。") % {"name": made.resource})
    return redirect(_request_url(made))


@require_POST
@staff_page("deviation.report")
def deviation_report(request, pk):
    made = _get_request(request, pk)
    allocation = selectors.allocation_of(made)
    if allocation is None:
        raise Http404
    form = DeviationReportForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, made, _form_error(form, "R-RES-6"), report_form=form, open_modal="report"
        )
    try:
        deviation = services.deviation_report(
            actor=request.user, allocation=allocation, **form.cleaned_data
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, made, exc, report_form=form, open_modal="report")
    messages.success(request, _("已登记交付偏差，处理时限开始计时。"))
    return redirect(reverse("resources:deviation", args=[deviation.pk]))


# ---------------------------------------------------------------------------------------------
# Deviations (R-RES-6)


@staff_page("deviation.view")
def deviation_list(request):
    form = DeviationFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.deviation_list(actor=request.user, **filters),
        template="resources/deviation_list.html",
        partial="resources/partials/_deviation_table.html",
        target="deviation-table",
        per_page=LIST_PAGE_SIZE,
        name="deviations",
        context={"form": form, "filtered": _filtered(filters)},
    )


def _render_deviation(request, deviation, *, form=None, status=200):
    if access.is_enterprise_user(request.user):
        raise Http404
    events, older = audit.timeline(deviation)
    may_resolve = deviation.status == DeviationStatus.OPEN and access.may(
        request.user, "deviation.resolve", deviation
    )
    return render(
        request,
        "resources/deviation_detail.html",
        {
            "deviation": deviation,
            "allocation": deviation.allocation,
            "may_resolve": may_resolve,
            "form": form or (DeviationResolveForm() if may_resolve else None),
            "events": events,
            "older": older,
            "subject": deviation,
        },
        status=status,
    )


@staff_page("deviation.view")
def deviation_detail(request, pk):
    deviation = get_or_404(selectors.deviation_get_for_user, actor=request.user, pk=pk)
    return _render_deviation(request, deviation)


@require_POST
@staff_page("deviation.resolve")
def deviation_resolve(request, pk):
    deviation = get_or_404(selectors.deviation_get_for_user, actor=request.user, pk=pk)
    form = DeviationResolveForm(request.POST)
    done, _result = generic_views.submit(
        request,
        form,
        lambda values: services.deviation_resolve(
            actor=request.user, deviation=deviation, **values
        ),
    )
    if done:
        messages.success(request, _("交付偏差已处理完毕。"))
        return redirect(reverse("resources:deviation", args=[deviation.pk]))
    deviation = get_or_404(selectors.deviation_get_for_user, actor=request.user, pk=pk)
    return _render_deviation(request, deviation, form=form, status=400)
