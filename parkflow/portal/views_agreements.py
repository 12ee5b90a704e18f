"""The enterprise's agreements in the portal (R-AGR-3, R-AGR-6; R-PLT-3): its own agreements
and their clauses, services and fees; the services it asked for, to confirm (no bundling: only
the enterprise confirms them); the agreement as a PDF. Internal drafts stay internal — a draft
is shown only once it holds a service the enterprise asked for — and so do the reviews
and their opinions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkflow.agreements import documents, services, visibility
from parkflow.agreements.models import Agreement, ServiceLine
from parkflow.core import access
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import domain_error_text

from .views import portal_page


def _visible(user):
    return visibility.for_enterprise(access.scope(user, Agreement.objects.all()))


def _get(user, pk) -> Agreement:
    try:
        return _visible(user).select_related("park", "enterprise").get(pk=pk)
    except (Agreement.DoesNotExist, ValueError):
        raise Http404 from None


@portal_page
def agreement_list(request, enterprise):
    agreements = _visible(request.user).order_by("-created_at", "-id")
    return render(
        request,
        "portal/agreements.html",
        {"enterprise": enterprise, "agreements": agreements, "portal_tab": "agreements"},
    )


def _render_detail(request, enterprise, agreement, *, error="", status=200):
    lines = list(agreement.lines.select_related("item").order_by("basis", "id"))
    return render(
        request,
        "portal/agreement.html",
        {
            "enterprise": enterprise,
            "agreement": agreement,
            "clauses": agreement.clauses.order_by("position"),
            "lines": lines,
            "fees": agreement.fees.select_related("tariff").order_by("position"),
            "can_confirm": access.may(request.user, "agreement.confirm_line", agreement),
            "error": error,
            "portal_tab": "agreements",
        },
        status=status,
    )


@portal_page
def agreement_detail(request, enterprise, pk):
    return _render_detail(request, enterprise, _get(request.user, pk))


@portal_page
def agreement_pdf(request, enterprise, pk):
    """The agreement as a PDF (R-AGR-6): the enterprise's own, as it reads it here; audited."""
    from django.core.exceptions import PermissionDenied as Forbidden

    agreement = _get(request.user, pk)
    try:
        return documents.agreement_pdf_response(request, agreement)
    except DomainError:
        raise Forbidden from None


@require_POST
@portal_page
def line_confirm(request, enterprise, pk, line_pk):
    agreement = _get(request.user, pk)
    try:
        line = agreement.lines.select_related("item").get(pk=line_pk)
    except (ServiceLine.DoesNotExist, ValueError):
        raise Http404 from None
    try:
        services.service_line_confirm(actor=request.user, line=line)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return _render_detail(
            request, enterprise, agreement, error=domain_error_text(exc), status=exc.status_code
        )
    messages.success(request, _("已确认申请“%(item)s”服务。") % {"item": line.item.name})
    return redirect("portal:agreement", pk=agreement.pk)
