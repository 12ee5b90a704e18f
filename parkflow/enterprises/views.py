"""Enterprise register pages (R-ENT-1): list, export, detail with its audit timeline, create,
edit, status transitions and conflict-of-interest declarations. Every lookup goes through the
scoped selector, so an enterprise outside the user's parks is a 404 (R-ORG-3)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import audit, gates, workflow, workflow_views
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import TransitionForm, add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, paginate, safe_next, staff_page
from parkflow.org import access

from . import exports, selectors, services
from .choices import DocumentType, EnterpriseStatus
from .forms import (
    ConflictForm,
    ConflictWithdrawForm,
    DocumentForm,
    EnterpriseCreateForm,
    EnterpriseEditForm,
    EnterpriseFilterForm,
)
from .gates import ADMISSION
from .models import ConflictDeclaration, Enterprise, QualificationDocument, ReviewDraw
from .views_intake import (
    admission_state,
    brand_state,
    documents_of,
    draws_of,
    fee_state,
    render_conflicts,
    rerun_draw,
    review_rounds,
)
from .views_portal import portal_state

LIFECYCLE = [
    EnterpriseStatus.PROSPECT,
    EnterpriseStatus.APPLYING,
    EnterpriseStatus.UNDER_REVIEW,
    EnterpriseStatus.APPROVED,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.EXITING,
    EnterpriseStatus.EXITED,
]


def lifecycle(status: str) -> list[tuple[str, str]]:
    """(label, done|current|todo) along the main path; a rejection shows at the review step."""
    position = LIFECYCLE.index(
        EnterpriseStatus.UNDER_REVIEW if status == EnterpriseStatus.REJECTED else status
    )
    steps = []
    for index, step in enumerate(LIFECYCLE):
        if index < position:
            steps.append((step.label, "done"))
        elif index == position:
            label = (
                EnterpriseStatus.REJECTED.label
                if status == EnterpriseStatus.REJECTED
                else step.label
            )
            steps.append(
                (label, "current rejected" if status == EnterpriseStatus.REJECTED else "current")
            )
        else:
            steps.append((step.label, "todo"))
    return steps


@staff_page("enterprise.view")
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    qs = selectors.enterprise_list(actor=request.user, **form.filters())
    page = paginate(request, qs, LIST_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "enterprises": page.object_list,
        "export_query": query.urlencode(),
        "can_export": access.may_somewhere(request.user, "enterprise.export"),
        "can_create": access.may_somewhere(request.user, "enterprise.create"),
        "filtered": any(v not in ("", None) for v in form.filters().values()),
    }
    if request.htmx and request.htmx.target == "enterprise-table":
        return render(request, "enterprises/partials/_enterprise_table.html", context)
    return render(request, "enterprises/enterprise_list.html", context)


@staff_page("enterprise.export")
def enterprise_export(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    try:
        content, _count = exports.enterprise_export(actor=request.user, filters=form.filters())
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("enterprises:list")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, exports.export_filename())
    return response


def _render_detail(
    request,
    enterprise,
    *,
    action_error=None,
    conflict_form=None,
    document_form=None,
    withdraw_form=None,
    open_action="",
    status=200,
):
    user = request.user
    if access.is_enterprise_user(user):
        # Defence in depth: reviewer names and opinions are never rendered to an enterprise,
        # even if a route lost its staff_page decorator (D21).
        raise Http404
    reviews = list(gates.reviews_of(enterprise, ADMISSION).order_by("-requested_at", "-id")[:6])
    latest = gates.latest_decision(enterprise, ADMISSION)
    has_conflict = selectors.has_active_conflict(user, enterprise)
    can_upload = (
        access.may(user, "document.upload", enterprise)
        and enterprise.status != EnterpriseStatus.EXITED
    )
    # "?upload=brand_authorisation" (the brand card's link) opens the upload form preset.
    preset = request.GET.get("upload", "") if request.method == "GET" else ""
    open_upload = can_upload and preset in DocumentType.values
    if document_form is None:
        document_form = DocumentForm(initial={"doc_type": preset} if open_upload else None)
    conflicts = list(
        ConflictDeclaration.objects.filter(
            enterprise=enterprise, withdrawn_at__isnull=True
        ).select_related("person")
    )
    for declaration in conflicts:
        declaration.is_mine = declaration.person_id == user.pk
    admission = admission_state(enterprise)
    actions = workflow.available_transitions(user, enterprise, portal=None)
    context = {
        "enterprise": enterprise,
        "lifecycle": lifecycle(enterprise.status),
        "reviews": reviews,
        "pending_reviews": [r for r in reviews if r.is_pending],
        "latest_review": latest,
        "admission_approved": gates.is_approved(enterprise, ADMISSION) if latest else False,
        "gate": gates.get_gate(ADMISSION),
        "actions": actions,
        "can_act": any(action.enabled for action in actions),
        "action_error": action_error,
        "open_action": open_action,
        "transition_form": TransitionForm(),
        "can_edit": access.may(user, "enterprise.edit", enterprise)
        and enterprise.status != EnterpriseStatus.EXITED,
        "has_conflict": has_conflict,
        "can_declare": not has_conflict
        and access.may(user, "enterprise.declare_conflict", enterprise),
        "conflict_form": conflict_form or ConflictForm(),
        "withdraw_form": withdraw_form or ConflictWithdrawForm(),
        "conflicts": conflicts,
        "events": audit.events_for(enterprise)
        if access.may(user, "enterprise.timeline", enterprise)
        else None,
        "documents": documents_of(enterprise),
        "document_form": document_form,
        "open_upload": open_upload,
        "can_upload": can_upload,
        "can_download": access.may(user, "document.download", enterprise),
        "admission": admission,
        "admission_problems": admission["problems"],
        "draws": draws_of(user, enterprise),
        "review_rounds": review_rounds(enterprise),
        "brand": brand_state(enterprise),
        "fee": fee_state(user, enterprise, in_good_standing=admission["in_good_standing"]),
        "portal": portal_state(user, enterprise),
    }
    return render(request, "enterprises/enterprise_detail.html", context, status=status)


@staff_page("enterprise.view")
def enterprise_detail(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    return _render_detail(request, enterprise)


def _transition_refused(request, enterprise, error):
    return _render_detail(request, enterprise, action_error=error, status=error.status_code)


# Every declared step of the lifecycle (workflows.py), by name: POST <pk>/transitions/<name>/.
enterprise_transition = workflow_views.transition_page(
    Enterprise,
    get_object=lambda request, pk: get_or_404(
        selectors.enterprise_get_for_user, actor=request.user, pk=pk
    ),
    render_refusal=_transition_refused,
    success_url=lambda enterprise: reverse("enterprises:detail", args=[enterprise.pk]),
    decorate=staff_page("enterprise.view"),
)


@require_POST
@staff_page("enterprise.view")
def enterprise_declare_conflict(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("利益冲突申报已登记，您将不参与该企业的审查与审批。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _render_detail(request, enterprise, conflict_form=form, status=400)


def _duplicate_in_scope(user, form):
    """The enterprise already holding the credit code just refused, when this user may open it:
    the form links to it."""
    from .validators import normalise_credit_code

    if "credit_code" not in form.errors:
        return None
    code = normalise_credit_code(str(form.data.get("credit_code", "")))
    return selectors.enterprise_list(actor=user).filter(credit_code=code).first() if code else None


@require_http_methods(["GET", "POST"])
@staff_page("enterprise.create")
def enterprise_create(request):
    form = EnterpriseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        park = values.pop("park")
        try:
            enterprise = services.enterprise_create(actor=request.user, park=park, **values)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("企业“%(name)s”已建档。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "creating": True, "duplicate": _duplicate_in_scope(request.user, form)}
    return render(request, "enterprises/enterprise_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_page("enterprise.view")
def enterprise_edit(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    if not access.may(request.user, "enterprise.edit", enterprise):
        raise PermissionDenied
    form = EnterpriseEditForm(
        request.POST or None,
        initial=EnterpriseEditForm.initial_for(enterprise),
        user=request.user,
        park=enterprise.park,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason", "")
        try:
            services.enterprise_update(
                actor=request.user, enterprise=enterprise, reason=reason, **values
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("企业档案已更新。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    context = {
        "form": form,
        "creating": False,
        "enterprise": enterprise,
        "voids_approval": gates.is_approved(enterprise, ADMISSION),
        "duplicate": _duplicate_in_scope(request.user, form),
    }
    return render(request, "enterprises/enterprise_form.html", context)


# ---------------------------------------------------------------------------------------------
# Qualification documents (R-ENT-2)


def upload_document_from(request, enterprise, form):
    """The upload form's one path into the service (staff detail page and portal alike): the new
    version on success, or None with the refusal shown on the form's fields."""
    if not form.is_valid():
        return None
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
        return None
    messages.success(
        request,
        _("已上传“%(doc)s”第 %(version)s 版。")
        % {"doc": document.get_doc_type_display(), "version": document.version},
    )
    return document


