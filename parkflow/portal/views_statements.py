"""对账单 in the portal (R-BIL-5, R-PLT-3): an enterprise user reads its statements on a phone —
the lines as issued, the totals, the closing balance in capitals, the bills still open —,
downloads them as PDF or Excel, disputes a line with its reason, and follows its disputes to
their outcome (the adjustment made, or the park's written reason). Only the enterprise's own
statements exist here: another's is a 404 on every route and method (R-ORG-3); every step is a
service of ``billing.services_statements``, whose refusal is shown on the form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parkflow.billing import selectors_statements as selectors
from parkflow.billing import services_statements as services
from parkflow.billing.choices_statements import DisputeStatus, StatementStatus
from parkflow.billing.forms_statements import PortalDisputeForm
from parkflow.billing.models_statements import Statement, StatementDispute, StatementLine
from parkflow.billing.money import cny_in_words
from parkflow.billing.views_statements import document_response
from parkflow.core import access
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, paginate

from .views import portal_page

# What the enterprise sees of its dispute's progress, in its own words.
PORTAL_STEPS = (
    (gettext_lazy("已提交"), (DisputeStatus.OPEN,)),
    (gettext_lazy("核查中"), (DisputeStatus.INVESTIGATING,)),
    (gettext_lazy("已答复"), (DisputeStatus.RESOLVED, DisputeStatus.REJECTED)),
)


def _get(request, qs, **lookup):
    try:
        return access.get_for_user(request.user, qs, **lookup)
    except NotFound:
        raise Http404 from None


def _statement(request, pk) -> Statement:
    return _get(request, Statement.objects.select_related("park", "enterprise"), pk=pk)


@require_GET
@portal_page
def statement_list(request, enterprise):
    """我的对账单: newest period first."""
    qs = access.scope(request.user, Statement.objects.all()).order_by("-period_start", "-id")
    page = paginate(request, qs, LIST_PAGE_SIZE)
    return render(
        request,
        "portal/statements.html",
        {
            "enterprise": enterprise,
            "statements": page.object_list,
            "page_obj": page,
            "portal_tab": "statements",
            "statements_tab": "statements",
        },
    )


@require_GET
@portal_page
def statement_detail(request, enterprise, pk):
    statement = _statement(request, pk)
    return render(
        request,
        "portal/statement.html",
        {
            "enterprise": enterprise,
            "statement": statement,
            "lines": selectors.lines_of(statement),
            "closing_words": cny_in_words(statement.closing),
            "can_dispute": statement.status == StatementStatus.ISSUED
            and access.may(request.user, "dispute.raise", statement),
            "portal_tab": "statements",
            "statements_tab": "statements",
        },
    )


@require_GET
@portal_page
def statement_download(request, enterprise, pk, fmt):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    statement = _statement(request, pk)
    try:
        document = services.statement_download(actor=request.user, statement=statement, fmt=fmt)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(reverse("portal:statement", args=[statement.pk]))
    return document_response(document)


@require_http_methods(["GET", "POST"])
@portal_page
def statement_dispute(request, enterprise, pk, line_pk):
    """对这一行提出争议: the line, and the reason."""
    statement = _statement(request, pk)
    line = _get(request, StatementLine.objects.filter(statement=statement), pk=line_pk)
    form = PortalDisputeForm(request.POST or None, initial={"line": line.pk})
    status = 200
    if request.method == "POST":
        try:
            if form.is_valid():
                if form.cleaned_data["line"] != line.pk:
                    raise Http404
                dispute = services.dispute_raise(
                    actor=request.user, line=line, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("争议已提交，园区财务将在 2 个工作日内受理。"))
                return redirect(reverse("portal:dispute", args=[dispute.pk]))
            status = 400
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status_code
    return render(
        request,
        "portal/statement_dispute.html",
        {
            "enterprise": enterprise,
            "statement": statement,
            "line": line,
            "form": form,
            "portal_tab": "statements",
            "statements_tab": "statements",
        },
        status=status,
    )


@require_GET
@portal_page
def dispute_list(request, enterprise):
    """我的争议: newest first, with their state."""
    qs = access.scope(
        request.user, StatementDispute.objects.select_related("statement", "line")
    ).order_by("-raised_at", "-id")
    page = paginate(request, qs, LIST_PAGE_SIZE)
    return render(
        request,
        "portal/statement_disputes.html",
        {
            "enterprise": enterprise,
            "disputes": page.object_list,
            "page_obj": page,
            "portal_tab": "statements",
            "statements_tab": "disputes",
        },
    )


def _steps(dispute):
    current = next(n for n, (_label, states) in enumerate(PORTAL_STEPS) if dispute.status in states)
    return [
        (label, "done" if n < current else "current" if n == current else "")
        for n, (label, _states) in enumerate(PORTAL_STEPS)
    ]


@require_GET
@portal_page
def dispute_detail(request, enterprise, pk):
    dispute = _get(
        request,
        StatementDispute.objects.select_related("statement", "line", "adjustment"),
        pk=pk,
    )
    return render(
        request,
        "portal/statement_dispute_detail.html",
        {
            "enterprise": enterprise,
            "dispute": dispute,
            "steps": _steps(dispute),
            "portal_tab": "statements",
            "statements_tab": "disputes",
        },
    )
