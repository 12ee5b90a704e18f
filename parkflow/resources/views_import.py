"""Staff pages of the unit ledger's import (R-RES-1, R-PLT-5): upload into a park, the check of
every row (errors by row and column, in Chinese) or the rows to import, the confirmation, the
worker's progress for a large file; the template to download. Nothing is written before the
confirmation, and nothing at all if any row fails."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import domain_error_text
from parkflow.core.views import staff_page

from . import imports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job_or_404(request, token) -> dict:
    try:
        return imports.import_job_get_for_user(actor=request.user, token=token)
    except NotFound:
        raise Http404 from None


def _import_context(request, **extra) -> dict:
    return {
        "parks": imports.importable_parks(request.user),
        "columns": imports.COLUMNS,
        "max_rows": settings.PARKFLOW_IMPORT_MAX_ROWS,
        "background_from": imports.BACKGROUND_FROM,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_page(imports.ACTION)
def resource_import(request):
    """Upload, then the check of every row: the errors by row and column, or the units that
    will be registered and a button to confirm."""
    if request.method == "GET":
        return render(request, "resources/import.html", _import_context(request))
    try:
        job = imports.resource_import_check(
            actor=request.user,
            park=request.POST.get("park") or None,
            upload=request.FILES.get("file"),
        )
    except DomainError as exc:
        return render(
            request,
            "resources/import.html",
            _import_context(
                request, failure=domain_error_text(exc), chosen=request.POST.get("park", "")
            ),
            status=400,
        )
    return redirect("resources:import_job", token=job["token"])


@require_GET
@staff_page(imports.ACTION)
def resource_import_template(request):
    response = HttpResponse(
        imports.template_workbook(imports.importable_parks(request.user)), content_type=XLSX
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _("办公单元台账导入模板.xlsx")
    )
    return response


@require_GET
@staff_page(imports.ACTION)
def resource_import_job(request, token):
    """A checked file: its errors or the units to import; then the import's progress and result
    (polled by HTMX while the worker runs)."""
    job = _job_or_404(request, token)
    context = _import_context(request, job=job, **imports.job_view(job))
    if request.htmx:
        return render(request, "resources/import_status.html", context)
    return render(request, "resources/import_job.html", context)


@require_POST
@staff_page(imports.ACTION)
def resource_import_commit(request, token):
    job = _job_or_404(request, token)
    try:
        job = imports.resource_import_confirm(actor=request.user, token=job["token"])
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        if job["status"] == imports.DONE:
            messages.success(
                request, _("已导入 %(n)s 个办公单元。") % {"n": job.get("imported", 0)}
            )
        elif job["status"] == imports.RUNNING:
            messages.info(request, _("已开始导入，完成前请勿重复提交。"))
    return redirect(reverse("resources:import_job", kwargs={"token": token}))
