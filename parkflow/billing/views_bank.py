"""Staff pages of bank-statement import (R-BIL-4, R-PLT-5): the statements imported, the upload
and the check of every row (errors by row and column, or what each credit line will become), the
confirmation, a statement's lines with the worker's progress for a large file, and the review
list (待人工核对) where finance matches a line to a bill or marks it as not the park's money.
Nothing is written before the confirmation; every write is a service."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, generic_views
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import get_or_404, staff_page

from . import imports_bank, services_bank
from . import selectors_bank as selectors
from .choices_bank import BankLineStatus, ImportStatus
from .forms_bank import BankLineFilterForm, IgnoreForm, MatchForm

LIST_PAGE_SIZE = 20
LINES_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# Statements imported, and the upload


@require_GET
@staff_page("bank.view")
def bank_imports(request):
    return generic_views.list_page(
        request,
        qs=selectors.bank_import_list(actor=request.user),
        template="billing/bank/import_list.html",
        partial="billing/bank/partials/_import_table.html",
        target="import-table",
        per_page=LIST_PAGE_SIZE,
        name="imports",
        context={
            "can_import": access.may_somewhere(request.user, "bank.import"),
            "review_count": selectors.review_count(actor=request.user),
        },
    )


def _upload_context(request, **extra) -> dict:
    return {
        "parks": imports_bank.importable_parks(request.user),
        "max_rows": settings.PARKFLOW_IMPORT_MAX_ROWS,
        "background_from": imports_bank.BACKGROUND_FROM,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_page("bank.import")
def bank_import_upload(request):
    """Upload, then the check of every row: the errors by row and column, or the credit lines
    and what each will become, with a button to confirm."""
    if request.method == "GET":
        return render(request, "billing/bank/upload.html", _upload_context(request))
    try:
        job = imports_bank.bank_import_check(
            actor=request.user,
            park=request.POST.get("park") or None,
            upload=request.FILES.get("file"),
        )
    except DomainError as exc:
        return render(
            request,
            "billing/bank/upload.html",
            _upload_context(
                request, failure=domain_error_text(exc), chosen=request.POST.get("park", "")
            ),
            status=400,
        )
    return redirect("billing:bank_import_job", token=job["token"])


def _job_or_404(request, token) -> dict:
    try:
        return imports_bank.import_job_get_for_user(actor=request.user, token=token)
    except NotFound:
        raise Http404 from None


@require_GET
@staff_page("bank.import")
def bank_import_job(request, token):
    """A checked statement: its errors, or its credit lines and what each will become."""
    job = _job_or_404(request, token)
    if job.get("import_id"):
        return redirect("billing:bank_import", pk=job["import_id"])
    return render(
        request,
        "billing/bank/job.html",
        {"job": job, **imports_bank.job_view(job), "preview_limit": imports_bank.PREVIEW_LINES},
    )


@require_POST
@staff_page("bank.import")
def bank_import_confirm(request, token):
    job = _job_or_404(request, token)
    try:
        run = services_bank.bank_import_confirm(actor=request.user, token=job["token"])
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("billing:bank_import_job", token=token)
    if run.status == ImportStatus.DONE:
        messages.success(
            request,
            _("已导入 %(n)s 笔收入：自动入账 %(m)s 笔，待人工核对 %(r)s 笔。")
            % {"n": run.lines_total, "m": run.matched, "r": run.to_review},
        )
    else:
        messages.info(request, _("已开始在后台入账，完成前请勿重复提交。"))
    return redirect("billing:bank_import", pk=run.pk)


@require_GET
@staff_page("bank.view")
def bank_import(request, pk):
    """One statement imported: its figures, its lines (polled by HTMX while the worker runs)."""
    run = get_or_404(selectors.bank_import_get_for_user, actor=request.user, pk=pk)
    lines = Paginator(
        selectors.bank_line_list(actor=request.user, statement=run), LINES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "counts": selectors.line_counts(run),
        "page_obj": lines,
        "lines": lines.object_list,
        "running": run.status == ImportStatus.RUNNING,
    }
    if request.htmx and request.htmx.target == "import-progress":
        return render(request, "billing/bank/partials/_import_progress.html", context)
    return render(request, "billing/bank/import_detail.html", context)


# ---------------------------------------------------------------------------------------------
# The review list and one line


@require_GET
@staff_page("bank.view")
def bank_review(request):
    form = BankLineFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.bank_line_list(actor=request.user, **filters),
        template="billing/bank/review.html",
        partial="billing/bank/partials/_line_table.html",
        target="line-table",
        per_page=LIST_PAGE_SIZE,
        name="lines",
        context={
            "form": form,
            "filtered": bool(request.GET),
            "reviewing": filters.get("status") == BankLineStatus.REVIEW,
        },
    )


def _line_page(request, line, *, match_form=None, ignore_form=None, status=200):
    candidates = selectors.match_candidates(line) if line.status == BankLineStatus.REVIEW else []
    return render(
        request,
        "billing/bank/line.html",
        {
            "line": line,
            "candidates": candidates,
            "match_form": match_form or MatchForm(candidates=candidates),
            "ignore_form": ignore_form or IgnoreForm(),
            "can_match": line.status == BankLineStatus.REVIEW
            and access.may(request.user, "bank.match", line),
        },
        status=status,
    )


@require_GET
@staff_page("bank.view")
def bank_line(request, pk):
    line = get_or_404(selectors.bank_line_get_for_user, actor=request.user, pk=pk)
    return _line_page(request, line)


@require_POST
@staff_page("bank.match")
def bank_line_match(request, pk):
    line = get_or_404(selectors.bank_line_get_for_user, actor=request.user, pk=pk)
    candidates = selectors.match_candidates(line) if line.status == BankLineStatus.REVIEW else []
    form = MatchForm(request.POST, candidates=candidates)
    if form.is_valid():
        chosen = next((b for b in candidates if b.pk == form.cleaned_data.get("bill")), None)
        if chosen is None:
            chosen = selectors.bills_for_match(
                actor=request.user, line=line, number=form.cleaned_data.get("number") or ""
            )
        if chosen is None:
            form.add_error("number", _("本园区没有这个账单号。"))
        else:
            try:
                services_bank.bank_line_match(
                    actor=request.user, line=line, bill=chosen, note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已将 %(amount)s 元入账到账单 %(number)s。")
                    % {"amount": f"{line.amount:,.2f}", "number": chosen.number},
                )
                return redirect(reverse("billing:bank_review"))
    return _line_page(request, line, match_form=form, status=400)


@require_POST
@staff_page("bank.match")
def bank_line_ignore(request, pk):
    line = get_or_404(selectors.bank_line_get_for_user, actor=request.user, pk=pk)
    form = IgnoreForm(request.POST)
    if form.is_valid():
        try:
            services_bank.bank_line_ignore(
                actor=request.user, line=line, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已标为非本园区款项。"))
            return redirect(reverse("billing:bank_review"))
    return _line_page(request, line, ignore_form=form, status=400)
