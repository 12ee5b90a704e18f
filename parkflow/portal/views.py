"""The enterprise portal (R-PLT-3): an enterprise user sees their own enterprise and nothing else,
uploads its qualification documents and submits its application for review. Staff have no
portal: for them these pages do not exist (404)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkflow.core import audit
from parkflow.core.errors import DomainError
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import get_or_404
from parkflow.enterprises import guards, services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.forms import DocumentForm
from parkflow.enterprises.models import PublishedResult
from parkflow.enterprises.selectors import enterprise_get_for_user
from parkflow.enterprises.views import documents_of, lifecycle, open_document
from parkflow.org import access

# What the enterprise sees of its own case: the steps it went through, when — not who did them,
# not reasons or review opinions (internal), not the rest of the audit trail (exports, alerts,
# conflict declarations). Review outcomes reach it as published results (R-ENT-3 "一公开").
PORTAL_STEPS = {
    "enterprise.create",
    "enterprise.apply",
    "enterprise.start_review",
    "enterprise.approve",
    "enterprise.reject",
    "enterprise.move_in",
    "enterprise.start_exit",
    "enterprise.complete_exit",
}


def portal_page(view):
    """Login required; only enterprise users; the enterprise is always the user's own."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.is_enterprise_user(request.user):
            raise Http404
        enterprise = get_or_404(
            enterprise_get_for_user, actor=request.user, pk=access.enterprise_id_of(request.user)
        )
        return view(request, enterprise, *args, **kwargs)

    return wrapped


def _render_home(request, enterprise, *, document_form=None, submit_error="", status=200):
    user = request.user
    steps = [
        {"action": action, "at": at}
        for action, at in audit.events_for(enterprise)
        .filter(action__in=PORTAL_STEPS)
        .order_by("-id")
        .values_list("action", "occurred_at")
    ]
    context = {
        "enterprise": enterprise,
        "lifecycle": lifecycle(enterprise.status),
        "steps": steps,
        "results": PublishedResult.objects.filter(enterprise=enterprise).order_by("-published_at"),
        "documents": [d for d in documents_of(enterprise) if d.is_current],
        "document_form": document_form or DocumentForm(),
        "can_upload": access.may(user, "document.upload", enterprise)
        and enterprise.status != EnterpriseStatus.EXITED,
        "can_submit": enterprise.status == EnterpriseStatus.APPLYING
        and access.may(user, "enterprise.submit", enterprise),
        "licence_problem": guards.licence_problem(enterprise),
        "submit_error": submit_error,
    }
    return render(request, "portal/home.html", context, status=status)


@portal_page
def home(request, enterprise):
    return _render_home(request, enterprise)


@require_POST
@portal_page
def document_upload(request, enterprise):
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_upload(
                actor=request.user,
                enterprise=enterprise,
                doc_type=data["doc_type"],
                upload=data["file"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("已上传“%(doc)s”第 %(version)s 版。")
                % {"doc": document.get_doc_type_display(), "version": document.version},
            )
            return redirect(f"{reverse('portal:home')}#documents")
    return _render_home(request, enterprise, document_form=form, status=400)


@portal_page
def document_download(request, enterprise, document_pk):
    return open_document(request, enterprise, document_pk)


@require_POST
@portal_page
def submit_for_review(request, enterprise):
    """The enterprise submits its own application (R-PLT-3); the service checks the licence and
    draws the reviewers (R-ENT-2, R-ENT-3)."""
    try:
        services.enterprise_submit_for_review(actor=request.user, enterprise=enterprise)
    except DomainError as exc:
        enterprise.refresh_from_db()
        return _render_home(
            request, enterprise, submit_error=domain_error_text(exc), status=exc.status_code
        )
    messages.success(request, _("已提交资质审核，审核结果将在本页公示。"))
    return redirect("portal:home")
