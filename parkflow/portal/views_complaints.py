"""投诉 in the portal (R-CMP-1, R-CMP-3, R-PLT-3): an enterprise user files a complaint from a
phone, follows it — its status and the park's answers, never internal progress, corrections,
grades or who handles it —, adds to it, and when it is resolved confirms the result with a
rating or asks for it to be handled again with a reason. Only the enterprise's own complaints
exist here: another's is a 404 on every route and method (R-ORG-3); every step is a service of
``servicedesk.services_complaints``, whose refusal is shown on the form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, generic_views
from parkflow.core.errors import DomainError, NotFound, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, paginate
from parkflow.servicedesk import selectors_complaints as selectors
from parkflow.servicedesk import services_complaints as services
from parkflow.servicedesk.choices import ComplaintStatus
from parkflow.servicedesk.forms_complaints import (
    ConfirmForm,
    PortalComplaintForm,
    ReopenForm,
    SupplementForm,
)
from parkflow.servicedesk.models import Complaint

from .views import portal_page

# What the enterprise sees of its complaint's progress, in its own words.
PORTAL_STEPS = (
    (gettext_lazy("已提交"), ComplaintStatus.OPEN),
    (gettext_lazy("处理中"), ComplaintStatus.IN_PROGRESS),
    (gettext_lazy("待您确认"), ComplaintStatus.RESOLVED),
    (gettext_lazy("已办结"), ComplaintStatus.CLOSED),
)


def _own(user):
    return access.scope(user, Complaint.objects.all())


def _get(request, pk) -> Complaint:
    try:
        return access.get_for_user(request.user, Complaint.objects.all(), pk=pk)
    except NotFound:
        raise Http404 from None


@require_GET
@portal_page
def complaint_list(request, enterprise):
    """我的投诉: the enterprise's complaints, newest first."""
    page = paginate(request, _own(request.user).order_by("-received_at", "-id"), LIST_PAGE_SIZE)
    return render(
        request,
        "portal/complaints.html",
        {
            "enterprise": enterprise,
            "complaints": page.object_list,
            "page_obj": page,
            "can_file": access.may(request.user, "complaint.record", enterprise),
            "portal_tab": "complaints",
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page
def complaint_create(request, enterprise):
    """提交投诉: received now, by the portal; the park answers within its deadline."""
    form = PortalComplaintForm(request.POST or None)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.complaint_record(
            actor=request.user, enterprise=enterprise, **values
        ),
        template="portal/complaint_form.html",
        success_url=lambda made: reverse("portal:complaint", args=[made.pk]),
        success_message=_("投诉已提交，园区将尽快答复，进度可在此查看。"),
        context={"enterprise": enterprise, "portal_tab": "complaints"},
        error_status=400,
    )


def _steps(complaint):
    order = [status for _label, status in PORTAL_STEPS]
    current = order.index(complaint.status)
    return [
        (label, "done" if n < current else "current" if n == current else "")
        for n, (label, _status) in enumerate(PORTAL_STEPS)
    ]


def render_complaint(request, enterprise, complaint, *, forms=None, error="", status=200):
    forms = forms or {}
    user = request.user
    resolved = complaint.status == ComplaintStatus.RESOLVED
    context = {
        "enterprise": enterprise,
        "complaint": complaint,
        "steps": _steps(complaint),
        "notes": selectors.notes_of(complaint, portal=True),
        "can_supplement": complaint.status != ComplaintStatus.CLOSED
        and access.may(user, "complaint.supplement", complaint),
        "can_confirm": resolved and access.may(user, "complaint.confirm", complaint),
        "supplement_form": forms.get("supplement") or SupplementForm(prefix="supplement"),
        "confirm_form": forms.get("confirm") or ConfirmForm(prefix="confirm"),
        "reopen_form": forms.get("reopen") or ReopenForm(prefix="reopen"),
        "open_modal": next(iter(forms), ""),
        "error": error,
        "portal_tab": "complaints",
    }
    return render(request, "portal/complaint.html", context, status=status)


@require_GET
@portal_page
def complaint_detail(request, enterprise, pk):
    return render_complaint(request, enterprise, _get(request, pk))


def _step(request, enterprise, pk, name, form_class, call, done):
    """One portal step: parse, call the service, or show the page again with the refusal."""
    complaint = _get(request, pk)
    form = form_class(request.POST, prefix=name)
    try:
        if not form.is_valid():
            raise ValidationFailed({k: list(v) for k, v in form.errors.items()})
        call(complaint, form.cleaned_data)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if form.is_valid():
            add_domain_error(form, exc)
        return render_complaint(
            request,
            enterprise,
            _get(request, pk),
            forms={name: form},
            error=domain_error_text(exc),
            status=exc.status_code,
        )
    messages.success(request, done)
    return redirect(reverse("portal:complaint", args=[complaint.pk]))


@require_POST
@portal_page
def complaint_supplement(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "supplement",
        SupplementForm,
        lambda complaint, values: services.complaint_supplement(
            actor=request.user, complaint=complaint, text=values["text"]
        ),
        _("补充内容已提交。"),
    )


@require_POST
@portal_page
def complaint_confirm(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "confirm",
        ConfirmForm,
        lambda complaint, values: services.complaint_confirm(
            actor=request.user, complaint=complaint, **values
        ),
        _("感谢您的评价，投诉已办结。"),
    )


@require_POST
@portal_page
def complaint_reopen(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "reopen",
        ReopenForm,
        lambda complaint, values: services.complaint_reopen(
            actor=request.user, complaint=complaint, reason=values["reason"]
        ),
        _("已要求重新处理，园区将继续跟进。"),
    )
