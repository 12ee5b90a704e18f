"""Staff pages of service requests (R-SVC-1, Art.13 首问负责制): the list with each request's
SLA clock and transfers, its Excel export, recording a request for an enterprise, the request
page — facts, clocks, photos, transfers and the audit timeline — with the steps the user may take
now (受理, 转办, accept or decline a transfer offered to them, 办结), and 我的转办, the transfers
offered to me. Every lookup goes through a scoped selector, so another park's request is a 404
(R-ORG-3); every step is a service, whose refusal is shown on the page with nothing written."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, audit, generic_views
from parkflow.core.errors import DomainError, NotFound, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import exports_requests as exports
from . import selectors_requests as selectors
from . import services, services_photos
from .choices import RequestStatus
from .forms_requests import (
    RequestCreateForm,
    RequestFilterForm,
    ResolveForm,
    TransferDeclineForm,
    TransferOfferForm,
)
from .models import ServiceRequest, Transfer
from .models_photos import RequestPhoto


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


# ---------------------------------------------------------------------------------------------
# The list and its export


def _filter_form(request):
    return RequestFilterForm(request.GET or None, user=request.user)


@staff_page("service_request.view")
def request_list(request):
    form = _filter_form(request)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.request_list(actor=request.user, **filters),
        template="servicedesk/requests/request_list.html",
        partial="servicedesk/requests/partials/_request_table.html",
        target="request-table",
        per_page=LIST_PAGE_SIZE,
        name="requests",
        decorate=selectors.with_time_left,
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
            "can_create": access.may_somewhere(request.user, "service_request.submit"),
        },
    )


@staff_page("service_request.view")
def request_export(request):
    form = _filter_form(request)
    return generic_views.file_download(
        request,
        build=lambda: exports.request_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("服务请求")),
        back=reverse("servicedesk:requests"),
    )


@require_http_methods(["GET", "POST"])
@staff_page("service_request.submit")
def request_create(request):
    """登记服务请求: a request taken by phone or at the counter, recorded for the enterprise; the
    response clock starts now (R-SVC-1)."""
    form = RequestCreateForm(request.POST or None, user=request.user)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.request_submit(actor=request.user, **values),
        template="servicedesk/requests/request_form.html",
        success_url=_request_url,
        success_message=_("服务请求已登记，响应时限开始计时。"),
        error_status=400,
    )


def _request_url(made) -> str:
    return reverse("servicedesk:request", args=[made.pk])


# ---------------------------------------------------------------------------------------------
# One request


def _get_request(request, pk) -> ServiceRequest:
    return get_or_404(selectors.request_get_for_user, actor=request.user, pk=pk)


def render_request(request, made, *, error=None, status=200, forms=None, open_modal=""):
    """The request page; a step refused re-renders it with ``error`` at the top and the form
    that was posted (its errors inline)."""
    user = request.user
    forms = forms or {}
    handles = access.may(user, "service_request.handle", made)
    pending = selectors.pending_transfer(made)
    owner = made.owner_id == user.pk
    in_progress = made.status == RequestStatus.IN_PROGRESS
    may_transfer = handles and owner and in_progress and pending is None
    events, older = audit.timeline(made)
    context = {
        "made": made,
        "photos": list(made.photos.order_by("id")),
        "transfers": selectors.transfers_of(made),
        "pending": pending,
        "may_take": handles and made.status == RequestStatus.OPEN and made.owner_id is None,
        "may_transfer": may_transfer,
        "may_resolve": handles and owner and in_progress,
        "may_answer": pending is not None and pending.to_person_id == user.pk and handles,
        "transfer_form": forms.get("transfer_form")
        or (
            TransferOfferForm(
                colleagues=selectors.colleagues_for_transfer(actor=user, request=made)
            )
            if may_transfer
            else None
        ),
        "decline_form": forms.get("decline_form") or TransferDeclineForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "open_modal": open_modal,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": made,
    }
    return render(request, "servicedesk/requests/request_detail.html", context, status=status)


@staff_page("service_request.view")
def request_detail(request, pk):
    return render_request(request, _get_request(request, pk))


def _refused(request, pk, error, *, open_modal="", **forms):
    made = _get_request(request, pk)
    return render_request(
        request,
        made,
        error=error,
        status=error.status_code,
        forms=forms,
        open_modal=open_modal,
    )


def _form_error(form) -> ValidationFailed:
    return ValidationFailed({k: list(v) for k, v in form.errors.items()}, requirement="R-SVC-1")


@require_POST
@staff_page("service_request.handle")
def request_take(request, pk):
    """受理: the first to take the request owns it (首问负责制)."""
    made = _get_request(request, pk)
    try:
        services.request_take(actor=request.user, request=made)
    except DomainError as exc:
        return _refused(request, pk, exc)
    messages.success(request, _("已受理。您是该请求的首问负责人，请在办结时限内处理。"))
    return redirect(_request_url(made))


@require_POST
@staff_page("service_request.handle")
def request_transfer(request, pk):
    """转办: offer the request to a colleague; it stays yours until they accept."""
    made = _get_request(request, pk)
    form = TransferOfferForm(
        request.POST,
        colleagues=selectors.colleagues_for_transfer(actor=request.user, request=made),
    )
    if not form.is_valid():
        return _refused(request, pk, _form_error(form), transfer_form=form, open_modal="transfer")
    try:
        transfer = services.transfer_offer(actor=request.user, request=made, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, pk, exc, transfer_form=form, open_modal="transfer")
    messages.success(
        request,
        _("已向 %(person)s 发起转办；对方接收前，该请求仍由您负责。")
        % {"person": transfer.to_person},
    )
    return redirect(_request_url(made))


@require_POST
@staff_page("service_request.handle")
def request_resolve(request, pk):
    """办结: record the result; the enterprise is asked to confirm and rate it."""
    made = _get_request(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, _form_error(form), resolve_form=form, open_modal="resolve")
    try:
        services.request_resolve(actor=request.user, request=made, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, pk, exc, resolve_form=form, open_modal="resolve")
    messages.success(request, _("已办结，等待企业确认并评价。"))
    return redirect(_request_url(made))


def photo_response(request, photo_pk, *, request_pk):
    """Stream one photo of a request the user may see (staff page and portal alike)."""
    try:
        photo = access.get_for_user(
            request.user,
            RequestPhoto.objects.select_related("request").filter(request_id=request_pk),
            pk=photo_pk,
        )
        handle = services_photos.photo_open(actor=request.user, photo=photo)
    except (NotFound, DomainError):
        raise Http404 from None
    extension = "png" if photo.mime_type == "image/png" else "jpg"
    response = FileResponse(
        handle,
        filename=f"service-request-{request_pk}-{photo.pk}.{extension}",
        content_type=photo.mime_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_page("service_request.view")
def request_photo(request, pk, photo_pk):
    _get_request(request, pk)
    return photo_response(request, photo_pk, request_pk=pk)


# ---------------------------------------------------------------------------------------------
# 我的转办: transfers offered to me


def _get_transfer(request, pk) -> Transfer:
    try:
        return access.get_for_user(request.user, Transfer.objects.select_related("request"), pk=pk)
    except NotFound:
        raise Http404 from None


@staff_page("service_request.handle")
def transfer_inbox(request):
    """The transfers offered to me that wait for my answer, and those I offered lately."""
    incoming = list(selectors.transfers_to_me(actor=request.user)[:100])
    outgoing = list(selectors.transfers_from_me(actor=request.user)[:20])
    return render(
        request,
        "servicedesk/requests/transfer_inbox.html",
        {"incoming": incoming, "outgoing": outgoing, "decline_form": TransferDeclineForm()},
    )


def _after_answer(request, transfer):
    if request.POST.get("next") == "inbox":
        return redirect("servicedesk:transfers")
    return redirect(_request_url(transfer.request))


@require_POST
@staff_page("service_request.handle")
def transfer_accept(request, pk):
    """Accept a transfer offered to me: from now on the request is mine."""
    transfer = _get_transfer(request, pk)
    try:
        services.transfer_accept(actor=request.user, transfer=transfer)
    except DomainError as exc:
        return _refused(request, transfer.request_id, exc)
    messages.success(request, _("已接收转办，您现在是该请求的负责人。"))
    return _after_answer(request, transfer)


@require_POST
@staff_page("service_request.handle")
def transfer_decline(request, pk):
    """Decline a transfer offered to me, with a reason: the request stays with its owner."""
    transfer = _get_transfer(request, pk)
    form = TransferDeclineForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            transfer.request_id,
            _form_error(form),
            decline_form=form,
            open_modal="decline",
        )
    try:
        services.transfer_decline(actor=request.user, transfer=transfer, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, transfer.request_id, exc, decline_form=form, open_modal="decline")
    messages.success(request, _("已拒绝转办，该请求仍由原负责人办理。"))
    return _after_answer(request, transfer)
