"""Staff pages of agreements (R-AGR-1 … R-AGR-6): the ledger and its export, a new agreement,
the agreement page (clauses, service lines, fee schedule, reviews, versions and what an
amendment changes, the audit timeline) and its actions. Every lookup goes through a scoped
selector, so another park's agreement is a 404 (R-ORG-3); every change is a service, whose
refusal is shown on the page and leaves nothing written. Templates and reference data:
views_reference.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, audit, generic_views, workflow, workflow_views
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import TransitionForm, add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import diff, exports, selectors, services
from .choices import EDITABLE, AgreementStatus, LineBasis
from .composition import submission_problems
from .forms import (
    AgreementCreateForm,
    AgreementEditForm,
    AgreementFilterForm,
    AmendForm,
    FeeLineForm,
    ServiceLineForm,
    SignedNoteForm,
    SignForm,
    clause_formset,
)
from .gates import LEGAL_REVIEW
from .models import Agreement
from .pricing import price_exceptions

PREVIEW_CHARGES = 3  # the first periods of each fee line shown on the page

# ---------------------------------------------------------------------------------------------
# The ledger


def _filter_form(request):
    return AgreementFilterForm(request.GET or None, user=request.user)


@staff_page("agreement.view")
def agreement_list(request):
    form = _filter_form(request)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.agreement_list(actor=request.user, **filters),
        template="agreements/agreement_list.html",
        partial="agreements/partials/_agreement_table.html",
        target="agreement-table",
        per_page=LIST_PAGE_SIZE,
        name="agreements",
        context={
            "form": form,
            "export_query": generic_views.query_without_page(request),
            "can_export": access.may_somewhere(request.user, "agreement.export"),
            "can_create": access.may_somewhere(request.user, "agreement.draft"),
            "can_import": access.may_somewhere(request.user, "agreement.import"),
            "filtered": any(v not in ("", None) for v in filters.values()),
        },
    )


@staff_page("agreement.export")
def agreement_export(request):
    form = _filter_form(request)
    return generic_views.file_download(
        request,
        build=lambda: exports.agreement_export(actor=request.user, filters=form.filters()),
        filename=exports.export_filename(),
        back=reverse("agreements:list"),
    )


# ---------------------------------------------------------------------------------------------
# A new agreement


@require_http_methods(["GET", "POST"])
@staff_page("agreement.draft")
def agreement_create(request):
    form = AgreementCreateForm(request.POST or None, user=request.user)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.agreement_create(actor=request.user, **values),
        template="agreements/agreement_create.html",
        success_url=_detail_url,
        success_message=lambda a: _("协议“%(name)s”已起草，条款已按模板生成。") % {"name": a},
        context=lambda: {"lapsed": form.lapsed},
    )


def _detail_url(agreement) -> str:
    return reverse("agreements:detail", args=[agreement.pk])


# ---------------------------------------------------------------------------------------------
# The agreement page


def _get(request, pk) -> Agreement:
    return get_or_404(selectors.agreement_get_for_user, actor=request.user, pk=pk)


def _fee_rows(fees) -> list[dict]:
    rows = []
    for fee in fees:
        charges = fee.charges()
        rows.append(
            {
                "fee": fee,
                "charges": charges[:PREVIEW_CHARGES],
                "more": max(len(charges) - PREVIEW_CHARGES, 0),
                "total": sum((amount for _s, _e, amount in charges), start=0),
            }
        )
    return rows


def _amendment_diff(agreement, clauses):
    if agreement.amends_id is None:
        return None
    changes = diff.clause_diff(agreement.amends.clauses.order_by("position"), clauses)
    return {"changes": changes, "summary": diff.summary(changes), "base": agreement.amends}


def render_detail(request, agreement, *, error=None, status=200, forms=None):
    """The agreement page; an action refused re-renders it here with ``error`` (a
    ``DomainError``) shown at the top and nothing changed."""
    user = request.user
    if access.is_enterprise_user(user):
        raise Http404  # defence in depth: reviewers and opinions are staff-only (D21)
    content = selectors.agreement_content(agreement)
    editable = agreement.status in EDITABLE
    may_draft = editable and access.may(user, "agreement.draft", agreement)
    events, older = audit.timeline(agreement)
    forms = forms or {}
    context = {
        "agreement": agreement,
        **content,
        "fee_rows": _fee_rows(content["fees"]),
        "price_exceptions": price_exceptions(agreement) if content["fees"] else [],
        "gates": selectors.gate_states(agreement),
        "versions": selectors.agreement_versions(actor=user, agreement=agreement),
        "amendment_diff": _amendment_diff(agreement, content["clauses"]),
        "problems": submission_problems(agreement)
        if agreement.status == AgreementStatus.DRAFT
        else [],
        "actions": workflow.available_transitions(user, agreement, portal=None),
        "transition_form": TransitionForm(),
        "may_draft": may_draft,
        "may_download": access.may(user, "agreement.download", agreement),
        "may_request_migration_review": agreement.migrated
        and agreement.migration_reviewed_at is None
        and not LEGAL_REVIEW.state(agreement).pending
        and access.may(user, "agreement.submit", agreement),
        "may_sign": agreement.status == AgreementStatus.APPROVED
        and access.may(user, "agreement.sign", agreement),
        "may_amend": agreement.status == AgreementStatus.SIGNED
        and not Agreement.objects.filter(amends=agreement).exists()
        and access.may(user, "agreement.amend", agreement),
        "line_form": forms.get("line_form")
        or (ServiceLineForm(agreement=agreement) if may_draft else None),
        "note_form": forms.get("note_form") or SignedNoteForm(),
        "amend_form": forms.get("amend_form") or AmendForm(),
        "open_modal": forms.get("open_modal", ""),
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": agreement,
        "basis_required": LineBasis.REQUIRED,
    }
    return render(request, "agreements/agreement_detail.html", context, status=status)


@staff_page("agreement.view")
def agreement_detail(request, pk):
    return render_detail(request, _get(request, pk))


def _refused(request, agreement, error, **forms):
    agreement = _get(request, agreement.pk)  # as stored: nothing of the refused step
    return render_detail(request, agreement, error=error, status=error.status_code, forms=forms)


def _done(request, agreement, message):
    messages.success(request, message)
    return redirect(_detail_url(agreement))


# POST <pk>/transitions/submit/: the declared step (workflows.py); its guard names every
# missing clause, venue problem and unconfirmed line at once.
agreement_transition = workflow_views.transition_page(
    Agreement,
    get_object=_get,
    render_refusal=lambda request, agreement, error: _refused(request, agreement, error),
    success_url=_detail_url,
    decorate=staff_page("agreement.view"),
)


def _require(user, action, agreement):
    """A form page of an action on the agreement is shown only to whom may take it there."""
    if not access.may(user, action, agreement):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@staff_page("agreement.draft")
def agreement_edit(request, pk):
    agreement = _get(request, pk)
    _require(request.user, "agreement.draft", agreement)
    form = AgreementEditForm(
        request.POST or None, initial=AgreementEditForm.initial_for(agreement), agreement=agreement
    )

    def call(_values):
        changes = form.changes(agreement)
        if not changes:
            return agreement
        return services.agreement_update(actor=request.user, agreement=agreement, **changes)

    return generic_views.form_page(
        request,
        form=form,
        call=call,
        template="agreements/agreement_form.html",
        success_url=_detail_url,
        success_message=_("协议基本信息已保存。"),
        context=lambda: {"agreement": agreement, "voids_review": _voids_review(agreement)},
    )


def _voids_review(agreement) -> bool:
    return agreement.status in (AgreementStatus.IN_REVIEW, AgreementStatus.APPROVED)


def clause_page(request, *, formset, save, template, context):
    """The clause editor of an agreement or a template version: a valid formset goes to
    ``save(clauses)``; a refusal is listed above the clauses."""
    errors = []
    if request.method == "POST":
        if formset.is_valid():
            try:
                return save(formset.clauses())
            except DomainError as exc:
                errors = _error_lines(exc)
        else:
            errors = [_("请按提示修改标红的条款。")] + [str(e) for e in formset.non_form_errors()]
    return render(
        request,
        template,
        {
            "formset": formset,
            "errors": errors,
            "venue_names": selectors.active_venue_names(),
            **context,
        },
        status=200,
    )


def _error_lines(exc: DomainError) -> list[str]:
    errors = getattr(exc, "errors", None)
    if errors:
        return [message for messages_ in errors.values() for message in messages_]
    return [str(exc)]


@require_http_methods(["GET", "POST"])
@staff_page("agreement.draft")
def agreement_clauses(request, pk):
    agreement = _get(request, pk)
    _require(request.user, "agreement.draft", agreement)
    formset = (
        clause_formset(request.POST)
        if request.method == "POST"
        else clause_formset(clauses=agreement.clauses.order_by("position"))
    )

    def save(clauses):
        services.agreement_clauses_set(actor=request.user, agreement=agreement, clauses=clauses)
        return _done(request, agreement, _("协议条款已保存，共 %(n)s 条。") % {"n": len(clauses)})

    return clause_page(
        request,
        formset=formset,
        save=save,
        template="agreements/clause_form.html",
        context={
            "agreement": agreement,
            "back": _detail_url(agreement),
            "voids_review": _voids_review(agreement),
        },
    )


@require_POST
@staff_page("agreement.draft")
def line_add(request, pk):
    agreement = _get(request, pk)
    form = ServiceLineForm(request.POST, agreement=agreement)
    if not form.is_valid():
        error = ValidationFailed(
            {k: list(v) for k, v in form.errors.items()}, requirement="R-AGR-3"
        )
        return _refused(request, agreement, error, line_form=form)
    try:
        line = services.service_line_add(
            actor=request.user, agreement=agreement, **form.cleaned_data
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, agreement, exc, line_form=form)
    if line.basis == LineBasis.REQUESTED:
        text = _("已添加“%(item)s”（企业自主申请），须企业确认后方可提交审查。")
    else:
        text = _("已添加“%(item)s”（协议类型必备）。")
    return _done(request, agreement, text % {"item": line.item.name})


def _line(request, agreement, line_pk):
    try:
        return selectors.service_line_get(agreement=agreement, pk=line_pk)
    except agreement.lines.model.DoesNotExist:
        raise Http404 from None


@require_POST
@staff_page("agreement.draft")
def line_remove(request, pk, line_pk):
    agreement = _get(request, pk)
    line = _line(request, agreement, line_pk)
    try:
        services.service_line_remove(actor=request.user, line=line)
    except DomainError as exc:
        return _refused(request, agreement, exc)
    return _done(request, agreement, _("已删除服务项“%(item)s”。") % {"item": line.item.name})


@require_POST
@staff_page("agreement.draft")
def line_note(request, pk, line_pk):
    """Record the enterprise's signed confirmation note of a service it asked for (R-AGR-3)."""
    agreement = _get(request, pk)
    line = _line(request, agreement, line_pk)
    form = SignedNoteForm(request.POST, request.FILES)
    if not form.is_valid():
        error = ValidationFailed(
            {"upload": [_("请选择企业签字确认书文件。")]}, requirement="R-AGR-3"
        )
        return _refused(request, agreement, error)
    try:
        services.service_line_record_note(
            actor=request.user, line=line, upload=form.cleaned_data["upload"]
        )
    except DomainError as exc:
        return _refused(request, agreement, exc)
    return _done(
        request, agreement, _("已登记“%(item)s”的企业签字确认书。") % {"item": line.item.name}
    )