@require_POST
@staff_page("enterprise.view")
def enterprise_document_upload(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if upload_document_from(request, enterprise, form):
        return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#documents")
    return _render_detail(request, enterprise, document_form=form, status=400)


def open_document(request, enterprise, document_pk):
    """Stream one version of a document to someone who may see its enterprise; audited."""
    try:
        document = access.get_for_user(
            request.user,
            QualificationDocument.objects.filter(enterprise=enterprise),
            pk=document_pk,
        )
    except NotFound:
        raise Http404 from None
    try:
        handle = services.document_open(actor=request.user, document=document)
    except DomainError:
        raise PermissionDenied from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.mime_type
    )
    response["Cache-Control"] = (
        "private, no-store"  # qualification documents stay off shared caches
    )
    return response


@staff_page("enterprise.view")
def enterprise_document_download(request, pk, document_pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    return open_document(request, enterprise, document_pk)


@staff_page("enterprise.view")
def document_owner(request, document_pk):
    """Where an alert about a document points: its enterprise's documents card."""
    try:
        document = access.get_for_user(
            request.user, QualificationDocument.objects.all(), pk=document_pk
        )
    except NotFound:
        raise Http404 from None
    return redirect(f"{reverse('enterprises:detail', args=[document.enterprise_id])}#documents")


# ---------------------------------------------------------------------------------------------
# Intake actions on the detail page: draw re-run (R-ENT-3), conflict withdrawal (R-ENT-4),
# admission fee (R-ENT-5)


@require_POST
@staff_page("enterprise.view")
def draw_rerun(request, pk, draw_pk):
    """Re-run a recorded draw from its pool and seed and say whether it gives the same
    reviewers. Read-only: nothing is written."""
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    try:
        draw = access.get_for_user(
            request.user, ReviewDraw.objects.filter(enterprise=enterprise), pk=draw_pk
        )
    except NotFound:
        raise Http404 from None
    result = rerun_draw(draw)
    if request.htmx:
        return render(request, "enterprises/partials/_draw_rerun.html", result)
    if result["matches"]:
        messages.success(request, _("复现结果与记录一致 ✓"))
    else:
        messages.error(request, _("复现结果与记录不一致，请立即核查该次抽取。"))
    return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#draw-{draw.pk}")


@require_POST
@staff_page("enterprise.declare_conflict")
def conflict_withdraw(request, declaration_pk):
    """Withdraw one's own declaration (someone else's is a 404); the reason is required."""
    try:
        declaration = access.get_for_user(
            request.user,
            ConflictDeclaration.objects.filter(person=request.user).select_related("enterprise"),
            pk=declaration_pk,
        )
    except NotFound:
        raise Http404 from None
    form = ConflictWithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.conflict_withdraw(actor=request.user, declaration=declaration, reason=reason)
    except DomainError as exc:
        add_domain_error(form, exc)
        if request.POST.get("origin") == "detail":
            enterprise = get_or_404(
                selectors.enterprise_get_for_user,
                actor=request.user,
                pk=declaration.enterprise_id,
            )
            return _render_detail(request, enterprise, withdraw_form=form, status=exc.status_code)
        return render_conflicts(request, failed=declaration, form=form, status=exc.status_code)
    messages.success(
        request,
        _("已撤回与“%(name)s”的利益冲突申报。") % {"name": declaration.enterprise.name},
    )
    return redirect(safe_next(request, reverse("enterprises:conflicts")))


@require_POST
@staff_page("enterprise.view")
def admission_fee_charge(request, pk):
    """Charge the park's published tariff; no amount is taken from the page (R-ENT-5)."""
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    try:
        fee = services.admission_fee_charge(actor=request.user, enterprise=enterprise)
    except DomainError as exc:
        enterprise.refresh_from_db()
        return _render_detail(request, enterprise, action_error=exc, status=exc.status_code)
    messages.success(
        request,
        _("已按公布的收费标准计收入驻费 ¥%(amount)s。") % {"amount": f"{fee.amount:,.2f}"},
    )
    return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#admission-fee")
