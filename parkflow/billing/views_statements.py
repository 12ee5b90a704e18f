"""Staff pages of statements and disputes (R-BIL-5, R-BIL-6): 对账单 — the list with its filters,
出具对账单 for an enterprise and a period, a statement's page (the lines as issued, the totals,
the closing balance in capitals, the bills outstanding, its disputes, the timeline) with its
Excel and PDF (scoped, audited) and 作废重出; 对账争议 — the list with the time left on each
dispute's clock (overdue in red) and a dispute's page with its steps as confirming modals.
Every lookup goes through a scoped selector (another park's statement is a 404); every step is a
service, whose refusal is shown on its form with nothing written."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, audit, generic_views, sla
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import selectors_statements as selectors
from . import services_statements as services
from .choices_statements import DisputeStatus, StatementStatus
from .forms_statements import (
    DisputeFilterForm,
    RejectForm,
    ResolveForm,
    StatementFilterForm,
    StatementIssueForm,
    SupersedeForm,
)
from .money import cny_in_words


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


def document_response(document) -> HttpResponse:
    """A statement's file, always as an attachment, never cached."""
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# 对账单


@require_GET
@staff_page("statement.view")
def statement_list(request):
    form = StatementFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.statement_list(actor=request.user, **filters),
        template="billing/statements/statement_list.html",
        partial="billing/statements/partials/_statement_table.html",
        target="statement-table",
        per_page=LIST_PAGE_SIZE,
        name="statements",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "can_issue": access.may_somewhere(request.user, "statement.issue"),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_page("statement.issue")
def statement_issue(request):
    """出具对账单: an enterprise and a month (or a range of days that has ended)."""
    form = StatementIssueForm(
        request.POST or None, enterprises=selectors.enterprises_for_issue(request.user)
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.statement_issue(actor=request.user, **form.service_values()),
        template="billing/statements/statement_issue.html",
        success_url=lambda made: reverse("billing:statement", args=[made.pk]),
        success_message=lambda made: _("对账单 %(number)s 已出具。") % {"number": made.number},
        error_status=400,
    )


def _statement(request, pk):
    return get_or_404(selectors.statement_get_for_user, actor=request.user, pk=pk)


def render_statement(request, statement, *, supersede_form=None, error=None, status=200):
    events, older = audit.timeline(statement)
    can_supersede = statement.status == StatementStatus.ISSUED and access.may(
        request.user, "statement.issue", statement
    )
    context = {
        "statement": statement,
        "lines": selectors.lines_of(statement),
        "disputes": selectors.disputes_of_statement(statement),
        "closing_words": cny_in_words(statement.closing),
        "can_supersede": can_supersede,
        "supersede_form": supersede_form or SupersedeForm(prefix="supersede"),
        "open_supersede": supersede_form is not None,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": statement,
    }
    return render(request, "billing/statements/statement_detail.html", context, status=status)


@require_GET
@staff_page("statement.view")
def statement_detail(request, pk):
    return render_statement(request, _statement(request, pk))


@require_GET
@staff_page("statement.view")
def statement_download(request, pk, fmt):
    """The statement's Excel or PDF (scoped; every download audited)."""
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    statement = _statement(request, pk)
    try:
        document = services.statement_download(actor=request.user, statement=statement, fmt=fmt)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(reverse("billing:statement", args=[statement.pk]))
    return document_response(document)


@require_POST
@staff_page("statement.issue")
def statement_supersede(request, pk):
    statement = _statement(request, pk)
    form = SupersedeForm(request.POST, prefix="supersede")
    try:
        if not form.is_valid():
            raise ValidationFailed({k: list(v) for k, v in form.errors.items()})
        services.statement_supersede(
            actor=request.user, statement=statement, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        if form.is_valid():
            add_domain_error(form, exc)
        return render_statement(
            request, _statement(request, pk), supersede_form=form, error=exc, status=exc.status_code
        )
    messages.success(request, _("对账单已作废，可为该期间重新出具。"))
    return redirect(reverse("billing:statement", args=[statement.pk]))


# ---------------------------------------------------------------------------------------------
# 对账争议


@require_GET
@staff_page("dispute.view")
def dispute_list(request):
    form = DisputeFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.dispute_list(actor=request.user, **filters),
        template="billing/statements/dispute_list.html",
        partial="billing/statements/partials/_dispute_table.html",
        target="dispute-table",
        per_page=LIST_PAGE_SIZE,
        name="disputes",
        context={"form": form, "filtered": _filtered(filters)},
        decorate=selectors.decorate_sla,
    )


