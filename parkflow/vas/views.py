"""Staff pages of value-added services (R-VAS-1 … R-VAS-3): 服务目录 (the catalogue, a service's
page with its price history, publishing a price with the lead time said where the date is
chosen), 服务订单 (the list with its export, the order's page with its timeline and the steps the
user may take now, entering an order on an enterprise's behalf) and 服务质量 (the ratings per
service, the flagged ones highlighted). Every lookup goes through a scoped selector (another
park's row is a 404); every change is a service whose refusal is shown on its form with nothing
written. Confirming an order is not a step here: only the enterprise confirms, in the portal."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, audit, generic_views
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import exports, selectors, services
from .choices import OrderStatus, VasCategory
from .forms import (
    CompleteForm,
    OrderFilterForm,
    PriceForm,
    QualityForm,
    ReasonForm,
    ServiceFilterForm,
    ServiceForm,
    StaffOrderForm,
)


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


# ---------------------------------------------------------------------------------------------
# 服务目录 (R-VAS-1)


@require_GET
@staff_page("vas_service.view")
def service_list(request):
    form = ServiceFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.service_list(actor=request.user, **filters),
        template="vas/service_list.html",
        partial="vas/partials/_service_table.html",
        target="service-table",
        per_page=LIST_PAGE_SIZE,
        name="services",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "can_manage": access.may_somewhere(request.user, "vas_service.manage"),
            "lead_days": selectors.lead_days(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_page("vas_service.manage")
def service_create(request):
    form = ServiceForm(request.POST or None, parks=selectors.parks_to_keep(request.user))
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.service_create(actor=request.user, **values),
        template="vas/service_form.html",
        success_url=lambda made: reverse("vas:service", args=[made.pk]),
        success_message=_("服务已加入目录。公示价格并生效后，企业即可下单。"),
        error_status=400,
    )


def _service(request, pk):
    return get_or_404(selectors.service_get_for_user, actor=request.user, pk=pk)


@require_GET
@staff_page("vas_service.view")
def service_detail(request, pk):
    entry = _service(request, pk)
    history = selectors.price_history(entry)
    events, older = audit.timeline(entry)
    return render(
        request,
        "vas/service_detail.html",
        {
            "service": entry,
            "history": history,
            "states": selectors.PRICE_STATES,
            "current": next((row.price for row in history if row.state == "current"), None),
            "upcoming": [row.price for row in history if row.state == "upcoming"],
            "can_manage": access.may(request.user, "vas_service.manage", entry),
            "lead_days": selectors.lead_days(),
            "events": events,
            "older": older,
            "subject": entry,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_page("vas_service.manage")
def service_edit(request, pk):
    entry = _service(request, pk)
    if not access.may(request.user, "vas_service.manage", entry):
        raise Http404
    initial = {
        "name": entry.name,
        "category": entry.category,
        "unit": entry.unit,
        "description": entry.description,
        "is_active": entry.is_active,
    }
    form = ServiceForm(request.POST or None, initial=initial, editing=True)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.service_update(actor=request.user, service=entry, **values),
        template="vas/service_form.html",
        success_url=reverse("vas:service", args=[entry.pk]),
        success_message=_("服务信息已保存。"),
        context={"service": entry},
        error_status=400,
    )


@require_http_methods(["GET", "POST"])
@staff_page("vas_service.manage")
def price_publish(request, pk):
    """公示价格 (R-VAS-1): the page says how many days ahead a price must be published and the
    earliest date a price published today may take effect; the service refuses an earlier one."""
    entry = _service(request, pk)
    if not access.may(request.user, "vas_service.manage", entry):
        raise Http404
    earliest = selectors.earliest_effective()
    form = PriceForm(request.POST or None, earliest=earliest)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.price_publish(actor=request.user, service=entry, **values),
        template="vas/price_form.html",
        success_url=reverse("vas:service", args=[entry.pk]),
        success_message=lambda made: (
            _("新价格已公示，%(date)s 起执行。")
            % {
                "date": f"{made.effective_from.year}年{made.effective_from.month}月"
                f"{made.effective_from.day}日"
            }
        ),
        context=lambda: {
            "service": entry,
            "lead_days": selectors.lead_days(),
            "earliest": earliest,
            "current": selectors.price_in_force(entry),
            "upcoming": list(selectors.upcoming(entry.prices.all())),
        },
        error_status=400,
    )


# ---------------------------------------------------------------------------------------------
# 服务订单 (R-VAS-2)


def _order_filters(request):
    return OrderFilterForm(request.GET or None, user=request.user)


@require_GET
@staff_page("vas_order.view")
def order_list(request):
    form = _order_filters(request)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.order_list(actor=request.user, **filters),
        template="vas/order_list.html",
        partial="vas/partials/_order_table.html",
        target="order-table",
        per_page=LIST_PAGE_SIZE,
        name="orders",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
            "can_place": access.may_somewhere(request.user, "vas_order.place"),
        },
    )


@require_GET
@staff_page("vas_order.view")
def order_export(request):
    form = _order_filters(request)
    return generic_views.file_download(
        request,
        build=lambda: exports.order_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("增值服务订单")),
        back=reverse("vas:orders"),
    )


@require_http_methods(["GET", "POST"])
@staff_page("vas_order.place")
def order_create(request):
    """代录订单: an order the enterprise asked for by phone or in person. It waits for the
    enterprise's confirmation in the portal before anything is delivered or billed."""
    form = StaffOrderForm(
        request.POST or None,
        enterprises=selectors.enterprises_to_order_for(request.user),
        services=selectors.services_to_order(request.user),
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.order_place(actor=request.user, **values),
        template="vas/order_form.html",
        success_url=lambda made: reverse("vas:order", args=[made.pk]),
        success_message=_("订单已代录，待企业在门户确认后方可提供服务和计费。"),
        error_status=400,
    )


