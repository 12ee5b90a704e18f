"""Staff pages of invoice data (数电发票, R-BIL-6): each bill's buyer, item, classification, rate,
amount excluding tax and tax, filtered (park, period, kind, paid only) and exported as Excel for
the finance system; and the park's invoice settings, where finance replaces a default
classification once its tax adviser confirmed it. No invoice API is called."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parkflow.core import access, generic_views
from parkflow.core.errors import DomainError
from parkflow.core.forms import add_domain_error
from parkflow.core.views import staff_page
from parkflow.enterprises.forms import parks_for

from . import invoices, services_bank
from .choices import ChargeKind
from .forms_bank import InvoiceFilterForm, InvoiceSettingForm

PAGE_SIZE = 30


@require_GET
@staff_page("invoice.view")
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None, user=request.user)
    qs, to_line = invoices.invoice_lines(actor=request.user, **form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "lines": [to_line(bill) for bill in page.object_list],
        "filtered": bool(request.GET),
        "export_query": generic_views.query_without_page(request),
    }
    if request.htmx and request.htmx.target == "invoice-table":
        return render(request, "billing/invoices/partials/_invoice_table.html", context)
    return render(request, "billing/invoices/invoice_list.html", context)


@require_GET
@staff_page("invoice.view")
def invoice_export(request):
    form = InvoiceFilterForm(request.GET or None, user=request.user)
    return generic_views.file_download(
        request,
        build=lambda: invoices.invoice_export(actor=request.user, filters=form.filters()),
        filename=invoices.filename(_("开票数据")),
        back=reverse("billing:invoices"),
    )


def _settings_rows(parks) -> list[dict]:
    found = invoices.classifications([p.pk for p in parks])
    rows = []
    for park in parks:
        for kind, label in ChargeKind.choices:
            current = found.get((park.pk, kind)) or invoices.default_classification(kind)
            rows.append(
                {
                    "park": park,
                    "kind": kind,
                    "kind_label": label,
                    "current": current,
                    "default": invoices.default_classification(kind),
                    "note": invoices.NOTES.get(kind, ""),
                }
            )
    return rows


@require_GET
@staff_page("invoice.view")
def invoice_settings(request):
    parks = list(parks_for(request.user))
    for park in parks:
        park.can_configure = access.may(request.user, "invoice.configure", park=park)
    return render(
        request,
        "billing/invoices/settings.html",
        {"rows": _settings_rows(parks), "parks": parks},
    )


@require_http_methods(["GET", "POST"])
@staff_page("invoice.configure")
def invoice_setting_edit(request, park, kind):
    chosen = next((p for p in parks_for(request.user) if p.pk == park), None)
    if chosen is None or kind not in ChargeKind.values:
        raise Http404
    current = invoices.classifications([chosen.pk]).get(
        (chosen.pk, kind)
    ) or invoices.default_classification(kind)
    initial = {
        "method": current.method,
        "item_name": current.item_name,
        "tax_code": current.tax_code,
        "rate": f"{current.rate.normalize():f}" if current.rate else "0",
    }
    form = InvoiceSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_bank.invoice_setting_save(
                actor=request.user,
                park=chosen,
                kind=kind,
                method=form.cleaned_data["method"],
                item_name=form.cleaned_data["item_name"],
                tax_code=form.cleaned_data["tax_code"],
                rate=Decimal(form.cleaned_data["rate"] or "0"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("已更新%(park)s“%(kind)s”的开票税目。")
                % {"park": chosen.name, "kind": ChargeKind(kind).label},
            )
            return redirect("billing:invoice_settings")
    return render(
        request,
        "billing/invoices/setting_form.html",
        {
            "form": form,
            "park": chosen,
            "kind_label": ChargeKind(kind).label,
            "default": invoices.default_classification(kind),
            "note": invoices.NOTES.get(kind, ""),
        },
        status=400 if request.method == "POST" else 200,
    )