@dataclass(frozen=True)
class Step:
    """One step on the dispute's page: the button, its form (a modal that is also the
    confirmation) and the service it calls."""

    name: str
    label: Any
    icon: str
    form: Any
    call: Any
    done: Any
    button: str = "btn-outline-primary"
    intro: Any = ""


STEPS = {
    step.name: step
    for step in (
        Step(
            "take",
            gettext_lazy("受理核查"),
            "bi-hand-index",
            None,
            lambda actor, dispute, values: services.dispute_take(actor=actor, dispute=dispute),
            gettext_lazy("已受理，争议进入核查。"),
            button="btn-primary",
            intro=gettext_lazy("受理后由您核查这项争议，并在办结时限内调账解决或书面驳回。"),
        ),
        Step(
            "resolve",
            gettext_lazy("调账解决"),
            "bi-check2-circle",
            ResolveForm,
            lambda actor, dispute, values: services.dispute_resolve(
                actor=actor, dispute=dispute, **values
            ),
            gettext_lazy("已调账解决，企业可在门户查看结果。"),
            button="btn-success",
            intro=gettext_lazy(
                "争议成立：对所涉账单新增一笔调增或调减（原账单不修改），处理结果企业可见。"
            ),
        ),
        Step(
            "reject",
            gettext_lazy("驳回"),
            "bi-x-circle",
            RejectForm,
            lambda actor, dispute, values: services.dispute_reject(
                actor=actor, dispute=dispute, **values
            ),
            gettext_lazy("已驳回并书面说明理由，企业可在门户查看。"),
            button="btn-outline-danger",
            intro=gettext_lazy("争议不成立：请写明理由，企业将在门户看到；账单不作任何变更。"),
        ),
    )
}


def available_steps(user, dispute) -> list[str]:
    if not access.may(user, "dispute.handle", dispute):
        return []
    if dispute.status == DisputeStatus.OPEN:
        return ["take"]
    if dispute.status == DisputeStatus.INVESTIGATING:
        names = ["reject"]
        if dispute.line.bill_id is not None:
            names.insert(0, "resolve")
        return names
    return []


def _dispute(request, pk):
    return get_or_404(selectors.dispute_get_for_user, actor=request.user, pk=pk)


def render_dispute(request, dispute, *, error=None, open_step="", bound=None, status=200):
    steps = []
    for name in available_steps(request.user, dispute):
        step = STEPS[name]
        if name == open_step and bound is not None:
            form = bound
        else:
            form = step.form(prefix=name) if step.form else None
        steps.append({"step": step, "form": form, "open": name == open_step})
    events, older = audit.timeline(dispute)
    context = {
        "dispute": dispute,
        "statement": dispute.statement,
        "line": dispute.line,
        "clocks": sla.clocks_of(dispute),
        "steps": steps,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": dispute,
    }
    return render(request, "billing/statements/dispute_detail.html", context, status=status)


@require_GET
@staff_page("dispute.view")
def dispute_detail(request, pk):
    return render_dispute(request, _dispute(request, pk))


@require_POST
@staff_page("dispute.view")
def dispute_step(request, pk, step):
    """POST disputes/<pk>/<step>/: one step through its service; a refusal shows the page again
    with the step's form open and the reason on it (nothing written)."""
    if step not in STEPS:
        raise Http404
    dispute = _dispute(request, pk)
    spec = STEPS[step]
    form = spec.form(request.POST, prefix=step) if spec.form else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationFailed({k: list(v) for k, v in form.errors.items()})
        spec.call(request.user, dispute, dict(form.cleaned_data) if form else {})
    except DomainError as exc:
        if form is not None and form.is_valid():
            add_domain_error(form, exc)
        return render_dispute(
            request,
            _dispute(request, pk),
            error=exc,
            open_step=step,
            bound=form,
            status=exc.status_code,
        )
    messages.success(request, str(spec.done))
    return redirect(reverse("billing:dispute", args=[dispute.pk]))
