"""Staff pages of licence readings (issue 13): 上传营业执照自动识别 (the upload), the reading's
page — its progress polled every second while the worker reads, then the enterprise create form
pre-filled from the licence beside the licence itself, or why it could not be read — the
licence file (access-checked), and applying a renewed licence's differences to the register
(from the enterprise page's panel). Every lookup goes through the scoped selector (another
park's reading is a 404); every change is a service whose refusal is shown inline."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from parkflow.core import access
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import get_or_404, staff_page
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.intake.documents import max_upload_bytes

from . import mapping, panels, selectors, services
from .choices import REGISTERING, ReadingPurpose, ReadingStatus
from .forms import LicenceConfirmForm, LicenceUploadForm
from .models import retention_days


@require_http_methods(["GET", "POST"])
@staff_page("licence_reading.submit")
def upload(request):
    """上传营业执照自动识别: the file goes to the worker; its page shows the progress."""
    parks = selectors.parks_for_upload(request.user)
    form = LicenceUploadForm(request.POST or None, request.FILES or None, parks=parks)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                reading = services.reading_submit(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    purpose=ReadingPurpose.NEW_ENTERPRISE,
                    park=form.cleaned_data["park"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status_code
            else:
                return redirect(reading.get_absolute_url())
    return render(
        request,
        "licences/upload.html",
        {
            "form": form,
            "recent": selectors.reading_list_mine(actor=request.user),
            "max_mb": max_upload_bytes() // (1024 * 1024),
            "retention_days": retention_days(),
        },
        status=status,
    )


def _reading(request, token):
    return get_or_404(selectors.reading_get_for_user, actor=request.user, token=token)


def _may_register(user, reading) -> bool:
    return (
        reading.purpose in REGISTERING
        and reading.status == ReadingStatus.DONE
        and reading.used_at is None
        and bool(reading.file)
        and access.may(user, "licence_reading.register", reading)
    )


def _confirm_form(request, reading, result):
    """The register's create form, pre-filled from the reading (or as posted)."""
    if request.method == "POST":
        return LicenceConfirmForm(request.POST, user=request.user), {}
    form = LicenceConfirmForm(user=request.user)
    initial, filled = mapping.prefill(result, form.fields)
    valid_from, valid_until = mapping.licence_validity(result)
    form.initial.update(initial)
    form.initial.update(
        {
            "park": reading.park_id,
            "licence_valid_from": valid_from,
            "licence_valid_until": None if result.long_term else valid_until,
            "licence_long_term": result.long_term,
        }
    )
    return form, filled


def _confirm_context(form, filled, result) -> dict:
    if not filled and result is not None:
        _initial, filled = mapping.prefill(result, form.fields)
    code = result.fields.get("credit_code") if result else None
    return {
        "form": form,
        "licence_rows": [(form[name], filled.get(name)) for name in form.licence_field_names()],
        "other_fields": [form[name] for name in form.other_field_names()],
        "code_reading": filled.get("credit_code"),
        "code_needs_check": bool(code and code.value and code.needs_verification),
        "long_term": result.long_term if result else False,
    }


@require_http_methods(["GET", "POST"])
@staff_page("licence_reading.view")
def reading_detail(request, token):
    """The reading: its progress (an HTMX poll gets only the progress card, and a full reload
    once it is finished), then the confirm form beside the licence, or why it failed."""
    reading = _reading(request, token)
    if request.htmx and request.method == "GET":
        if request.GET.get("panel") and reading.enterprise_id:
            context = panels.renewal_context(request.user, reading, reading.enterprise)
            return render(request, "licences/partials/_renewal_panel.html", context)
        if reading.is_finished:
            return HttpResponseClientRefresh()
        return render(request, "licences/partials/_progress.html", {"reading": reading})
    result = selectors.result_of(reading)
    context = {"reading": reading, "result": result, "error": None}
    status = 200
    if request.method == "POST":
        form, filled = _confirm_form(request, reading, result)
        if form.is_valid():
            try:
                enterprise = services.enterprise_register_from_licence(
                    actor=request.user, reading=reading, **form.service_arguments()
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status_code
                context["error"] = exc
            else:
                messages.success(
                    request,
                    _("企业“%(name)s”已按营业执照建档，执照已作为第 1 版营业执照存档。")
                    % {"name": enterprise.name},
                )
                return redirect(reverse("enterprises:detail", args=[enterprise.pk]))
        else:
            status = 400
        reading = _reading(request, token)
        context["reading"] = reading
        context.update(_confirm_context(form, filled, result))
        context["confirming"] = True
    elif _may_register(request.user, reading) and result is not None:
        form, filled = _confirm_form(request, reading, result)
        context.update(_confirm_context(form, filled, result))
        context["confirming"] = True
    if result is not None:
        context["read_fields"] = _read_fields(result)
    if reading.purpose == ReadingPurpose.RENEWAL and reading.enterprise_id:
        context["renewal_rows"] = selectors.register_differences(reading, reading.enterprise)
    return render(request, "licences/reading_detail.html", context, status=status)


def _read_fields(result):
    """Every field the licence gave, in its order: (label, reading), for the read-only list."""
    rows = []
    for key, label in mapping.LICENCE_LABELS.items():
        found = result.fields.get(key)
        if found is not None and (found.value or found.text):
            rows.append((found.label or label, found))
    return rows


@require_GET
@staff_page("licence_reading.view")
def reading_file(request, token):
    """The licence file of a reading, for someone who may see the reading (its uploader, staff
    of the park); opened by anyone else it is audited. Images are shown in the page, a PDF is
    downloaded."""
    reading = _reading(request, token)
    try:
        handle = services.reading_file_open(actor=request.user, reading=reading)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise PermissionDenied from None
    response = FileResponse(
        handle,
        as_attachment=not reading.is_image,
        filename=reading.original_name,
        content_type=reading.mime_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@staff_page("licence_reading.renew")
def renewal_apply(request, token):
    """Apply the differences chosen on the enterprise page's panel to the register."""
    reading = _reading(request, token)
    if reading.enterprise_id is None:
        raise Http404
    back = reverse("enterprises:detail", args=[reading.enterprise_id])
    if reading.enterprise.status == EnterpriseStatus.EXITED:
        messages.error(request, _("已退出的企业档案不能修改。"))
        return redirect(back)
    try:
        services.renewal_apply(
            actor=request.user, reading=reading, fields=request.POST.getlist("fields")
        )
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(back)
    messages.success(request, _("已按换发的营业执照更新登记信息，修改已写入审计记录。"))
    return redirect(back)