def _fee(request, agreement, fee_pk):
    try:
        return selectors.fee_line_get(agreement=agreement, pk=fee_pk)
    except agreement.fees.model.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@staff_page("agreement.draft")
def fee_add(request, pk):
    agreement = _get(request, pk)
    _require(request.user, "agreement.draft", agreement)
    form = FeeLineForm(
        request.POST or None,
        agreement=agreement,
        initial={
            "start_date": agreement.start_date,
            "end_date": agreement.end_date,
            "period": "monthly",
            "kind": "rent",
        },
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda _values: services.fee_line_add(
            actor=request.user, agreement=agreement, **form.values()
        ),
        template="agreements/fee_form.html",
        success_url=lambda _fee: _detail_url(agreement) + "#fees",
        success_message=lambda fee: _("已添加费用“%(fee)s”。") % {"fee": fee.label},
        context=lambda: {"agreement": agreement, "voids_review": _voids_review(agreement)},
    )


@require_http_methods(["GET", "POST"])
@staff_page("agreement.draft")
def fee_edit(request, pk, fee_pk):
    agreement = _get(request, pk)
    _require(request.user, "agreement.draft", agreement)
    fee = _fee(request, agreement, fee_pk)
    form = FeeLineForm(
        request.POST or None, agreement=agreement, initial=FeeLineForm.initial_for(fee)
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda _values: services.fee_line_update(actor=request.user, fee=fee, **form.values()),
        template="agreements/fee_form.html",
        success_url=lambda _fee: _detail_url(agreement) + "#fees",
        success_message=lambda fee: _("已修改费用“%(fee)s”。") % {"fee": fee.label},
        context=lambda: {
            "agreement": agreement,
            "fee": fee,
            "voids_review": _voids_review(agreement),
        },
    )