@dataclass(frozen=True)
class Step:
    """One step on the order's page: the button, its form (a modal that is also the
    confirmation) and the service it calls."""

    name: str
    label: Any
    icon: str
    form: Any
    call: Any  # call(actor, order, values)
    done: Any
    button: str = "btn-outline-primary"
    intro: Any = ""


STEPS = {
    step.name: step
    for step in (
        Step(
            "start",
            gettext_lazy("开始服务"),
            "bi-play-fill",
            None,
            lambda actor, order, values: services.order_start(actor=actor, order=order),
            gettext_lazy("已开始提供服务，您是该订单的服务负责人。"),
            button="btn-primary",
            intro=gettext_lazy("企业已确认此订单。开始后由您负责交付，不能再取消。"),
        ),
        Step(
            "complete",
            gettext_lazy("服务完成"),
            "bi-check2-circle",
            CompleteForm,
            lambda actor, order, values: services.order_complete(
                actor=actor, order=order, **values
            ),
            gettext_lazy("服务已完成，待财务计费；企业可在门户评价服务质量。"),
            button="btn-success",
            intro=gettext_lazy("确认服务已交付。完成后由财务按订单单价计费，不能撤销。"),
        ),
        Step(
            "bill",
            gettext_lazy("生成账单"),
            "bi-receipt",
            None,
            lambda actor, order, values: services.order_bill(actor=actor, order=order),
            gettext_lazy("已生成账单。"),
            button="btn-primary",
            intro=gettext_lazy(
                "按订单锁定的单价生成账单（不高于下单当日的公示价格），每单只计费一次，不能撤销。"
            ),
        ),
        Step(
            "cancel",
            gettext_lazy("取消订单"),
            "bi-x-circle",
            ReasonForm,
            lambda actor, order, values: services.order_cancel(actor=actor, order=order, **values),
            gettext_lazy("订单已取消。"),
            button="btn-outline-danger",
            intro=gettext_lazy("服务开始前可以取消，须写明原因；取消后不能恢复。"),
        ),
    )
}


def available_steps(user, order) -> list[str]:
    """The steps the user may take now (the services decide again when one is posted)."""
    names = []
    handle = access.may(user, "vas_order.handle", order)
    if handle and order.status == OrderStatus.CONFIRMED:
        names.append("start")
    if handle and order.status == OrderStatus.IN_PROGRESS:
        names.append("complete")
    if (
        order.status == OrderStatus.COMPLETED
        and order.bill_id is None
        and access.may(user, "vas_order.bill", order)
    ):
        names.append("bill")
    if order.status in (OrderStatus.PENDING_CONFIRMATION, OrderStatus.CONFIRMED) and access.may(
        user, "vas_order.cancel", order
    ):
        names.append("cancel")
    return names


