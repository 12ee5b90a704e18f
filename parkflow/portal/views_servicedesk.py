"""服务请求 and 月度回访 in the portal (R-SVC-1, R-SVC-2, R-PLT-3): an enterprise user files a
request from the phone — category, what happened, up to three photos taken on the spot — follows
its own requests (status, who is responsible, the result), confirms and rates a result, and
answers this month's satisfaction call-back. Only its own enterprise's requests and photos exist
for it (another enterprise's are a 404); every refusal is the service's, shown inline."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access
from parkflow.core.errors import NotFound
from parkflow.core.generic_views import submit
from parkflow.core.views import LIST_PAGE_SIZE, paginate
from parkflow.servicedesk import selectors_requests as selectors
from parkflow.servicedesk import services, services_photos
from parkflow.servicedesk.choices import CallBackStatus, RequestStatus
from parkflow.servicedesk.forms_requests import (
    CallBackRecordForm,
    ConfirmForm,
    PortalRequestForm,
)
from parkflow.servicedesk.models import ServiceRequest
from parkflow.servicedesk.views_requests import photo_response

from .views import portal_page


def _own_requests(user):
    return access.scope(user, ServiceRequest.objects.select_related("owner"))


def _own_request(request, pk) -> ServiceRequest:
    try:
        return access.get_for_user(request.user, _own_requests(request.user), pk=pk)
    except NotFound:
        raise Http404 from None


@portal_page
def request_list(request, enterprise):
    """我的服务请求: newest first, each with its status, who is responsible and the result."""
    page = paginate(
        request,
        _own_requests(request.user).prefetch_related("photos").order_by("-submitted_at", "-id"),
        LIST_PAGE_SIZE,
    )
    context = {
        "enterprise": enterprise,
        "page_obj": page,
        "requests": page.object_list,
        "can_submit": access.may(request.user, "service_request.submit", enterprise),
        "portal_tab": "servicedesk",
        "servicedesk_tab": "requests",
    }
    return render(request, "portal/servicedesk_requests.html", context)


@require_http_methods(["GET", "POST"])
@portal_page
def request_create(request, enterprise):
    """提交服务请求, with photos from the phone (checked by content, stored under the server's
    names); nothing is written unless every photo passes."""
    form = PortalRequestForm(request.POST or None, request.FILES or None)
    done, made = submit(
        request,
        form,
        lambda values: services_photos.request_submit_with_photos(
            actor=request.user, enterprise=enterprise, **values
        ),
    )
    if done:
        messages.success(request, _("服务请求已提交，园区将尽快受理。"))
        return redirect("portal:servicedesk_request", pk=made.pk)
    context = {
        "enterprise": enterprise,
        "form": form,
        "portal_tab": "servicedesk",
        "servicedesk_tab": "new",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/servicedesk_request_form.html", context, status=status)


def _render_request(request, enterprise, made, *, form=None, status=200):
    may_confirm = made.status == RequestStatus.RESOLVED and access.may(
        request.user, "service_request.confirm", made
    )
    context = {
        "enterprise": enterprise,
        "made": made,
        "photos": list(made.photos.order_by("id")),
        "may_confirm": may_confirm,
        "form": form or (ConfirmForm() if may_confirm else None),
        "portal_tab": "servicedesk",
        "servicedesk_tab": "requests",
    }
    return render(request, "portal/servicedesk_request.html", context, status=status)


@portal_page
def request_detail(request, enterprise, pk):
    return _render_request(request, enterprise, _own_request(request, pk))


@require_POST
@portal_page
def request_confirm(request, enterprise, pk):
    """Confirm the result and rate it 1–5 (R-SVC-1); the request closes."""
    made = _own_request(request, pk)
    form = ConfirmForm(request.POST)
    done, _closed = submit(
        request,
        form,
        lambda values: services.request_confirm(actor=request.user, request=made, **values),
    )
    if done:
        messages.success(request, _("感谢您的评价，该服务请求已关闭。"))
        return redirect("portal:servicedesk_request", pk=made.pk)
    return _render_request(request, enterprise, _own_request(request, pk), form=form, status=400)


@portal_page
def request_photo(request, enterprise, pk, photo_pk):
    _own_request(request, pk)
    return photo_response(request, photo_pk, request_pk=pk)


@require_http_methods(["GET", "POST"])
@portal_page
def callback(request, enterprise):
    """本月回访: answer this month's satisfaction call-back (a score 1–5 and comments; 2 or
    less needs a comment and is followed up by the account manager)."""
    found = selectors.callback_of_month(actor=request.user, enterprise=enterprise)
    pending = found is not None and found.status == CallBackStatus.PENDING
    form = CallBackRecordForm(request.POST or None) if pending else None
    if request.method == "POST" and not pending:
        raise Http404
    if form is not None:
        done, _recorded = submit(
            request,
            form,
            lambda values: services.callback_record(actor=request.user, callback=found, **values),
        )
        if done:
            messages.success(request, _("感谢您的反馈！"))
            return redirect("portal:servicedesk_callback")
    error = ""
    if form is not None and form.non_field_errors():
        error = " ".join(form.non_field_errors())
    context = {
        "enterprise": enterprise,
        "callback": found,
        "form": form,
        "error": error,
        "portal_tab": "servicedesk",
        "servicedesk_tab": "callback",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/servicedesk_callback.html", context, status=status)