@require_POST
@staff_page("agreement.draft")
def fee_remove(request, pk, fee_pk):
    agreement = _get(request, pk)
    fee = _fee(request, agreement, fee_pk)
    try:
        services.fee_line_remove(actor=request.user, fee=fee)
    except DomainError as exc:
        return _refused(request, agreement, exc)
    return _done(request, agreement, _("已删除费用“%(fee)s”。") % {"fee": fee.label})


def sign_problems(user, agreement) -> list[str]:
    """What would refuse the signature now (state, reviews, the enterprise's standing),
    shown before the form is filled; the scan and dates are the form's."""
    declared = workflow.get(Agreement, "sign")
    if agreement.status not in declared.source:
        return [
            _("协议当前状态为“%(status)s”，不能登记签署。")
            % {"status": agreement.get_status_display()}
        ]
    found = workflow.problems(user, agreement, declared)
    return [str(p.message) for p in found if p.code != "signature_incomplete"]


@require_http_methods(["GET", "POST"])
@staff_page("agreement.sign")
def agreement_sign(request, pk):
    """Record the signature: date, both signatories, the signed scan (R-AGR-6). Refused with
    nothing stored unless every review that applies passed on the content as stored and the
    enterprise is in good standing (R-AGR-4, R-ENT-5)."""
    agreement = _get(request, pk)
    _require(request.user, "agreement.sign", agreement)
    form = SignForm(request.POST or None, request.FILES or None, agreement=agreement)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.agreement_sign(
            actor=request.user, agreement=agreement, **values
        ),
        template="agreements/sign_form.html",
        success_url=_detail_url,
        success_message=lambda a: _("协议“%(name)s”已登记签署。") % {"name": a},
        context=lambda: {
            "agreement": agreement,
            "problems": sign_problems(request.user, agreement),
            "gates": selectors.gate_states(agreement),
        },
    )


@require_POST
@staff_page("agreement.submit")
def agreement_migration_review(request, pk):
    """Send an agreement imported from the old ledger to the legal review it never had here."""
    agreement = _get(request, pk)
    try:
        services.agreement_migration_review_request(actor=request.user, agreement=agreement)
    except DomainError as exc:
        return _refused(request, agreement, exc)
    return _done(request, agreement, _("已提交法律审查，审查通过后不再标记为未经审查。"))


@require_POST
@staff_page("agreement.amend")
def agreement_amend(request, pk):
    """Start an amendment (补充协议): a new version of the same number, reviewed on its own."""
    agreement = _get(request, pk)
    form = AmendForm(request.POST)
    title = form.cleaned_data["title"] if form.is_valid() else ""
    try:
        amendment = services.agreement_amend(actor=request.user, agreement=agreement, title=title)
    except DomainError as exc:
        return _refused(request, agreement, exc, amend_form=form)
    return _done(
        request,
        amendment,
        _("已起草补充协议（第%(version)s版），内容沿用原协议，修改后提交法律审查。")
        % {"version": amendment.version},
    )
