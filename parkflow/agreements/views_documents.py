"""Staff downloads of an agreement (R-AGR-6) — the PDF, the .docx, the signed scan — and the import
of the agreements a park signed before ParkFlow (R-PLT-5). Each view fetches through the access
layer (missing and not-yours: the same 404) and calls one function that checks, audits and
answers."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import domain_error_text
from parkflow.core.views import staff_page

from . import documents, imports
from .choices import AgreementStatus
from .models import Agreement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _agreement_or_404(request, pk) -> Agreement:
    try:
        return access.get_restricted(
            request.user,
            "agreement.download",
            Agreement.objects.select_related("park", "enterprise"),
            pk=pk,
        )
    except NotFound:
        raise Http404 from None


def _download(request, pk, fmt):
    agreement = _agreement_or_404(request, pk)
    content, filename, mime = documents.agreement_document(
        actor=request.user, agreement=agreement, fmt=fmt
    )
    return documents.document_response(content, filename, mime)


@require_GET
@staff_page("agreement.download")
def agreement_pdf(request, pk):
    return _download(request, pk, "pdf")


@require_GET
@staff_page("agreement.download")
def agreement_docx(request, pk):
    return _download(request, pk, "docx")


@require_GET
@staff_page("agreement.download")
def agreement_scan(request, pk):
    """The signed scan of a signed (or since superseded) agreement; none before signing."""
    agreement = _agreement_or_404(request, pk)
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.SUPERSEDED) or not (
        agreement.signed_scan
    ):
        raise Http404
    handle = documents.signed_scan_open(actor=request.user, agreement=agreement)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=agreement.scan_name or f"{agreement.number}-签署件",
        content_type=agreement.scan_mime or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Import of existing agreements (R-PLT-5)


def _job_or_404(request, token) -> dict:
    try:
        return imports.import_job_get_for_user(actor=request.user, token=token)
    except NotFound:
        raise Http404 from None


def _import_context(request, **extra) -> dict:
    return {
        "parks": [park.name for park in imports.importable_parks(request.user)],
        "max_rows": settings.PARKFLOW_IMPORT_MAX_ROWS,
        "background_from": imports.BACKGROUND_FROM,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_page("agreement.import")
def agreement_import(request):
    """Upload, then the check of every row: the errors by row and column, or the rows that
    will be imported and a button to confirm. Nothing is written before the confirmation."""
    if request.method == "GET":
        return render(request, "agreements/import.html", _import_context(request))
    try:
        job = imports.agreement_import_check(actor=request.user, upload=request.FILES.get("file"))
    except DomainError as exc:
        return render(
            request,
            "agreements/import.html",
            _import_context(request, failure=domain_error_text(exc)),
            status=400,
        )
    return redirect("agreements:import_job", token=job["token"])


@require_GET
@staff_page("agreement.import")
def agreement_import_template(request):
    parks = list(imports.importable_parks(request.user))
    response = HttpResponse(imports.template_workbook(parks), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _("协议导入模板.xlsx"))
    return response


@require_GET
@staff_page("agreement.import")
def agreement_import_job(request, token):
    """A checked file: its errors or the rows to import; then the import's progress and result
    (polled by HTMX while the worker runs)."""
    job = _job_or_404(request, token)
    context = _import_context(request, job=job, **imports.job_view(job))
    if request.htmx:
        return render(request, "agreements/import_status.html", context)
    return render(request, "agreements/import_job.html", context)


@require_POST
@staff_page("agreement.import")
def agreement_import_commit(request, token):
    job = _job_or_404(request, token)
    try:
        job = imports.agreement_import_confirm(actor=request.user, token=job["token"])
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        if job["status"] == imports.DONE:
            messages.success(
                request, _("已导入 %(n)s 份历史协议。") % {"n": job.get("imported", 0)}
            )
        elif job["status"] == imports.RUNNING:
            messages.info(request, _("已开始导入，完成前请勿重复提交。"))
    return redirect(reverse("agreements:import_job", kwargs={"token": token}))