PROGRESS = (
    (gettext_lazy("下单"), None),
    (gettext_lazy("企业确认"), OrderStatus.PENDING_CONFIRMATION),
    (gettext_lazy("提供服务"), OrderStatus.CONFIRMED),
    (gettext_lazy("完成服务"), OrderStatus.IN_PROGRESS),
    (gettext_lazy("企业评价"), OrderStatus.COMPLETED),
)
_CURRENT = {
    OrderStatus.PENDING_CONFIRMATION: 1,
    OrderStatus.CONFIRMED: 2,
    OrderStatus.IN_PROGRESS: 3,
    OrderStatus.COMPLETED: 4,
}


def progress(order) -> list[tuple[str, str]]:
    """The order's stepper; a declined or cancelled order has none."""
    if order.status not in _CURRENT:
        return []
    current = _CURRENT[order.status]
    if order.status == OrderStatus.COMPLETED and order.rating is not None:
        current = len(PROGRESS)
    return [
        (label, "done" if n < current else "current" if n == current else "")
        for n, (label, _status) in enumerate(PROGRESS)
    ]


def render_order(request, order, *, error=None, open_step="", bound=None, status=200):
    steps = []
    for name in available_steps(request.user, order):
        step = STEPS[name]
        form = bound if name == open_step and bound is not None else None
        if form is None and step.form is not None:
            form = step.form(prefix=name)
        steps.append({"step": step, "form": form, "open": name == open_step})
    events, older = audit.timeline(order)
    context = {
        "order": order,
        "progress": progress(order),
        "steps": steps,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": order,
    }
    return render(request, "vas/order_detail.html", context, status=status)


def _order(request, pk):
    return get_or_404(selectors.order_get_for_user, actor=request.user, pk=pk)


@require_GET
@staff_page("vas_order.view")
def order_detail(request, pk):
    return render_order(request, _order(request, pk))


@require_POST
@staff_page("vas_order.view")
def order_step(request, pk, step):
    """POST orders/<pk>/<step>/: start, complete, bill or cancel through its service; a refusal
    shows the page again with the step's form open and the reason. There is no "confirm" step:
    only the enterprise confirms, in the portal (R-VAS-2)."""
    if step not in STEPS:
        raise Http404
    order = _order(request, pk)
    spec = STEPS[step]
    form = spec.form(request.POST, prefix=step) if spec.form else None
    if form is not None and not form.is_valid():
        error = ValidationFailed({k: list(v) for k, v in form.errors.items()})
        return render_order(request, order, error=error, open_step=step, bound=form, status=400)
    values = dict(form.cleaned_data) if form is not None else {}
    try:
        spec.call(request.user, order, values)
    except DomainError as exc:
        if form is not None:
            add_domain_error(form, exc)
        return render_order(
            request,
            _order(request, pk),
            error=exc,
            open_step=step,
            bound=form,
            status=exc.status_code,
        )
    messages.success(request, str(spec.done))
    return redirect(reverse("vas:order", args=[order.pk]))


# ---------------------------------------------------------------------------------------------
# 服务质量 (R-VAS-3)

BAR, FLAGGED, UNRATED = "#1f4fd1", "#e5484d", "#c4cad4"


@require_GET
@staff_page("vas_service.view")
def quality(request):
    form = QualityForm(request.GET or None, user=request.user)
    rows, params = selectors.quality(actor=request.user, park=form.chosen_park())
    rows = list(rows)
    rated = [row for row in rows if row.recent_average is not None]
    categories = dict(VasCategory.choices)
    several_parks = len({row.park_id for row in rows}) > 1
    chart = {
        "type": "bar",
        "labels": [f"{row.name}（{row.park}）" if several_parks else row.name for row in rated],
        "values": [round(row.recent_average, 2) for row in rated],
        "colors": [FLAGGED if row.flagged else BAR for row in rated],
    }
    return render(
        request,
        "vas/quality.html",
        {
            "form": form,
            "rows": rows,
            "params": params,
            "categories": categories,
            "chart": chart,
            "flagged": sum(1 for row in rows if row.flagged),
            "rated_count": sum(row.rated or 0 for row in rows),
        },
    )
