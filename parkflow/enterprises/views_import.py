"""Register import pages (R-PLT-5): upload, dry-run report with row-level errors and progress,
confirmation, and the Excel template. Each page calls the services of ``services_import``."""

import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import domain_error_text
from parkflow.core.generic_views import form_page
from parkflow.core.views import staff_page
from parkflow.core.xlsx import append_row

from . import imports, services_import
from .choices import ImportStatus
from .forms import ImportUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_BATCHES = 10


def _batch_or_404(request, pk):
    try:
        return services_import.import_batch_get_for_user(actor=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@staff_page("enterprise.import")
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form=form,
        call=lambda data: services_import.import_batch_upload(
            actor=request.user, upload=data["file"]
        ),
        template="enterprises/import_start.html",
        success_url=lambda batch: reverse("enterprises:import_batch", args=[batch.pk]),
        context=lambda: {
            "batches": services_import.import_batch_list(actor=request.user)[:RECENT_BATCHES],
            "parks": list(services_import.importable_parks(request.user)),
            "max_rows": settings.PARKFLOW_IMPORT_MAX_ROWS,
        },
        error_status=400,
    )


@require_GET
@staff_page("enterprise.import")
def import_template(request):
    parks = list(services_import.importable_parks(request.user).values())
    response = HttpResponse(imports.template_workbook(parks), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _("企业名录导入模板.xlsx"))
    return response


def _batch_context(request, batch):
    total = batch.enterprise_rows if batch.status == ImportStatus.IMPORTING else 0
    done = services_import.progress_of(batch) if batch.is_running else 0
    percent = min(100, round(100 * done / total)) if total else None
    return {"batch": batch, "done": done, "total": total, "percent": percent}


@require_GET
@staff_page("enterprise.import")
def import_batch(request, pk):
    batch = _batch_or_404(request, pk)
    context = _batch_context(request, batch)
    if request.htmx:
        return render(request, "enterprises/partials/_import_status.html", context)
    return render(request, "enterprises/import_batch.html", context)


@require_POST
@staff_page("enterprise.import")
def import_confirm(request, pk):
    batch = _batch_or_404(request, pk)
    try:
        services_import.import_batch_confirm(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        messages.success(request, _("已开始导入，完成前请勿重复提交。"))
    return redirect("enterprises:import_batch", pk=batch.pk)


@require_GET
@staff_page("enterprise.import")
def import_errors(request, pk):
    """The row-level error report as a workbook the importer can correct from."""
    batch = _batch_or_404(request, pk)
    book = Workbook()
    sheet = book.active
    sheet.title = _("错误明细")
    append_row(sheet, [_("工作表"), _("行号"), _("列"), _("错误")])
    for error in batch.errors:
        append_row(sheet, [error["sheet"], error["row"], error["column"], error["message"]])
    for letter, width in zip("ABCD", (14, 8, 20, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, _("导入错误明细-%(id)s.xlsx") % {"id": batch.pk}
    )
    return response
