"""Staff pages of refunds, deposit returns and payouts (R-BIL-4 双签, Art.14): 退款与付款 — the
list with each one's signatures (已签 x/y) and its Excel export, 发起 and 修改 (a draft, by its
initiator), and the refund's page — the facts, the prepaid balance or deposit it draws on, what
waits for whose signature, the steps the user may take now (confirmed in a dialog) and the
timeline. Every lookup goes through a scoped selector, so another park's refund is a 404
(R-ORG-3); every step is a service, whose refusal is shown on the page with nothing written."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, audit, generic_views, workflow, workflow_views
from parkflow.core.choices import GateStatus
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import TransitionForm, add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import exports_refunds as exports
from . import selectors_refunds as selectors
from . import services_refunds as services
from .choices_refunds import OPEN_REFUND_STATUSES, RefundKind, RefundStatus
from .forms_refunds import RefundFilterForm, RefundForm, ReleaseForm
from .models_refunds import Refund

# ---------------------------------------------------------------------------------------------
# The list and its export


def _filter_form(request):
    return RefundFilterForm(request.GET or None, user=request.user)


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


@require_GET
@staff_page("refund.view")
def refund_list(request):
    form = _filter_form(request)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.refund_list(actor=request.user, **filters),
        template="billing/refunds/refund_list.html",
        partial="billing/refunds/partials/_refund_table.html",
        target="refund-table",
        per_page=LIST_PAGE_SIZE,
        name="refunds",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
            "can_initiate": access.may_somewhere(request.user, "refund.initiate"),
            "threshold": selectors.SECOND_SIGNATURE.param("threshold"),
        },
        decorate=lambda rows: selectors.decorate_rows(rows, request.user),
    )


@require_GET
@staff_page("refund.view")
def refund_export(request):
    form = _filter_form(request)
    return generic_views.file_download(
        request,
        build=lambda: exports.refund_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("退款与付款台账")),
        back=reverse("billing:refunds"),
    )


# ---------------------------------------------------------------------------------------------
# 发起 and 修改


def _detail_url(refund) -> str:
    return reverse("billing:refund", args=[refund.pk])


def _form_context(form):
    return {
        "threshold": selectors.SECOND_SIGNATURE.param("threshold"),
        "deposit_kind": RefundKind.DEPOSIT_RETURN,
    }


@require_http_methods(["GET", "POST"])
@staff_page("refund.initiate")
def refund_create(request):
    """发起退款付款 (R-BIL-4): a draft; nothing is paid before its signatures."""
    form = RefundForm(
        request.POST or None,
        enterprises=selectors.enterprises_for_initiate(request.user),
        deposit_bills=selectors.deposit_bills_for(request.user),
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.refund_create(actor=request.user, **values),
        template="billing/refunds/refund_form.html",
        success_url=_detail_url,
        success_message=lambda made: (
            _("已保存草稿“%(refund)s”，确认无误后请提交审批。") % {"refund": made}
        ),
        context=lambda: _form_context(form),
        error_status=400,
    )


def _get(request, pk) -> Refund:
    return get_or_404(selectors.refund_get_for_user, actor=request.user, pk=pk)


@require_http_methods(["GET", "POST"])
@staff_page("refund.edit")
def refund_edit(request, pk):
    """修改草稿: only its initiator, only while it is a draft (the service says so again)."""
    refund = _get(request, pk)
    if not access.may(request.user, "refund.edit", refund):
        raise PermissionDenied
    form = RefundForm(
        request.POST or None,
        initial=RefundForm.initial_for(refund),
        enterprises=None,
        deposit_bills=selectors.deposit_bills_for(request.user, refund.enterprise),
        editing=True,
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.refund_update(actor=request.user, refund=refund, **values),
        template="billing/refunds/refund_form.html",
        success_url=_detail_url,
        success_message=_("草稿已保存。"),
        context=lambda: {**_form_context(form), "refund": refund},
        error_status=400,
    )


# ---------------------------------------------------------------------------------------------
# The refund's page and its steps


def _release_view(user, refund) -> dict | None:
    """The release button for whom may release: enabled, or disabled with the refusal the
    service would give (the signatures, the state)."""
    if refund.status not in OPEN_REFUND_STATUSES or not access.may(user, "refund.release", refund):
        return None
    declared = workflow.get(Refund, "release")
    refusal = selectors.signature_refusal(refund)
    if refusal is not None:
        reasons = [str(refusal.message)]
    else:
        reasons = [str(p.message) for p in workflow.problems(user, refund, declared)]
    return {"transition": declared, "reasons": reasons, "reason": "；".join(reasons)}


def render_refund(request, refund, *, error=None, release_form=None, status=200):
    user = request.user
    actions = [
        a
        for a in workflow.available_transitions(user, refund, portal=None)
        if a.enabled or a.name != "resubmit"  # 补提签署 shows only when there is one to ask
    ]
    events, older = audit.timeline(refund)
    balance = selectors.prepaid_balance(refund.enterprise)
    context = {
        "refund": refund,
        "progress": selectors.signature_progress(refund),
        "actions": actions,
        "transition_form": TransitionForm(),
        "release": _release_view(user, refund),
        "release_form": release_form or ReleaseForm(),
        "open_release": release_form is not None,
        "may_edit": refund.status == RefundStatus.DRAFT and access.may(user, "refund.edit", refund),
        "account": refund.grouped_account
        if selectors.may_see_account(user, refund)
        else refund.masked_account,
        "balance": balance,
        "balance_after": balance - refund.amount,
        "signing_open": refund.status in OPEN_REFUND_STATUSES,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": refund,
        "GateStatus": GateStatus,
        "kinds": RefundKind,
    }
    return render(request, "billing/refunds/refund_detail.html", context, status=status)


@require_GET
@staff_page("refund.view")
def refund_detail(request, pk):
    return render_refund(request, _get(request, pk))


def _refused(request, refund, error, **kwargs):
    """The page again as stored (nothing of the refused step was written), with the reason."""
    return render_refund(
        request, _get(request, refund.pk), error=error, status=error.status_code, **kwargs
    )


# POST refunds/<pk>/transitions/<submit|resubmit|withdraw>/: the declared steps (workflows.py).
refund_transition = workflow_views.transition_page(
    Refund,
    get_object=_get,
    render_refusal=_refused,
    success_url=_detail_url,
    decorate=staff_page("refund.view"),
)


@require_POST
@staff_page("refund.release")
def refund_release(request, pk):
    """放款: the service refuses unless every signature the refund needs was given."""
    refund = _get(request, pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        error = ValidationFailed({k: list(v) for k, v in form.errors.items()})
        return _refused(request, refund, error, release_form=form)
    try:
        services.refund_release(actor=request.user, refund=refund, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _refused(request, refund, exc, release_form=form)
    messages.success(request, _("“%(refund)s”已放款，已记入账务。") % {"refund": refund})
    return redirect(_detail_url(refund))
